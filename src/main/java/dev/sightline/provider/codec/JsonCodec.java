package dev.sightline.provider.codec;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.provider.Answer;
import dev.sightline.provider.PromptInput;
import dev.sightline.provider.ProviderCodec;
import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderFailure.Type;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.provider.Secret;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;

/**
 * What every codec does alike: the common headers, and the decode skeleton (2xx: parse and read, else classify
 * the error). Subclasses read one wire format.
 */
abstract class JsonCodec implements ProviderCodec {

    static final String CONTENT_TYPE = "Content-Type";
    static final String JSON = "application/json";

    @Override
    public final ProviderResult decode(ProviderSettings settings, int status, Map<String, List<String>> headers,
            String body) {
        Secret key = settings.apiKey();
        if (status < 200 || status > 299) {
            return ProviderResult.failed(classifyError(settings, Failures.errorReply(status, body, key), headers));
        }
        JsonNode root = Json.parseObject(body);
        if (root == null) {
            return ProviderResult.failed(Failures.malformed(status, "reply is not a JSON object", body, key));
        }
        try {
            return readSuccess(settings, status, headers, root);
        } catch (MalformedReply e) {
            return ProviderResult.failed(Failures.malformed(status, e.getMessage(), body, key));
        }
    }

    /** Reads a parsed 2xx body; throws {@link MalformedReply} when the structure is not what the format promises. */
    abstract ProviderResult readSuccess(ProviderSettings settings, int status, Map<String, List<String>> headers,
            JsonNode root);

    /** A non-2xx reply. The default reads the status and the standard hint headers. */
    ProviderFailure classifyError(ProviderSettings settings, Failures.ErrorReply reply,
            Map<String, List<String>> headers) {
        return Failures.failure(Failures.typeForStatus(reply.status()), reply, RetryHints.fromHeaders(headers),
                settings.apiKey());
    }

    /**
     * The OpenAI convention, also followed by many OpenAI-compatible servers: {@code insufficient_quota} is an
     * empty account, and {@code x-ratelimit-reset-requests} is a usable hint when no Retry-After came.
     */
    static ProviderFailure openAiStyleFailure(ProviderSettings settings, Failures.ErrorReply reply,
            Map<String, List<String>> headers) {
        Type type = Failures.typeForStatus(reply.status());
        if (reply.status() == 429 && (isInsufficientQuota(reply.code())
                || isInsufficientQuota(Json.text(reply.error().path("type"))))) {
            type = Type.PERMANENT;
        }
        Duration hint = RetryHints.fromHeaders(headers);
        if (hint == null && reply.status() == 429) {
            hint = RetryHints.parseGoDuration(RetryHints.header(headers, "x-ratelimit-reset-requests"));
        }
        return Failures.failure(type, reply, hint, settings.apiKey());
    }

    private static boolean isInsufficientQuota(String code) {
        return "insufficient_quota".equals(code);
    }

    /** Content-Type, which every request carries. */
    static Map<String, String> baseHeaders(PromptInput input) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CONTENT_TYPE, JSON);
        return headers;
    }

    static boolean hasKey(Secret key) {
        return key != null && !key.isEmpty();
    }

    /** {@code Authorization: Bearer}, omitted when there is no key (Ollama, a local vLLM). */
    static void bearer(Map<String, String> headers, Secret key) {
        if (hasKey(key)) {
            headers.put("Authorization", "Bearer " + key.reveal());
        }
    }

    static boolean hasSystem(PromptInput input) {
        return input.system() != null && !input.system().isBlank();
    }

    static Answer answer(ProviderSettings settings, String text, List<Citation> citations, String modelServed,
            long tokensIn, long tokensOut, long searchCalls, String requestId, String finishReason) {
        return new Answer(text, citations, settings.model(), modelServed, tokensIn, tokensOut,
                (int) Math.min(Integer.MAX_VALUE, searchCalls), requestId, finishReason, 0, null);
    }

    /** The body's own id, else the request id header the provider sets. */
    static String requestId(JsonNode idNode, Map<String, List<String>> headers, String... headerNames) {
        String id = Json.text(idNode);
        for (int i = 0; id == null && i < headerNames.length; i++) {
            id = RetryHints.header(headers, headerNames[i]);
        }
        return id;
    }

    static MalformedReply malformed(String why) {
        return new MalformedReply(why);
    }

    /** A 2xx body without the structure the wire format promises. */
    static final class MalformedReply extends RuntimeException {
        MalformedReply(String why) {
            super(why, null, false, false);
        }
    }
}
