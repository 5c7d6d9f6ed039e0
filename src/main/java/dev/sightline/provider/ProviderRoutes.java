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

    private final Map<String, Map<String, Object>> routes = new LinkedHashMap<>();

    public ProviderRoutes(ProviderRegistry providers, Config config) {
        long throttleMillis = 60_000 + config.duration("sightline.throttle.margin", Duration.ofSeconds(1)).toMillis();
        for (Provider p : providers.enabled()) {
            ProviderSettings s = p.settings();
            Map<String, Object> params = new LinkedHashMap<>();
            params.put(TEMPLATE_ID, TEMPLATE);
            params.put("name", p.name());
            params.put("consumers", s.consumers());
            params.put("requestsPerMinute", s.requestsPerMinute());
            params.put("throttlePeriodMillis", throttleMillis);
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
