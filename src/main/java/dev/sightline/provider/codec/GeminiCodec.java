package dev.sightline.provider.codec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.provider.PromptInput;
import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderFailure.Type;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;

/**
 * Gemini generateContent: {@code POST {base}/v1beta/models/{model}:generateContent}, base without
 * {@code /v1beta}. The key goes in {@code x-goog-api-key}, never in the URL, where it would end up in logs.
 */
public final class GeminiCodec extends JsonCodec {

    private static final Pattern LIMIT_ZERO = Pattern.compile("\\blimit:\\s*0(?![\\d.])");
    private static final Set<String> FINISHED = Set.of("STOP", "MAX_TOKENS");

    @Override
    public String kind() {
        return ProviderKinds.GEMINI;
    }

    @Override
    public ProviderRequest buildRequest(ProviderSettings settings, PromptInput input) {
        ObjectNode body = Json.object();
        if (hasSystem(input)) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", input.system());
        }
        ObjectNode user = body.putArray("contents").addObject().put("role", "user");
        user.putArray("parts").addObject().put("text", input.user());
        if (settings.webSearch()) {
            body.putArray("tools").addObject().putObject("google_search");
        }
        ObjectNode generation = body.putObject("generationConfig");
        if (settings.temperature() != null) {
            generation.put("temperature", settings.temperature());
        }
        generation.put("maxOutputTokens", settings.maxTokens());
        Map<String, String> headers = baseHeaders(input);
        if (hasKey(settings.apiKey())) {
            headers.put("x-goog-api-key", settings.apiKey().reveal());
        }
        return new ProviderRequest(path(settings.model()), headers, Json.write(body));
    }

    /** Tolerates the {@code models/} prefix the API itself uses in model names. */
    static String path(String model) {
        String name = model.startsWith("models/") ? model.substring("models/".length()) : model;
        return "/v1beta/models/" + name + ":generateContent";
    }

    @Override
    ProviderResult readSuccess(ProviderSettings settings, int status, Map<String, List<String>> headers,
            JsonNode root) {
        JsonNode candidates = root.path("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            String blocked = Json.text(root.path("promptFeedback").path("blockReason"));
            if (blocked != null) {
                String why = Json.text(root.path("promptFeedback").path("blockReasonMessage"));
                return ProviderResult.failed(Failures.failedRun(status, blocked,
                        "prompt blocked: " + (why != null ? why : blocked), settings.apiKey()));
            }
            throw malformed("no candidates");
        }
        JsonNode candidate = candidates.get(0);
        String finishReason = Json.text(candidate.path("finishReason"));
        JsonNode parts = candidate.path("content").path("parts");
        if (!parts.isArray() || parts.isEmpty()) {
            if (finishReason == null) {
                throw malformed("candidate has neither content nor finishReason");
            }
            if (!FINISHED.contains(finishReason)) {
                return ProviderResult.failed(Failures.failedRun(status, finishReason,
                        "no answer, finishReason " + finishReason, settings.apiKey()));
            }
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            // Thought summaries are the model's notes, not the answer.
            if (Json.hasText(part.path("text")) && !part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText());
            }
        }
        JsonNode grounding = candidate.path("groundingMetadata");
        List<Citation> citations = new ArrayList<>();
        for (JsonNode chunk : grounding.path("groundingChunks")) {
            JsonNode web = chunk.path("web");
            if (Json.hasText(web.path("uri"))) {
                String title = Json.text(web.path("title"));
                String domain = Json.text(web.path("domain"));
                citations.add(new Citation(web.path("uri").asText(), title, domain != null ? domain : title,
                        "grounding_chunk"));
            }
        }
        JsonNode usage = root.path("usageMetadata");
        return ProviderResult.ok(answer(settings, text.toString(), citations, Json.text(root.path("modelVersion")),
                Json.count(usage.path("promptTokenCount")) + Json.count(usage.path("toolUsePromptTokenCount")),
                Json.count(usage.path("candidatesTokenCount")) + Json.count(usage.path("thoughtsTokenCount")),
                grounded(grounding) ? 1 : 0, requestId(root.path("responseId"), headers), finishReason));
    }

    /** Gemini 2.x bills grounding per grounded prompt, however many queries it ran. */
    private static boolean grounded(JsonNode grounding) {
        return grounding.path("webSearchQueries").size() > 0 || grounding.path("groundingChunks").size() > 0;
    }

    /**
     * A 429 against a quota of 0 (the model is not in the key's plan) never clears; Gemini says so in a
     * QuotaFailure violation or in the message. Otherwise the delay comes from RetryInfo.
     */
    @Override
    ProviderFailure classifyError(ProviderSettings settings, Failures.ErrorReply reply,
            Map<String, List<String>> headers) {
        Type type = Failures.typeForStatus(reply.status());
        if (reply.status() == 429 && quotaIsZero(reply)) {
            type = Type.PERMANENT;
        }
        Duration hint = retryDelay(reply.error());
        if (hint == null) {
            hint = RetryHints.fromHeaders(headers);
        }
        return Failures.failure(type, reply, hint, settings.apiKey());
    }

    private static boolean quotaIsZero(Failures.ErrorReply reply) {
        for (JsonNode detail : reply.error().path("details")) {
            if (Json.text(detail.path("@type")) != null && detail.path("@type").asText().endsWith("QuotaFailure")) {
                for (JsonNode v : detail.path("violations")) {
                    JsonNode value = v.path("quotaValue");
                    if ((value.isTextual() || value.isNumber()) && value.asText().strip().equals("0")) {
                        return true;
                    }
                }
            }
        }
        return reply.message() != null && LIMIT_ZERO.matcher(reply.message()).find();
    }

    private static Duration retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (Json.text(detail.path("@type")) != null && detail.path("@type").asText().endsWith("RetryInfo")) {
                Duration d = RetryHints.parseProtoDuration(Json.text(detail.path("retryDelay")));
                if (d != null) {
                    return d;
                }
            }
        }
        return null;
    }
}
