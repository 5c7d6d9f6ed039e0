package dev.sightline.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The body of a request that platform-http left unread ({@code useBodyHandler=false}: the route gets the paused
 * Vert.x request) as a blocking stream for the route's worker thread. It asks the connection for one chunk at a time,
 * so at most a few chunks are in memory whatever the body's size, and a slow client slows the reader, not the heap.
 */
final class RequestBodyStream extends InputStream {

    private static final Object END = new Object();
    /** Chunks asked for ahead of the reader. */
    private static final int AHEAD = 4;

    private final HttpServerRequest request;
    private final Context context;
    private final long idleMillis;
    private final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int pos;
    private boolean ended;

    /** @param idleMillis how long the client may send nothing before the read fails */
    RequestBodyStream(HttpServerRequest request, long idleMillis) {
        this.request = request;
        this.idleMillis = idleMillis;
        this.context = Vertx.currentContext();
        onContext(() -> {
            request.handler(b -> chunks.add(b));
            request.endHandler(v -> chunks.add(END));
            request.exceptionHandler(chunks::add);
            request.fetch(AHEAD);
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos >= current.length) {
            if (ended) {
                return -1;
            }
            Object next;
            try {
                next = chunks.poll(idleMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the request body");
            }
            if (next == null) {
                throw new IOException("the client sent nothing for " + idleMillis + " ms");
            }
            if (next == END) {
                ended = true;
            } else if (next instanceof Throwable t) {
                throw new IOException("reading the request body failed: " + t.getMessage(), t);
            } else {
                current = ((Buffer) next).getBytes();
                pos = 0;
                onContext(this::fetchOne);
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    /**
     * Whatever the reader left unread is drained and dropped, so the client can finish sending and read the answer
     * (a refusal comes before the end of the body).
     */
    @Override
    public void close() {
        if (!ended) {
            onContext(() -> {
                if (!request.isEnded()) {
                    request.handler(b -> { });
                    request.resume();
                }
            });
        }
    }

    /** On the connection's context, where the request's state is consistent: one more chunk, if any is to come. */
    private void fetchOne() {
        if (!request.isEnded()) {
            request.fetch(1);
        }
    }

    private void onContext(Runnable r) {
        if (context != null) {
            context.runOnContext(v -> r.run());
        } else {
            r.run();
        }
    }
}
