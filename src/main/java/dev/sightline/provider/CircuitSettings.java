package dev.sightline.provider;

import java.time.Duration;

import dev.sightline.config.Config;

/**
 * A provider's circuit breaker: {@code sightline.circuit.*}, each key overridable per provider with
 * {@code sightline.providers.<name>.circuit.*}.
 *
 * @param failureRateThreshold percent of failed calls that opens the circuit
 * @param minimumCalls         calls before the failure rate counts
 * @param windowSize           calls in the sliding window
 * @param openDuration         how long an open circuit defers the provider's cells
 * @param halfOpenCalls        trial calls when it half-opens
 */
public record CircuitSettings(float failureRateThreshold, int minimumCalls, int windowSize, Duration openDuration,
                              int halfOpenCalls) {

    static final java.util.List<String> KEYS = java.util.List.of("circuit.failure-rate-threshold",
            "circuit.minimum-calls", "circuit.window-size", "circuit.open-duration", "circuit.half-open-calls");

    static CircuitSettings read(Config c, String providerPrefix) {
        return new CircuitSettings(
                (float) c.decimal(key(c, providerPrefix, "failure-rate-threshold"), 50, 1, 100),
                c.integer(key(c, providerPrefix, "minimum-calls"), 10, 1, 10_000),
                c.integer(key(c, providerPrefix, "window-size"), 20, 1, 10_000),
                c.duration(key(c, providerPrefix, "open-duration"), Duration.ofSeconds(30)),
                c.integer(key(c, providerPrefix, "half-open-calls"), 3, 1, 1000));
    }

    /** The provider's own key when it is set, else the global one (so errors name the key that was given). */
    private static String key(Config c, String providerPrefix, String name) {
        String own = providerPrefix + "circuit." + name;
        return c.find(own).isPresent() ? own : "sightline.circuit." + name;
    }
}
