package dev.sightline.http;

import io.vertx.core.Vertx;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import dev.sightline.config.Config;

/**
 * The HTTP server's limits ({@code sightline.http.*}): Camel's platform-http server takes its Vert.x instance from
 * the registry, and this one creates servers with the limits, the connection guard and JSON error pages.
 */
public final class HttpConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "vertx", lazy = true)
    public Vertx vertx(Config config) {
        return GuardedVertx.create(HttpLimits.from(config));
    }
}
