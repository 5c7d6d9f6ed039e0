package dev.sightline.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.Exchange;

import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.run.Dispatcher;
import dev.sightline.store.Database;

/**
 * {@code GET /api/health}, the one endpoint without a token: 200 {@code up} when the database answers, 503
 * {@code degraded} when it does not (the HTTP side keeps answering while the pool reconnects).
 */
public final class HealthApi {

    private final Database database;
    private final ProviderRegistry providers;
    private final Dispatcher dispatcher;
    private final Function<String, String> circuitState;
    private final dev.sightline.run.Budget budget;
    private final long defaultWorkspace;

    public HealthApi(Database database, ProviderRegistry providers, Dispatcher dispatcher,
                     dev.sightline.run.Budget budget, Function<String, String> circuitState, long defaultWorkspace) {
        this.budget = budget;
        this.database = database;
        this.providers = providers;
        this.dispatcher = dispatcher;
        this.circuitState = circuitState;
        this.defaultWorkspace = defaultWorkspace;
    }

    public void health(Exchange ex) {
        boolean dbUp = database.ping();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", dbUp ? "up" : "degraded");
        out.put("database", dbUp ? "up" : "down");
        out.put("node", dispatcher.node());
        out.put("inFlight", dispatcher.inFlightCount());
        Map<String, Object> ps = new LinkedHashMap<>();
        for (Provider p : providers.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", p.settings().kind());
            m.put("model", p.settings().model());
            m.put("enabled", p.settings().enabled());
            m.put("simulated", p.simulated());
            m.put("circuit", circuitState.apply(p.name()));
            ps.put(p.name(), m);
        }
        out.put("providers", ps);
        if (budget.enabled(defaultWorkspace)) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("dailyUsd", budget.capFor(defaultWorkspace));
            if (dbUp) {
                b.put("spentTodayUsd", budget.spentToday(defaultWorkspace));
                b.put("paused", budget.exhausted(defaultWorkspace));
            }
            out.put("budget", b);
        }
        Http.reply(ex, dbUp ? 200 : 503, out);
    }
}
