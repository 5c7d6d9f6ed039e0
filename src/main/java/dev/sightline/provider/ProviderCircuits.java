package dev.sightline.provider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breakers of the provider routes (step {@code circuit-breaker-<name>}), found once the routes run:
 * their state for health and for dispatch (an open circuit keeps the provider's cells in the database), and
 * every state change logged at INFO.
 */
public final class ProviderCircuits {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCircuits.class);

    private final CamelContext ctx;
    private final ProviderRegistry providers;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public ProviderCircuits(CamelContext ctx, ProviderRegistry providers) {
        this.ctx = ctx;
        this.providers = providers;
    }

    private CircuitBreaker breaker(String provider) {
        CircuitBreaker cb = breakers.get(provider);
        if (cb != null) {
            return cb;
        }
        org.apache.camel.Route route = ctx.getRoute(ProviderRoutes.routeId(provider));
        if (route == null) {
            return null;
        }
        // Camel prefixes the ids of a template's steps per route, so the breaker is found by type
        CircuitBreaker found = route.filter("*").stream().filter(ResilienceProcessor.class::isInstance)
                .map(p -> ((ResilienceProcessor) p).getCircuitBreaker()).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        if (found == null) {
            return null; // the route is not started yet
        }
        if (breakers.putIfAbsent(provider, found) == null) {
            found.getEventPublisher().onStateTransition(e -> LOG.info("Circuit of provider {}: {} -> {}", provider,
                    e.getStateTransition().getFromState(), e.getStateTransition().getToState()));
        }
        return found;
    }

    /** Listens to every provider's circuit (after the routes started). */
    public void watch() {
        providers.enabled().forEach(p -> breaker(p.name()));
    }

    /** {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...; {@code DISABLED} for a disabled provider. */
    public String state(String provider) {
        if (providers.find(provider).map(p -> !p.settings().enabled()).orElse(true)) {
            return "DISABLED";
        }
        CircuitBreaker cb = breaker(provider);
        return cb == null ? "CLOSED" : cb.getState().name();
    }

    /** Whether the provider's cells may be claimed now. */
    public boolean admits(String provider) {
        CircuitBreaker cb = breaker(provider);
        return cb == null || cb.getState() != CircuitBreaker.State.OPEN;
    }
}
