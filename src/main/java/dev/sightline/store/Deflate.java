package dev.sightline.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw deflate (no zlib header) with a preset dictionary, as the stored raw bodies ({@link RawBodies}) and answers
 * ({@link AnswerColumns}) use it, both written on the thread that stores the answers.
 */
final class Deflate {

    /** One per storing thread: a new deflater's tables cost about as much as deflating a short answer. */
    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(6, true));

    private Deflate() {
    }

    /** A preset dictionary kept as a resource of this package. */
    static byte[] dictionary(String name) {
        try (InputStream in = Deflate.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends {@code input} deflated against {@code dictionary} to {@code out}. */
    static void deflate(byte[] input, byte[] dictionary, ByteArrayOutputStream out) {
        Deflater d = DEFLATERS.get();
        d.reset();
        d.setDictionary(dictionary);
        d.setInput(input);
        d.finish();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
    }

    /**
     * What {@link #deflate} wrote, read from {@code in[offset, offset + length)}.
     *
     * @param what the value's name for the errors: "truncated <what>", "corrupt <what>: ..."
     */
    static byte[] inflate(byte[] in, int offset, int length, byte[] dictionary, String what) {
        Inflater inf = new Inflater(true);
        try {
            inf.setDictionary(dictionary);
            inf.setInput(in, offset, length);
            ByteArrayOutputStream out = new ByteArrayOutputStream(length * 4);
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IllegalStateException("truncated " + what);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt " + what + ": " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }
}
