package dev.sightline.webhooks;

import java.time.Duration;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;

/**
 * {@code sightline.webhooks.*}: whether hosts on private networks may receive webhooks, how long a receiver may take,
 * the backoff between attempts and for how long a delivery is retried, and how many are sent at once per node.
 */
public record WebhookSettings(boolean allowPrivate, Duration timeout, Duration baseDelay, Duration maxDelay,
                              Duration retryFor, int senders) {

    public static WebhookSettings from(Config config) {
        WebhookSettings s = new WebhookSettings(config.bool("sightline.webhooks.allow-private", false),
                config.duration("sightline.webhooks.timeout", Duration.ofSeconds(10)),
                config.duration("sightline.webhooks.retry-base-delay", Duration.ofSeconds(10)),
                config.duration("sightline.webhooks.retry-max-delay", Duration.ofHours(1)),
                config.duration("sightline.webhooks.retry-for", Duration.ofHours(24)),
                config.integer("sightline.webhooks.senders", 4, 1, 100));
        if (s.timeout.compareTo(Duration.ofMillis(100)) < 0 || s.timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new ConfigException("Invalid setting sightline.webhooks.timeout=" + s.timeout
                    + ": between 100ms and 5m");
        }
        if (s.baseDelay.isZero() || s.baseDelay.isNegative() || s.maxDelay.compareTo(s.baseDelay) < 0) {
            throw new ConfigException("Invalid setting sightline.webhooks.retry-max-delay=" + s.maxDelay
                    + ": must be positive and at least sightline.webhooks.retry-base-delay (" + s.baseDelay + ")");
        }
        if (s.retryFor.isNegative() || s.retryFor.isZero()) {
            throw new ConfigException("Invalid setting sightline.webhooks.retry-for=" + s.retryFor + ": must be positive");
        }
        return s;
    }

    /** A send's lease: the call's timeout and time to record its outcome. */
    public Duration lease() {
        return timeout.plusSeconds(30);
    }

    /**
     * The wait after a failed attempt: the base delay doubled per attempt, at most the maximum, half of it fixed and
     * half random so that receivers coming back are not hit by every delivery at once.
     */
    public Duration delay(int attempt, double random) {
        double d = baseDelay.toMillis() * Math.pow(2, Math.min(30, Math.max(0, attempt - 1)));
        d = Math.min(d, maxDelay.toMillis());
        return Duration.ofMillis((long) (d / 2 + random * d / 2));
    }
}
