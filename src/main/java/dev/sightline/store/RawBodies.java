package dev.sightline.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw provider bodies as stored in {@code response_body}: deflated with the answer text as the preset dictionary
 * (encoding {@value #DEFLATE_ANSWER}), so the copy of the answer text every body carries costs a few bytes per
 * run of text instead of being stored twice. Bodies stored before V7 are {@value #PLAIN} UTF-8.
 */
public final class RawBodies {

    public static final String DEFLATE_ANSWER = "deflate-answer";
    public static final String PLAIN = "plain";
    /** Deflate looks back at most 32 KB: a longer answer's tail is the part its body is most likely to repeat. */
    private static final int WINDOW = 32 * 1024;

    private RawBodies() {
    }

    public static byte[] compress(String body, String answerText) {
        Deflater d = new Deflater(6, true);
        try {
            d.setDictionary(dictionary(answerText));
            d.setInput(body.getBytes(StandardCharsets.UTF_8));
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length() / 4));
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    public static String decompress(String encoding, byte[] stored, String answerText) {
        if (PLAIN.equals(encoding)) {
            return new String(stored, StandardCharsets.UTF_8);
        }
        if (!DEFLATE_ANSWER.equals(encoding)) {
            throw new IllegalArgumentException("unknown raw body encoding " + encoding);
        }
        Inflater inf = new Inflater(true);
        try {
            inf.setDictionary(dictionary(answerText));
            inf.setInput(stored);
            ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 4);
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IllegalStateException("truncated raw body");
                }
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt raw body: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    private static byte[] dictionary(String answerText) {
        byte[] b = (answerText == null ? "" : answerText).getBytes(StandardCharsets.UTF_8);
        if (b.length <= WINDOW) {
            return b;
        }
        byte[] tail = new byte[WINDOW];
        System.arraycopy(b, b.length - WINDOW, tail, 0, WINDOW);
        return tail;
    }
}
