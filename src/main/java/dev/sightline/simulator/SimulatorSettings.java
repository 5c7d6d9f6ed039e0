package dev.sightline.simulator;

import dev.sightline.provider.ProviderKinds;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the provider simulator listens and misbehaves.
 *
 * <p>Properties read by {@link #fromProperties}; every key is optional.
 * <table>
 * <caption>sightline.simulator.*</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code sightline.simulator.host}</td><td>{@code 127.0.0.1}</td><td>interface to bind</td></tr>
 * <tr><td>{@code sightline.simulator.port}</td><td>{@code 0}</td><td>port to bind; 0 picks a free one</td></tr>
 * <tr><td>{@code sightline.simulator.day}</td><td>today (UTC)</td><td>ISO date the answers are written for;
 *     fix it for reproducible tests</td></tr>
 * <tr><td>{@code sightline.simulator.latency-median}</td><td>{@code 700ms}</td><td>median answer time</td></tr>
 * <tr><td>{@code sightline.simulator.latency-p99}</td><td>{@code 2500ms}</td><td>99th percentile answer time
 *     (log-normal); equal to the median: fixed latency; both 0: answer at once</td></tr>
 * <tr><td>{@code sightline.simulator.rate-429}</td><td>{@code 0.0}</td><td>share of requests answered 429</td></tr>
 * <tr><td>{@code sightline.simulator.retry-after}</td><td>{@code 2s}</td><td>retry hint sent with those 429s</td></tr>
 * <tr><td>{@code sightline.simulator.rate-500}</td><td>{@code 0.0}</td><td>share answered 500</td></tr>
 * <tr><td>{@code sightline.simulator.rate-overloaded}</td><td>{@code 0.0}</td><td>share answered 529 (anthropic)
 *     or 503 (other kinds)</td></tr>
 * <tr><td>{@code sightline.simulator.rate-timeout}</td><td>{@code 0.0}</td><td>share held {@code timeout-hold}
 *     and then dropped without a reply</td></tr>
 * <tr><td>{@code sightline.simulator.timeout-hold}</td><td>{@code 30s}</td><td>how long those are held</td></tr>
 * <tr><td>{@code sightline.simulator.rate-malformed}</td><td>{@code 0.0}</td><td>share answered HTTP 200 with an
 *     HTML page or truncated JSON</td></tr>
 * <tr><td>{@code sightline.simulator.rate-401}</td><td>{@code 0.0}</td><td>share answered 401 as if the key had
 *     been revoked</td></tr>
 * <tr><td>{@code sightline.simulator.rate-refusal}</td><td>unset</td><td>share of answers that decline to
 *     recommend; unset: the answer writer's own mix of styles</td></tr>
 * <tr><td>{@code sightline.simulator.kinds.<kind>.served-model}</td><td>unset</td><td>the model name replies of
 *     the kind report, as when a provider swaps the model behind an alias</td></tr>
 * <tr><td>{@code sightline.simulator.kinds.<kind>.<key>}</td><td>the global value</td><td>any of the latency and
 *     fault keys above for one kind ({@code openai-chat}, {@code openai-responses}, {@code anthropic},
 *     {@code gemini}, {@code perplexity}, {@code perplexity-agent}, {@code openai-compatible})</td></tr>
 * </table>
 * Durations accept {@code 700ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 0} and ISO-8601 ({@code PT2S}).
 * Rates are between 0 and 1 and a kind's rates add up to at most 1. An invalid value throws
 * {@link IllegalArgumentException} naming the property.
 *
 * @param host     interface to bind
 * @param port     port to bind, 0 for any free port
 * @param day      the day answers are written for (tendencies drift by day); null: today in UTC, per request
 * @param faults   profiles of kinds that differ from {@code defaults}
 * @param defaults the profile of every kind absent from {@code faults}
 */
