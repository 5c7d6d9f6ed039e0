package dev.sightline.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * An answer's text and native citations as the response row keeps them (V19): one {@code answer} column, deflated by
 * the app. PostgreSQL compresses a value only in rows over 2 kB, and most answers are shorter, so their text and
 * citations were stored as written (0.9 and 0.5 kB an answer on the history benchmark).
 *
 * <p>Format 1: a byte {@code 1}, then a raw deflate stream, with {@code answer-dictionary-1.txt} as its preset
 * dictionary (generic answer phrasing and citation JSON; never edited, a new dictionary is a new format), of the
 * text's UTF-8 length as an unsigned LEB128 number, the text, and the citations as a JSON array. Rows stored
 * before V19 keep {@code answer_text} and {@code citations} and have no {@code answer}; {@link #read} takes either.
 */
public final class AnswerColumns {

    /** The columns {@link #read} needs, from a query that names the response row {@code s} (spaces around). */
    public static final String SELECT = " s.answer, s.answer_text, s.citations::text AS citations ";

    static final byte FORMAT_1 = 1;
    private static final byte[] DICTIONARY_1 = resource("answer-dictionary-1.txt");
    /** One per storing thread: a new deflater's tables cost about as much as deflating a short answer. */
    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(6, true));

    /** @param citationsJson the provider's citations as a JSON array of {@code Citation} */
    public record Answer(String text, String citationsJson) {
    }

    private AnswerColumns() {
    }

    public static byte[] encode(String text, String citationsJson) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] c = (citationsJson == null ? "[]" : citationsJson).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream plain = new ByteArrayOutputStream(t.length + c.length + 5);
        for (int n = t.length; ; n >>>= 7) {
            if (n < 0x80) {
                plain.write(n);
                break;
            }
            plain.write((n & 0x7f) | 0x80);
        }
        plain.writeBytes(t);
        plain.writeBytes(c);
        Deflater d = DEFLATERS.get();
        d.reset();
        d.setDictionary(DICTIONARY_1);
        d.setInput(plain.toByteArray());
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.size() / 2 + 16);
        out.write(FORMAT_1);
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        return out.toByteArray();
    }

    public static Answer decode(byte[] stored) {
        if (stored.length == 0 || stored[0] != FORMAT_1) {
            throw new IllegalStateException("unknown stored answer format " + (stored.length == 0 ? "(empty)"
                    : String.valueOf(stored[0])));
        }
        Inflater inf = new Inflater(true);
        byte[] plain;
        try {
            inf.setDictionary(DICTIONARY_1);
            inf.setInput(stored, 1, stored.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 3);
            byte[] buf = new byte[4096];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IllegalStateException("truncated stored answer");
                }
                out.write(buf, 0, n);
            }
            plain = out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt stored answer: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
        int length = 0;
        int at = 0;
        for (int shift = 0; ; shift += 7) {
            if (at >= plain.length || shift > 28) {
                throw new IllegalStateException("corrupt stored answer: bad text length");
            }
            int b = plain[at++] & 0xff;
            length |= (b & 0x7f) << shift;
            if (b < 0x80) {
                break;
            }
        }
        if (length < 0 || length > plain.length - at) {
            throw new IllegalStateException("corrupt stored answer: text length " + length);
        }
        return new Answer(new String(plain, at, length, StandardCharsets.UTF_8),
                new String(plain, at + length, plain.length - at - length, StandardCharsets.UTF_8));
    }

    /**
     * The answer of a row selected with {@link #SELECT}, stored in either form; text null when the row has none (no
     * response, in an outer join).
     */
    public static Answer read(ResultSet rs) throws SQLException {
        byte[] stored = rs.getBytes("answer");
        if (stored != null) {
            return decode(stored);
        }
        String citations = rs.getString("citations");
        return new Answer(rs.getString("answer_text"), citations == null ? "[]" : citations);
    }

    private static byte[] resource(String name) {
        try (InputStream in = AnswerColumns.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
