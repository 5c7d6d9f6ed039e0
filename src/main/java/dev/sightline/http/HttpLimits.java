package dev.sightline.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.vertx.core.http.HttpServerOptions;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;

/**
 * What one client may hold of the HTTP server ({@code sightline.http.*}): how long a connection may take to send a
 * request's head and its body, how long it may stay silent, how many connections there may be in all and per client
 * address, and how large a request line and its headers may be.
 *
 * @param headerTimeout           a connection must send a whole request head within this of opening, or of its
 *                                previous response
 * @param bodyTimeout             a request's body must have arrived whole within this of its head, plus a second for
 *                                every {@code bodyMinRate} bytes of it received so far
 * @param bodyMinRate             bytes a second that keep a body in time: a large upload that arrives at least this
 *                                fast is never cut, a body trickled slower is cut at the body timeout
 * @param idleTimeout             a connection that sends and receives nothing for this long is closed
 * @param maxConnections          open connections in all
 * @param maxConnectionsPerClient open connections from one client address
 * @param maxHeaderSize           bytes of request headers (431 above)
 * @param maxRequestLine          bytes of the request line, method, URI and version (414 above)
 * @param maxBodySize             bytes of a request body ({@code camel.server.max-body-size}, 413 above), for the
 *                                error message only: Camel's body handler enforces it
 * @param clients                 who a connection or request comes from ({@code sightline.http.trusted-proxies})
 */
public record HttpLimits(Duration headerTimeout, Duration bodyTimeout, long bodyMinRate, Duration idleTimeout,
                         int maxConnections, int maxConnectionsPerClient, int maxHeaderSize, int maxRequestLine,
                         long maxBodySize, ClientAddresses clients) {

    public static HttpLimits from(Config c) {
        Duration header = c.duration("sightline.http.header-timeout", Duration.ofSeconds(10));
        Duration bodyTimeout = c.duration("sightline.http.body-timeout", Duration.ofSeconds(60));
        Duration idle = c.duration("sightline.http.idle-timeout", Duration.ofMinutes(5));
        if (bodyTimeout.toMillis() < 100) {
            throw new ConfigException("Invalid setting sightline.http.body-timeout=" + bodyTimeout + ": at least 100ms");
        }
        if (header.toMillis() < 100) {
            throw new ConfigException("Invalid setting sightline.http.header-timeout=" + header + ": at least 100ms");
        }
        if (idle.toSeconds() < 1) {
            throw new ConfigException("Invalid setting sightline.http.idle-timeout=" + idle + ": at least 1s");
        }
        int max = c.integer("sightline.http.max-connections", 1000, 1, 1_000_000);
        int perClient = c.integer("sightline.http.max-connections-per-client", 64, 1, 1_000_000);
        long body;
        try {
            body = Long.parseLong(c.string("camel.server.max-body-size", "-1"));
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid setting camel.server.max-body-size: not a whole number");
        }
        long minRate = c.bytes("sightline.http.body-min-rate", 16 << 10, 1, 1L << 30);
        return new HttpLimits(header, bodyTimeout, minRate, idle, max, perClient,
                c.integer("sightline.http.max-header-size", 8192, 1024, 1 << 20),
                c.integer("sightline.http.max-request-line", 4096, 256, 1 << 20), body, ClientAddresses.from(c));
    }

    /** The time {@code bytesRead} bytes of a body would take at the minimum rate: how much of its wait they excuse. */
    long creditNanos(long bytesRead) {
        return (long) (bytesRead * 1e9 / bodyMinRate);
    }

    /**
     * A copy of Camel's options (TLS and all) with these limits. Without TLS, HTTP/2 by upgrade (h2c) is off: with
     * it, Vert.x holds a connection back until its first request is complete, so a connection that never completes
     * one would never be seen by the connection guard.
     */
    HttpServerOptions apply(HttpServerOptions options) {
        return new HttpServerOptions(options)
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) idleTimeout.toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxInitialLineLength(maxRequestLine);
    }
}
