package dev.sightline.provider;

import java.time.Duration;

/**
 * Why a call did not produce an answer, classified the way PROVIDERS.md says each provider means it.
 *
 * @param type       what the pipeline does about it
 * @param httpStatus HTTP status (0 for a network error or timeout)
 * @param code       the provider's error code or type ({@code rate_limit_exceeded}, {@code overloaded_error},
 *                   {@code RESOURCE_EXHAUSTED}, {@code timeout}, {@code malformed_body} ...), may be null
 * @param message    a human-readable reason; never contains credentials. For malformed bodies it includes
 *                   the body's first bytes
 * @param retryAfter the provider's retry hint ({@code Retry-After}, {@code retry-after-ms}, Gemini
 *                   {@code RetryInfo.retryDelay}); null when it gave none
 */
public record ProviderFailure(Type type, int httpStatus, String code, String message, Duration retryAfter) {

    public enum Type {
        /** 429 and the like: wait (the hint, else backoff) and try again; no attempt spent, no circuit failure. */
        RATE_LIMITED,
        /** 5xx, 529, timeouts, malformed bodies: retry with backoff; counts as a circuit-breaker failure. */
        TRANSIENT,
        /** 400, 401, 403, 404, exhausted quota, spend limit, a failed run: the cell fails now, no retry. */
        PERMANENT
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (httpStatus > 0) {
            sb.append("HTTP ").append(httpStatus);
        }
        if (code != null && !code.isBlank()) {
            sb.append(sb.isEmpty() ? "" : " ").append(code);
        }
        if (message != null && !message.isBlank()) {
            sb.append(sb.isEmpty() ? "" : ": ").append(message);
        }
        return sb.toString();
    }
}
