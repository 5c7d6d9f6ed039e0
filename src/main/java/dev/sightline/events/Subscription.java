package dev.sightline.events;

import java.util.ArrayDeque;

import dev.sightline.events.EventLog.Cursor;

/**
 * One client's stream: its scope, where it is in the log, and the frames waiting for its connection. The buffer is
 * bounded: a client that falls {@code capacity} frames behind (slow, or stalled) is dropped, so it costs no more
 * than that and never holds up the reader or the pipeline; it reconnects with Last-Event-ID and misses nothing.
 */
public final class Subscription {

    /** Where the frames go: the HTTP connection. */
    public interface Sink {
        /** Frames are waiting; take them with {@link #take}. Called from any thread. */
        void ready();

        /** The stream is over (dropped, or the node stops): close the connection. */
        void close();
    }

    private final EventScope scope;
    private final int capacity;
    private final ArrayDeque<String> frames = new ArrayDeque<>();
    private volatile Sink sink;
    private Cursor position;
    private String lastId;
    private boolean closed;

    public Subscription(EventScope scope, int capacity) {
        this.scope = scope;
        this.capacity = capacity;
    }

    public EventScope scope() {
        return scope;
    }

    public void attach(Sink s) {
        this.sink = s;
    }

    synchronized void start(Cursor at, boolean announce) {
        position = at;
        lastId = at.toString();
        if (announce) {
            frames.add(Sse.position(lastId));
        }
    }

    synchronized Cursor position() {
        return position;
    }

    /** Moves past events that were not for this stream. */
    synchronized void skipTo(Cursor c) {
        if (c.after(position)) {
            position = c;
        }
    }

    /** The id a frame that follows the last one sent carries (a derived event has no place of its own). */
    synchronized String lastId() {
        return lastId;
    }

    /** An event after the stream's position: queued, or false when the buffer is full (the caller drops us). */
    synchronized boolean offer(Cursor at, String frame) {
        if (closed) {
            return true;
        }
        if (!at.after(position)) {
            return true;
        }
        if (frames.size() >= capacity) {
            return false;
        }
        frames.add(frame);
        position = at;
        lastId = at.toString();
        return true;
    }

    /** A frame without a place in the log (a derived event, a comment). */
    synchronized boolean offer(String frame) {
        if (closed) {
            return true;
        }
        if (frames.size() >= capacity) {
            return false;
        }
        frames.add(frame);
        return true;
    }

    /** While catching up from the database: waits for room instead of dropping; false when closed or timed out. */
    synchronized boolean offerWaiting(Cursor at, String frame, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!closed && frames.size() >= capacity) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return !closed && offer(at, frame);
    }

    /** The waiting frames as one chunk of at most about {@code maxChars}, or null when none wait. */
    public synchronized String take(int maxChars) {
        if (frames.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder(frames.poll());
        while (!frames.isEmpty() && b.length() + frames.peek().length() <= maxChars) {
            b.append(frames.poll());
        }
        notifyAll();
        return b.toString();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** The connection went away. */
    public void close() {
        synchronized (this) {
            closed = true;
            frames.clear();
            notifyAll();
        }
    }

    /**
     * Dropped by the node (buffer full, shutting down, its token revoked): frees the buffer and closes the
     * connection.
     */
    public void drop() {
        close();
        Sink s = sink;
        if (s != null) {
            s.close();
        }
    }

    void signal() {
        Sink s = sink;
        if (s != null) {
            s.ready();
        }
    }
}
