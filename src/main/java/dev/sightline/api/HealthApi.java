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
 * {@code degraded} when it does not (the HTTP side keeps answering while the pool reconnects). Without a token
 * that is all it says; with one, it adds the node, calls in flight, providers and circuits, and the token's
 * workspace's budget.
 */
public final class HealthApi {

    private final Database database;
    private final ProviderRegistry providers;
    private final Dispatcher dispatcher;
    private final Function<String, String> circuitState;
    private final dev.sightline.run.Budget budget;
    private final ApiAuth auth;

    public HealthApi(Database database, ProviderRegistry providers, Dispatcher dispatcher,
                     dev.sightline.run.Budget budget, Function<String, String> circuitState, ApiAuth auth) {
        this.budget = budget;
        this.database = database;
        this.providers = providers;
        this.dispatcher = dispatcher;
        this.circuitState = circuitState;
        this.auth = auth;
    }

    public void health(Exchange ex) {
        boolean dbUp = database.ping();
        // a token cannot be checked while the database is down: then everybody gets the summary, at once
        boolean details = dbUp && ApiAuth.presented(ex);
        if (details) {
            // a token that is wrong is refused (and counted), not quietly given the summary
            auth.authenticate(ex);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", dbUp ? "up" : "degraded");
        if (!details) {
            Http.reply(ex, dbUp ? 200 : 503, out);
            return;
        }
        long workspace = ApiAuth.workspace(ex);
        out.put("database", "up");
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
        if (budget.enabled(workspace)) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("dailyUsd", budget.capFor(workspace));
            b.put("spentTodayUsd", budget.spentToday(workspace));
            b.put("paused", budget.exhausted(workspace));
            out.put("budget", b);
        }
        Http.reply(ex, 200, out);
    }
}
