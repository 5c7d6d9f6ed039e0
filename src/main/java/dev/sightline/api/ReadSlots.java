package dev.sightline.api;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Dashboard reads take turns (routes/api/analysis.yaml: metrics, a run's report, cited domains): at most
 * {@code sightline.api.read-slots} of them compute at a time (by default one per core and one more), and the others
 * wait for a slot in the order they came. A read is mostly CPU work, in PostgreSQL and in the app; when many more of
 * them run than there are cores, each is slowed by all the others, and the long ones (a year grouped by provider)
 * the most. Taking turns costs a short read a wait behind the reads before it, and gives every read near the
 * machine's full speed once its turn comes; the daily run's writes keep the rest of the connection pool. A read that
 * waited {@code sightline.api.read-wait} for a slot is answered 503 with {@code Retry-After}. {@code POST /api/analyze}
 * takes turns the same way in slots of its own ({@code sightline.api.analyze-slots}), so texts sent to be analysed
 * cannot take every core from the daily run's analysis and the dashboard.
 */
public final class ReadSlots {

    private final Semaphore slots;
    private final String setting;
    private final int size;
    private final long waitNanos;

    /** {@code setting} names the setting that gave the size, for the 503's message. */
    public ReadSlots(String setting, int size, Duration maxWait) {
        this.slots = new Semaphore(size, true);
        this.setting = setting;
        this.size = size;
        this.waitNanos = maxWait.toNanos();
    }

    /** Route step: waits for a slot, which the exchange holds until it completes (answered or failed). */
    public void take(Exchange exchange) throws InterruptedException {
        if (!slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
            throw new ApiException(503, "busy", null, "Every slot (" + setting + "=" + size
                    + ") stayed taken for " + Duration.ofNanos(waitNanos).toSeconds()
                    + " s (sightline.api.read-wait); try again").retryAfter(1);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                slots.release();
            }
        });
    }

    /** Slots free now. */
    public int free() {
        return slots.availablePermits();
    }

    /** Reads computing now. */
    public int inUse() {
        return size - slots.availablePermits();
    }

    /** Reads waiting for a slot (an estimate, as {@link Semaphore#getQueueLength()} is). */
    public int waiting() {
        return slots.getQueueLength();
    }
}