public record SimulatorSettings(String host, int port, LocalDate day, Map<String, FaultProfile> faults,
                                FaultProfile defaults) {

    public static final String PREFIX = "sightline.simulator.";

    public SimulatorSettings {
        host = host == null || host.isBlank() ? "127.0.0.1" : host.strip();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        faults = faults == null ? Map.of() : Map.copyOf(faults);
        defaults = defaults == null ? FaultProfile.DEFAULT : defaults;
    }

    /** Loopback, any free port, today, the documented default latency and no faults. */
    public static SimulatorSettings standard() {
        return new SimulatorSettings("127.0.0.1", 0, null, Map.of(), FaultProfile.DEFAULT);
    }

    /** Loopback, any free port, a fixed day, instant answers and no faults. */
    public static SimulatorSettings forTests(LocalDate day) {
        return new SimulatorSettings("127.0.0.1", 0, day, Map.of(), FaultProfile.NONE);
    }

    public SimulatorSettings withDefaults(FaultProfile profile) {
        return new SimulatorSettings(host, port, day, faults, profile);
    }

    /** The profile a kind starts with. */
    public FaultProfile faultsFor(String kind) {
        return faults.getOrDefault(kind, defaults);
    }

    /**
     * Reads {@code sightline.simulator.*} (see the table above).
     *
     * @param lookup property value by full key, empty when unset
     */
    public static SimulatorSettings fromProperties(Function<String, Optional<String>> lookup) {
        Objects.requireNonNull(lookup, "lookup");
        Function<String, Optional<String>> get = key -> lookup.apply(key).map(String::strip).filter(v -> !v.isEmpty());
        String host = get.apply(PREFIX + "host").orElse("127.0.0.1");
        int port = get.apply(PREFIX + "port").map(v -> parsePort(PREFIX + "port", v)).orElse(0);
        LocalDate day = get.apply(PREFIX + "day").map(v -> parseDay(PREFIX + "day", v)).orElse(null);
        FaultProfile global = readProfile(get, PREFIX, FaultProfile.DEFAULT);
        Map<String, FaultProfile> perKind = new LinkedHashMap<>();
        for (String kind : ProviderKinds.ALL) {
            String prefix = PREFIX + "kinds." + kind + ".";
            if (ProfileKey.anyPresent(get, prefix)) {
                perKind.put(kind, readProfile(get, prefix, global));
            }
        }
        return new SimulatorSettings(host, port, day, perKind, global);
    }

    private static FaultProfile readProfile(Function<String, Optional<String>> get, String prefix, FaultProfile base) {
        Duration median = duration(get, prefix, ProfileKey.LATENCY_MEDIAN, base.latencyMedian());
        Duration p99 = duration(get, prefix, ProfileKey.LATENCY_P99, base.latencyP99());
        // A median set above an inherited p99 means "fixed latency", not an error
        if (get.apply(prefix + ProfileKey.LATENCY_MEDIAN.key).isPresent()
                && get.apply(prefix + ProfileKey.LATENCY_P99.key).isEmpty() && p99.compareTo(median) < 0) {
            p99 = median;
        }
        if (p99.compareTo(median) < 0) {
            throw new IllegalArgumentException(prefix + ProfileKey.LATENCY_P99.key + " (" + p99
                    + ") must not be below " + prefix + ProfileKey.LATENCY_MEDIAN.key + " (" + median + ")");
        }
        double r429 = rate(get, prefix, ProfileKey.RATE_429, base.rate429());
        Duration retryAfter = duration(get, prefix, ProfileKey.RETRY_AFTER, base.retryAfter());
        double r500 = rate(get, prefix, ProfileKey.RATE_500, base.rate500());
        double rOver = rate(get, prefix, ProfileKey.RATE_OVERLOADED, base.rateOverloaded());
        double rTimeout = rate(get, prefix, ProfileKey.RATE_TIMEOUT, base.rateTimeout());
        Duration hold = duration(get, prefix, ProfileKey.TIMEOUT_HOLD, base.timeoutHold());
        double rMalformed = rate(get, prefix, ProfileKey.RATE_MALFORMED, base.rateMalformed());
        double r401 = rate(get, prefix, ProfileKey.RATE_401, base.rate401());
        Double rRefusal = base.rateRefusal();
        if (get.apply(prefix + ProfileKey.RATE_REFUSAL.key).isPresent()) {
            rRefusal = rate(get, prefix, ProfileKey.RATE_REFUSAL, 0);
        }
        String served = get.apply(prefix + ProfileKey.SERVED_MODEL.key).orElse(base.servedModel());
        try {
            return new FaultProfile(median, p99, r429, retryAfter, r500, rOver, rTimeout, hold, rMalformed, r401,
                    rRefusal, served);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "rate-*: " + e.getMessage(), e);
        }
    }

    private static Duration duration(Function<String, Optional<String>> get, String prefix, ProfileKey key,
                                     Duration fallback) {
        String name = prefix + key.key;
        return get.apply(name).map(v -> {
            try {
                return Durations.parse(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }).orElse(fallback);
    }

    private static double rate(Function<String, Optional<String>> get, String prefix, ProfileKey key,
                               double fallback) {
        String name = prefix + key.key;
        return get.apply(name).map(v -> {
            double r;
            try {
                r = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a number: " + v, e);
            }
            if (!(r >= 0.0 && r <= 1.0)) {
                throw new IllegalArgumentException(name + ": must be between 0 and 1: " + v);
            }
            return r;
        }).orElse(fallback);
    }

    private static int parsePort(String name, String value) {
        try {
            int p = Integer.parseInt(value);
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(name + ": out of range 0-65535: " + value);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a port number: " + value, e);
        }
    }

    private static LocalDate parseDay(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": not an ISO date (2026-03-01): " + value, e);
        }
    }

    private enum ProfileKey {
        LATENCY_MEDIAN("latency-median"), LATENCY_P99("latency-p99"), RATE_429("rate-429"),
        RETRY_AFTER("retry-after"), RATE_500("rate-500"), RATE_OVERLOADED("rate-overloaded"),
        RATE_TIMEOUT("rate-timeout"), TIMEOUT_HOLD("timeout-hold"), RATE_MALFORMED("rate-malformed"),
        RATE_401("rate-401"), RATE_REFUSAL("rate-refusal"), SERVED_MODEL("served-model");

        final String key;

        ProfileKey(String key) {
            this.key = key;
        }

        static boolean anyPresent(Function<String, Optional<String>> get, String prefix) {
            for (ProfileKey k : values()) {
                if (get.apply(prefix + k.key).isPresent()) {
                    return true;
                }
            }
            return false;
        }
    }
}
