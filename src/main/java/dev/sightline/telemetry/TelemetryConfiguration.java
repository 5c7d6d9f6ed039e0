package dev.sightline.telemetry;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import dev.sightline.api.ReadSlots;
import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.config.Meters;
import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderCircuits;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.run.Budget;
import dev.sightline.store.Jdbc;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Prometheus metrics ({@code routes/api/prometheus.yaml}, README "Operations"): gauges of circuits, budgets and the
 * database in the registry that also holds Camel's route and JVM meters ({@link Meters}), and {@code GET /metrics}
 * behind {@code sightline.metrics.token}.
 * Settings: {@code sightline.metrics.*}.
 */
public final class TelemetryConfiguration implements CamelConfiguration {

    private static final List<String> CIRCUIT_STATES = List.of("closed", "open", "half_open", "disabled");

    @BindToRegistry(value = "prometheusScrape", lazy = true)
    public PrometheusScrape prometheusScrape(CamelContext ctx, Config config, Jdbc jdbc,
                                             ProviderRegistry providers, ProviderCircuits circuits, Budget budget,
                                             ImportedWorkspaces imported, WorkspaceRepository workspaces,
                                             @org.apache.camel.BeanInject("readSlots") ReadSlots reads,
                                             dev.sightline.api.AuthFailures failures) {
        PrometheusMeterRegistry registry = Meters.registry(ctx);
        String token = config.find("sightline.metrics.token").orElse(null);
        if (token != null && token.length() < 16) {
            throw new ConfigException("Invalid setting sightline.metrics.token: use at least 16 characters");
        }
        List<String> names = providers.enabled().stream().map(Provider::name).toList();
        new DatabaseGauges(jdbc, config.duration("sightline.metrics.refresh", Duration.ofSeconds(5)))
                .register(registry, names);
        for (String p : names) {
            for (String s : CIRCUIT_STATES) {
                Gauge.builder("sightline.circuit.state",
                                () -> circuits.state(p).toLowerCase(Locale.ROOT).equals(s) ? 1 : 0)
                        .tag("provider", p).tag("state", s)
                        .description("1 for the state the provider's circuit breaker is in").register(registry);
            }
        }
        Gauge.builder("sightline.api.reads", reads::inUse).tag("state", "computing")
                .description("Dashboard reads holding a read slot (sightline.api.read-slots)").register(registry);
        Gauge.builder("sightline.api.reads", reads::waiting).tag("state", "waiting")
                .description("Dashboard reads waiting for a read slot").register(registry);
        for (long ws : imported.ids()) {
            if (budget.capFor(ws) == null) {
                continue;
            }
            String slug = workspaces.get(ws).slug();
            Gauge.builder("sightline.budget.remaining", () -> usd(budget.remainingToday(ws))).baseUnit("usd")
                    .tag("workspace", slug).description("What is left of today's budget").register(registry);
            Gauge.builder("sightline.budget.spent.today", () -> usd(budget.spentToday(ws))).baseUnit("usd")
                    .tag("workspace", slug).description("Spent today, across all nodes").register(registry);
        }
        return new PrometheusScrape(registry, token, failures);
    }

    private static double usd(BigDecimal v) {
        return v == null ? Double.NaN : v.doubleValue();
    }
}
