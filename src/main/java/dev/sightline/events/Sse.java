package dev.sightline.events;

/** The text/event-stream wire format: one frame per event, a blank line after each. */
public final class Sse {

    /** How long a client waits before it reconnects (the stream's first line). */
    public static final String RETRY = "retry: 2000\n\n";
    /** Keeps proxies from closing a quiet stream. */
    public static final String KEEP_ALIVE = ": keep-alive\n\n";

    private Sse() {
    }

    /** An event; {@code json} is one line (the serialiser writes no line breaks outside strings). */
    public static String event(String id, String type, String json) {
        return "id: " + id + "\nevent: " + type + "\ndata: " + json + "\n\n";
    }

    /** Moves the client's last event id without an event: where a stream without Last-Event-ID starts. */
    public static String position(String id) {
        return "id: " + id + "\n\n";
    }
}
