package dev.sightline.provider;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.spi.RouteTemplateParameterSource;

import dev.sightline.config.Config;

/**
 * Camel creates one route {@code provider-<name>} per enabled provider from the {@code provider} route template
 * with these parameters: the provider's settings as read from {@code sightline.providers.<name>.*} (its base URL
 * the simulator's when it is simulated) and the circuit breaker settings {@code sightline.circuit.*}, which a
 * provider may override with {@code sightline.providers.<name>.circuit.*}.
 */
public final class ProviderRoutes implements RouteTemplateParameterSource {

    public static final String TEMPLATE = "provider";

    /**
     * The most permits one throttle window holds. Camel's throttle creates every permit of its window as an object in
     * a delay queue when the first exchange reaches it: at 100,000 requests a minute that took 50 ms on the first
     * call's path (and 100,000 objects per provider). A larger limit is kept as the same rate over a shorter window.
     */
    static final int MAX_PERMITS_PER_WINDOW = 1_000;

    /** {@code requestsPerMinute} as {@code permits} per {@code windowMillis} (see {@link #throttle}). */
    record Throttle(int permits, long windowMillis) {
    }

    private final Map<String, Map<String, Object>> routes = new LinkedHashMap<>();

    public ProviderRoutes(ProviderRegistry providers, Config config) {
        long minuteMillis = 60_000 + config.duration("sightline.throttle.margin", Duration.ofSeconds(1)).toMillis();
        for (Provider p : providers.enabled()) {
            ProviderSettings s = p.settings();
            Map<String, Object> params = new LinkedHashMap<>();
            params.put(TEMPLATE_ID, TEMPLATE);
            params.put("name", p.name());
            params.put("consumers", s.consumers());
            Throttle throttle = throttle(s.requestsPerMinute(), minuteMillis);
            params.put("permitsPerWindow", throttle.permits());
            params.put("throttleWindowMillis", throttle.windowMillis());
            params.put("baseUrl", s.baseUrl());
            params.put("timeoutMillis", s.timeout().toMillis());
            params.put("connectTimeoutMillis", Math.min(s.timeout().toMillis(), 10_000));
            CircuitSettings c = s.circuit();
            params.put("failureRateThreshold", c.failureRateThreshold());
            params.put("minimumNumberOfCalls", c.minimumCalls());
            params.put("slidingWindowSize", c.windowSize());
            params.put("waitDurationInOpenState", Math.max(1, c.openDuration().toSeconds()));
            params.put("permittedNumberOfCallsInHalfOpenState", c.halfOpenCalls());
            routes.put(routeId(p.name()), params);
        }
    }

    /**
     * The throttle for a limit of {@code requestsPerMinute}, whose permit comes back {@code minuteMillis} (a minute
     * plus the margin) after its call: as written up to {@link #MAX_PERMITS_PER_WINDOW}; above, the permits and the
     * window divided by the same {@code d}, the least that brings the permits within the cap. Two uses of one permit
     * are then at least {@code minuteMillis / d} apart, so {@code d + 1} of them span {@code minuteMillis}, as two did:
     * any minute the provider sees holds at most {@code d} uses of each permit, {@code d * permits} calls, which is
     * {@code requestsPerMinute} less at most {@code d - 1}. The rate is the same, spread more evenly over the minute.
     */
    static Throttle throttle(int requestsPerMinute, long minuteMillis) {
        if (requestsPerMinute <= MAX_PERMITS_PER_WINDOW) {
            return new Throttle(requestsPerMinute, minuteMillis);
        }
        int d = (requestsPerMinute + MAX_PERMITS_PER_WINDOW - 1) / MAX_PERMITS_PER_WINDOW;
        // rounded up: d windows of this length cover the minute and its margin
        return new Throttle(requestsPerMinute / d, (minuteMillis + d - 1) / d);
    }

    public static String routeId(String provider) {
        return "provider-" + provider;
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        return new LinkedHashMap<>(routes.get(routeId));
    }

    @Override
    public Set<String> routeIds() {
        return routes.keySet().stream().collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
