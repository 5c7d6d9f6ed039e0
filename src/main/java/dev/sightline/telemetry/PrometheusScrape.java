package dev.sightline.telemetry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;

import dev.sightline.api.ApiException;
import dev.sightline.api.AuthFailures;
import dev.sightline.api.Http;

/**
 * {@code GET /metrics} on the API port: the Prometheus text format, for {@code Authorization: Bearer
 * <sightline.metrics.token>}. Without a configured token the endpoint answers 401 and says which setting is missing.
 * A wrong token counts as a failed authentication of the client address, as on the API (429 past the threshold).
 */
public final class PrometheusScrape {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final byte[] token;
    private final AuthFailures failures;

    /** @param token the scrape token, null when none is configured */
    PrometheusScrape(PrometheusMeterRegistry registry, String token, AuthFailures failures) {
        this.registry = registry;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.failures = failures;
    }

    public void scrape(Exchange ex) {
        failures.check(ex);
        String header = Http.header(ex, "Authorization");
        if (token == null) {
            throw new ApiException(401, "unauthorized", "Authorization", "GET /metrics needs sightline.metrics.token "
                    + "(or serve metrics on their own port, README, Operations)");
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                || !MessageDigest.isEqual(token, header.substring(7).strip().getBytes(StandardCharsets.UTF_8))) {
            failures.failed(ex, "wrong metrics token");
            throw new ApiException(401, "unauthorized", "Authorization",
                    "send Authorization: Bearer <sightline.metrics.token>");
        }
        Http.replyText(ex, 200, CONTENT_TYPE, registry.scrape(CONTENT_TYPE));
    }
}
