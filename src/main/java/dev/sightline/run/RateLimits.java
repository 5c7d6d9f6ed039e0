package dev.sightline.run;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.Exchange;

import dev.sightline.provider.ProviderCalls;

/**
 * Requests per minute per provider, counted as the provider counts them: at most {@code limit} requests arrive
 * there within any period. A permit is taken before the call and comes back one period after the call finished
 * (reply, error or timeout), because only then is it certain that the request has arrived. Camel's throttle returns
 * a permit one period after it was taken, before the request went out; a request that takes a little longer to
 * leave than the one a period later (circuit breaker, connection, scheduling) then puts limit + 1 requests into one
 * provider window. A permit whose request never went out (open circuit, shutdown) comes back at once.
 */
public final class RateLimits {

    /** Exchange property: the window the exchange holds a permit of. */
    static final String PERMIT = "sightline.permit";

    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Dispatcher dispatcher;
    private final long periodNanos;

    public RateLimits(Dispatcher dispatcher, Duration period) {
        this.dispatcher = dispatcher;
        this.periodNanos = period.toNanos();
    }

    public void addProvider(String provider, int limit) {
        windows.put(provider, new Window(limit, periodNanos));
    }

    /** Waits for a permit of the cell's provider; a node that stops leaves the cell unstarted. */
    public void acquire(Exchange exchange) throws InterruptedException {
        CellClaim claim = exchange.getProperty(Dispatcher.CLAIM, CellClaim.class);
        Window w = windows.get(claim.provider());
        if (w == null) {
            return;
        }
        w.acquire(dispatcher);
        exchange.setProperty(PERMIT, w);
    }

    /** Gives the exchange's permit back: a period from now if its request went out, else at once. */
    public void release(Exchange exchange) {
        Window w = exchange.getProperty(PERMIT, Window.class);
        if (w != null) {
            exchange.removeProperty(PERMIT);
            w.release(exchange.getProperty(ProviderCalls.STARTED_NANOS) != null);
        }
    }

    /** Permits never used yet, and the times at which used ones come back (ascending). */
    static final class Window {
        private final long periodNanos;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<Long> returning = new ArrayDeque<>();
        private int free;

        Window(int limit, long periodNanos) {
            this.free = limit;
            this.periodNanos = periodNanos;
        }

        void acquire(Dispatcher dispatcher) throws InterruptedException {
            lock.lockInterruptibly();
            try {
                while (true) {
                    if (free > 0) {
                        free--;
                        return;
                    }
                    long now = System.nanoTime();
                    Long next = returning.peekFirst();
                    if (next != null && next - now <= 0) {
                        returning.pollFirst();
                        return;
                    }
                    if (dispatcher.isStopping()) {
                        throw new ProviderCalls.NotStartedException("node is shutting down");
                    }
                    changed.awaitNanos(next == null ? MAX_WAIT_NANOS : Math.min(next - now, MAX_WAIT_NANOS));
                }
            } finally {
                lock.unlock();
            }
        }

        void release(boolean requestSent) {
            lock.lock();
            try {
                if (requestSent) {
                    // read under the lock, so the queue stays in ascending order
                    returning.addLast(System.nanoTime() + periodNanos);
                } else {
                    free++;
                }
                changed.signal();
            } finally {
                lock.unlock();
            }
        }
    }
}
