package dev.sightline.http;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import dev.sightline.config.Config;
import dev.sightline.config.Lifecycle;

/**
 * The HTTP server's limits ({@code sightline.http.*}): Camel's platform-http server takes its Vert.x instance from
 * the registry, and this one creates servers with the limits, the connection guard and JSON error pages. Camel does
 * not close a Vert.x it did not create: it is closed after Camel has stopped, and waited for (its event loops,
 * left running, would hold the JVM's exit for 0.3 s and leak threads in every test that stops an app).
 */
public final class HttpConfiguration implements CamelConfiguration {

    /**
     * The limits are read at start in every mode, also when no HTTP server starts (a one-off run): a wrong one names
     * its setting before anything runs, not on the next start of the service.
     */
    @Override
    public void configure(org.apache.camel.CamelContext ctx) {
        HttpLimits.from(new Config(ctx.getPropertiesComponent()::resolveProperty));
    }

    /** The limits the server keeps, and who a request comes from for the API's per-client counts. */
    @BindToRegistry(value = "httpLimits", lazy = true)
    public HttpLimits httpLimits(Config config) {
        return HttpLimits.from(config);
    }

    @BindToRegistry(value = "vertx", lazy = true)
    public Vertx vertx(HttpLimits limits, Lifecycle lifecycle) {
        Vertx vertx = GuardedVertx.create(limits);
        lifecycle.opened(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        return vertx;
    }
}
