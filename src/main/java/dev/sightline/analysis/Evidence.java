package dev.sightline.analysis;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * One mention of an entity.
 *
 * @param start        offset of the mention in the original answer text (inclusive)
 * @param end          offset just past the mention (exclusive)
 * @param snippetStart where the snippet's span of the text starts
 * @param snippetEnd   where it ends (exclusive)
 * @param snippet      the sentence around the mention, or about 160 characters around it when the sentence is long,
 *                     with its runs of white space made one space
 */
public record Evidence(int start, int end, int snippetStart, int snippetEnd, String snippet) {

    /** The evidence of a mention whose snippet is {@code text[s, e)}. */
    public static Evidence of(String text, int start, int end, int s, int e) {
        return new Evidence(start, end, s, e, snippetOf(text, s, e));
    }

    /**
     * A mention's evidence as offsets: one flat array of four per mention (start, end, snippet start, snippet end),
     * without the snippets, which are the stored answer's text between the last two ({@link #snippetOf}) and were
     * most of the row: 207 -> 69 bytes a row at one year of history. Stored {@link #pack packed}.
     */
    public static int[] stored(List<Evidence> evidence) {
        int[] out = new int[evidence.size() * 4];
        int i = 0;
        for (Evidence e : evidence) {
            out[i++] = e.start;
            out[i++] = e.end;
            out[i++] = e.snippetStart;
            out[i++] = e.snippetEnd;
        }
        return out;
    }

    /**
     * Offsets as {@code mention.evidence_offsets} keeps them (V20): each the difference from the one before (the
     * first from 0), zigzag-encoded and written as an unsigned LEB128 number, so the four offsets of a mention
     * take 5-8 bytes, where a JSON array took 69 a row.
     */
    public static byte[] pack(int[] offsets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(offsets.length * 2);
        int previous = 0;
        for (int v : offsets) {
            int d = v - previous;
            previous = v;
            for (int z = (d << 1) ^ (d >> 31); ; z >>>= 7) {
                if ((z & ~0x7f) == 0) {
                    out.write(z);
                    break;
                }
                out.write((z & 0x7f) | 0x80);
            }
        }
        return out.toByteArray();
    }

    /** The offsets {@link #pack} wrote; a damaged value is refused. */
    public static int[] unpack(byte[] packed) {
        int[] out = new int[packed.length];
        int n = 0;
        int previous = 0;
        int z = 0;
        int shift = 0;
        for (byte b : packed) {
            if (shift > 28) {
                throw new IllegalArgumentException("damaged evidence offsets");
            }
            z |= (b & 0x7f) << shift;
            if ((b & 0x80) != 0) {
                shift += 7;
                continue;
            }
            previous += (z >>> 1) ^ -(z & 1);
            out[n++] = previous;
            z = 0;
            shift = 0;
        }
        if (shift != 0) {
            throw new IllegalArgumentException("damaged evidence offsets");
        }
        return Arrays.copyOf(out, n);
    }

    /** {@code text[s, e)} with its runs of white space made one space, stripped. */
    public static String snippetOf(String text, int s, int e) {
        if (text == null || s < 0 || e > text.length() || s > e) {
            return "";
        }
        String raw = text.substring(s, e);
        if (raw.indexOf('\t') < 0 && raw.indexOf("  ") < 0 && raw.indexOf('\n') < 0 && raw.indexOf('\u00a0') < 0) {
            return raw.strip(); // sentences never cross lines, so this is the common case
        }
        StringBuilder sb = new StringBuilder(e - s);
        boolean space = false;
        for (int i = s; i < e; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = sb.length() > 0;
            } else {
                if (space) {
                    sb.append(' ');
                    space = false;
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
