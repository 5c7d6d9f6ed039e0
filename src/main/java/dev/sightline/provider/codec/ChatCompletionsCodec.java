package dev.sightline.provider.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.provider.PromptInput;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;

/**
 * The Chat Completions shape shared by OpenAI, Perplexity Sonar and the OpenAI-compatible servers: they differ in
 * the token-limit field, how they report sources and how they phrase errors.
 */
abstract class ChatCompletionsCodec extends JsonCodec {

    static final String PATH = "/chat/completions";

    @Override
    public ProviderRequest buildRequest(ProviderSettings settings, PromptInput input) {
        ObjectNode body = Json.object();
        body.put("model", settings.model());
        ArrayNode messages = body.putArray("messages");
        if (hasSystem(input)) {
            messages.addObject().put("role", "system").put("content", input.system());
        }
        messages.addObject().put("role", "user").put("content", input.user());
        if (settings.temperature() != null) {
            body.put("temperature", settings.temperature());
        }
        body.put(tokenLimitField(), settings.maxTokens());
        addOptions(body, settings);
        Map<String, String> headers = baseHeaders(input);
        bearer(headers, settings.apiKey());
        return new ProviderRequest(PATH, headers, Json.write(body));
    }

    /** {@code max_completion_tokens} for OpenAI, {@code max_tokens} where the newer name is not understood. */
    abstract String tokenLimitField();

    /** Provider-specific request fields. */
    void addOptions(ObjectNode body, ProviderSettings settings) {
    }

    abstract List<Citation> citations(JsonNode root, JsonNode message);

    long searchCalls(JsonNode root) {
        return 0;
    }

    @Override
    ProviderResult readSuccess(ProviderSettings settings, int status, Map<String, List<String>> headers,
            JsonNode root) {
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw malformed("no choices");
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.path("message");
        if (!message.isObject()) {
            throw malformed("choices[0] has no message");
        }
        JsonNode usage = root.path("usage");
        return ProviderResult.ok(answer(settings, messageText(message), citations(root, message),
                Json.text(root.path("model")), Json.count(usage.path("prompt_tokens")),
                Json.count(usage.path("completion_tokens")), searchCalls(root),
                requestId(root.path("id"), headers, "x-request-id", "request-id"),
                Json.text(choice.path("finish_reason"))));
    }

    /**
     * {@code content} is a string, or (some compatible servers) a list of text parts; a refusal comes with null
     * content and is what the user would read.
     */
    private static String messageText(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    sb.append(part.asText());
                } else if (Json.hasText(part.path("text"))) {
                    sb.append(part.path("text").asText());
                }
            }
            return sb.toString();
        }
        String refusal = Json.text(message.path("refusal"));
        return refusal != null ? refusal : "";
    }

    /** OpenAI's nested {@code {"type":"url_citation","url_citation":{"url":..,"title":..}}} annotations. */
    static List<Citation> urlCitationAnnotations(JsonNode message) {
        List<Citation> citations = new ArrayList<>();
        for (JsonNode a : message.path("annotations")) {
            JsonNode c = a.path("url_citation");
            if ("url_citation".equals(Json.text(a.path("type"))) && Json.hasText(c.path("url"))) {
                citations.add(new Citation(c.path("url").asText(), Json.text(c.path("title")), null,
                        "url_citation"));
            }
        }
        return citations;
    }
}
