package dev.sightline.run;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a cell again: the provider's hint when it gave one, else exponential backoff with full jitter
 * ({@code random(0, min(maxDelay, base * 2^(attempt-1)))}), so a fleet of retries does not come back at once.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    public Duration delay(int attempt, Duration hint) {
        if (hint != null && !hint.isNegative() && !hint.isZero()) {
            // honour the hint, plus up to 10 % so the cells a 429 sent back do not all return in the same instant
            long extra = ThreadLocalRandom.current().nextLong(hint.toMillis() / 10 + 1);
            return hint.plusMillis(extra);
        }
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling(attempt).toMillis() + 1));
    }

    /** The upper bound of the jittered backoff for an attempt. */
    public Duration ceiling(int attempt) {
        int shift = Math.max(0, Math.min(30, attempt - 1));
        long ms = baseDelay.toMillis() << shift;
        if (ms < 0 || ms > maxDelay.toMillis()) {
            ms = maxDelay.toMillis();
        }
        return Duration.ofMillis(ms);
    }
}
