package dev.sightline;

import java.util.concurrent.atomic.AtomicInteger;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handled by the application instead of the JVM's shutdown hooks, which run all at once: the
 * embedded PostgreSQL library has a hook of its own that would stop the database while calls in flight still
 * need it. The handler stops the application in order (see {@link SightlineApp#stop()}) and then exits.
 */
final class Signals {

    private Signals() {
    }

    /**
     * @param first  what the first signal does (runs on a thread of its own)
     * @param second what a second signal does; null: the same as the first
     */
    static void onStop(Runnable first, Runnable second) {
        AtomicInteger count = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                Runnable action = count.incrementAndGet() == 1 || second == null ? first : second;
                Thread t = new Thread(action, "sightline-stop-" + s.getName());
                t.setDaemon(false);
                t.start();
            });
        }
    }
}
