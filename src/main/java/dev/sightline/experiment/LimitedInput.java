package dev.sightline.experiment;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

import dev.sightline.values.Rejection;

/**
 * The upload as it arrives: refuses it past {@code maxBytes} in all or {@code maxLineBytes} on one line (counted in
 * bytes, before any decoding, so no line is ever held whole), and hashes it for the dataset's checksum.
 */
final class LimitedInput extends FilterInputStream {

    private final DatasetLimits limits;
    private final MessageDigest digest = Datasets.sha256();
    private long total;
    private long lineBytes;
    private long line = 1;

    LimitedInput(InputStream in, DatasetLimits limits) {
        super(in);
        this.limits = limits;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n <= 0) {
            return n;
        }
        total += n;
        if (total > limits.maxBytes()) {
            throw Rejection.tooLarge("body", "the file is larger than " + limits.maxBytes() + " bytes ("
                    + DatasetLimits.BYTES + ")");
        }
        for (int i = off; i < off + n; i++) {
            if (b[i] == '\n') {
                line++;
                lineBytes = 0;
            } else if (++lineBytes > limits.maxLineBytes()) {
                throw Rejection.tooLarge("body", "line " + line + " is longer than " + limits.maxLineBytes()
                        + " bytes (" + DatasetLimits.LINE + ")");
            }
        }
        digest.update(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // every byte must be counted and hashed
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long bytes() {
        return total;
    }

    /** The line being read (1-based). */
    long line() {
        return line;
    }

    String checksum() {
        return java.util.HexFormat.of().formatHex(digest.digest());
    }
}
