package dev.sightline.provider.codec;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderFailure.Type;
import dev.sightline.provider.Scrubber;
import dev.sightline.provider.Secret;
import dev.sightline.values.Json;

/** Turns error replies into {@link ProviderFailure}s the same way for every codec. */
final class Failures {

    static final String MALFORMED_BODY = "malformed_body";
    private static final int SNIPPET_CHARS = 200;

    private Failures() {
    }

    /**
     * What an HTTP status means when the body adds nothing: the pipeline waits on rate limits, backs off on
     * server trouble, and gives up on anything the request itself got wrong.
     */
    static Type typeForStatus(int status) {
        return switch (status) {
            case 408, 409, 429 -> Type.RATE_LIMITED;
            case 400, 401, 403, 404 -> Type.PERMANENT;
            case 500, 502, 503, 504, 529 -> Type.TRANSIENT;
            default -> status >= 400 && status < 500 ? Type.PERMANENT : Type.TRANSIENT;
        };
    }

    /**
     * The provider's error as it stated it. Understands the envelopes in use: {@code {"error":{...}}} (OpenAI,
     * Anthropic, Gemini, Perplexity), {@code {"error":"..."}} (Ollama), a flat {@code {"message":..,"type":..}}
     * (vLLM) and {@code {"detail":".."}}; anything else (an HTML error page) is quoted.
     */
    static ErrorReply errorReply(int status, String body, Secret key) {
        // before anything is cut short: a key straddling the cut would survive in part
        body = redact(body, key);
        JsonNode root = Json.parseObject(body);
        if (root == null) {
            return new ErrorReply(status, null, snippet(body), MissingNode.getInstance());
        }
        JsonNode error = root.path("error");
        if (error.isObject()) {
            // Gemini's numeric "code" repeats the HTTP status; its "status" is the useful code.
            String code = firstWord(error.path("code"), error.path("status"), error.path("type"));
            String message = Json.text(error.path("message"));
            return new ErrorReply(status, code, message != null ? message : snippet(body), error);
        }
        if (error.isTextual()) {
            return new ErrorReply(status, firstWord(root.path("code"), root.path("type")), error.asText(), root);
        }
        String message = Json.text(root.path("message"));
        if (message == null) {
            message = Json.text(root.path("detail"));
        }
        return new ErrorReply(status, firstWord(root.path("code"), root.path("type")),
                message != null ? message : snippet(body), root);
    }

    static ProviderFailure failure(Type type, ErrorReply reply, Duration retryAfter, Secret key) {
        return failure(type, reply.status(), reply.code(), reply.message(), retryAfter, key);
    }

    /** Permanent failures carry no retry hint: nobody should act on one. Code and message are both provider text. */
    static ProviderFailure failure(Type type, int status, String code, String message, Duration retryAfter,
            Secret key) {
        return new ProviderFailure(type, status, redact(code, key), redact(message, key),
                type == Type.PERMANENT ? null : retryAfter);
    }

    /** A 2xx reply that cannot be used: retried, since a broken body is usually a broken moment. */
    static ProviderFailure malformed(int status, String why, String body, Secret key) {
        body = redact(body, key);
        String quoted = body == null || body.isEmpty() ? "(empty body)" : body.substring(0,
                Math.min(body.length(), SNIPPET_CHARS));
        return failure(Type.TRANSIENT, status, MALFORMED_BODY, why + "; body: " + quoted, null, key);
    }

    /** A 2xx reply that says the run failed: the provider has decided, retrying would repeat the decision. */
    static ProviderFailure failedRun(int status, String code, String message, Secret key) {
        return failure(Type.PERMANENT, status, code, message, null, key);
    }

    /** Providers echo what they were sent; a key must never reach a log or the database through them. */
    static String redact(String text, Secret key) {
        return Scrubber.of(key).scrub(text);
    }

    /** The start of a body for a message: whitespace collapsed so an HTML page stays on one line. */
    static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() <= SNIPPET_CHARS ? flat : flat.substring(0, SNIPPET_CHARS);
    }

    private static String firstWord(JsonNode... candidates) {
        for (JsonNode n : candidates) {
            if (n.isTextual() && !n.asText().isBlank()) {
                return n.asText();
            }
        }
        return null;
    }

    /**
     * One error reply as the provider phrased it.
     *
     * @param code    provider code or type, may be null
     * @param message provider message (or the start of the body), with the key masked
     * @param error   the error object, for provider-specific details; a missing node when there is none
     */
    record ErrorReply(int status, String code, String message, JsonNode error) {
    }
}
