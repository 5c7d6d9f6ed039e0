package dev.sightline.config;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;

/**
 * The one Micrometer registry of the application: the one camel-micrometer-prometheus made for Camel's route and JVM
 * meters ({@code camel.metrics.*}), so that Sightline's meters are scraped with them; a new one when Camel's metrics
 * are off.
 */
public final class Meters {

    /** The name camel-micrometer binds its registry under. */
    static final String NAME = "metricsRegistry";

    private Meters() {
    }

    public static synchronized PrometheusMeterRegistry registry(CamelContext ctx) {
        PrometheusMeterRegistry r = ctx.getRegistry().lookupByNameAndType(NAME, PrometheusMeterRegistry.class);
        if (r == null) {
            r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ctx.getRegistry().bind(NAME, r);
        }
        return r;
    }
}
