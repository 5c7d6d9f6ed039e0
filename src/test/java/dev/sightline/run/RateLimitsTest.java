package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A permit comes back a period after its call finished, or at once when no request went out. */
class RateLimitsTest {

    private final Dispatcher dispatcher = new Dispatcher(null, null, "test", Duration.ofSeconds(60));

    @Test
    void aUsedPermitComesBackOnlyAPeriodAfterItsCallFinished() throws Exception {
        RateLimits.Window w = new RateLimits.Window(2, TimeUnit.MILLISECONDS.toNanos(300));
        w.acquire(dispatcher);
        w.acquire(dispatcher);
        long released = System.nanoTime();
        w.release(true);
        w.acquire(dispatcher); // blocks until the released permit is a period old
        assertThat(System.nanoTime() - released).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void aPermitWhoseRequestNeverWentOutComesBackAtOnce() throws Exception {
        RateLimits.Window w = new RateLimits.Window(1, TimeUnit.MINUTES.toNanos(1));
        w.acquire(dispatcher);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                w.acquire(dispatcher);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        w.release(false);
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(waiting).isDone();
    }
}
