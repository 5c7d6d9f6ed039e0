package dev.sightline.alerts;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import dev.sightline.config.Config;
import dev.sightline.metrics.MetricsRepository;
import dev.sightline.store.Jdbc;

/**
 * Alerts on real change after each run ({@code routes/pipeline/70-alerts.yaml}). Settings:
 * {@code sightline.alerts.*}.
 */
public final class AlertConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "alertSettings", lazy = true)
    public AlertSettings alertSettings(Config config) {
        return AlertSettings.from(config);
    }

    @BindToRegistry(value = "alertRepository", lazy = true)
    public AlertRepository alertRepository(Jdbc jdbc) {
        return new AlertRepository(jdbc);
    }

    @BindToRegistry(value = "alertChecks", lazy = true)
    public AlertChecks alertChecks(Jdbc jdbc, AlertRepository alerts, AlertSettings settings) {
        return new AlertChecks(jdbc, alerts, new MetricsRepository(jdbc), settings);
    }

    /** Invalid settings stop the start, not the first check. */
    @Override
    public void configure(CamelContext ctx) {
        AlertSettings.from(ctx.getRegistry().findSingleByType(Config.class));
    }
}
