package dev.sightline.provider.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

/** Anthropic Messages: {@code POST {base}/v1/messages}, base without {@code /v1}. */
public final class AnthropicCodec extends JsonCodec {

    static final String PATH = "/v1/messages";
    static final String VERSION = "2023-06-01";
    static final int MAX_SEARCHES = 5;
    private static final String SPEND_LIMIT = "enforced_spend_limit_reached";

    @Override
    public String kind() {
        return ProviderKinds.ANTHROPIC;
    }

    @Override
    public ProviderRequest buildRequest(ProviderSettings settings, PromptInput input) {
        ObjectNode body = Json.object();
        body.put("model", settings.model());
        body.put("max_tokens", settings.maxTokens());
        if (hasSystem(input)) {
            body.put("system", input.system());
        }
        body.putArray("messages").addObject().put("role", "user").put("content", input.user());
        if (settings.temperature() != null) {
            body.put("temperature", settings.temperature());
        }
        if (settings.webSearch()) {
            body.putArray("tools").addObject()
                    .put("type", "web_search_20250305")
                    .put("name", "web_search")
                    .put("max_uses", MAX_SEARCHES);
        }
        Map<String, String> headers = baseHeaders(input);
        if (hasKey(settings.apiKey())) {
            headers.put("x-api-key", settings.apiKey().reveal());
        }
        headers.put("anthropic-version", VERSION);
        return new ProviderRequest(PATH, headers, Json.write(body));
    }

    @Override
    ProviderResult readSuccess(ProviderSettings settings, int status, Map<String, List<String>> headers,
            JsonNode root) {
        JsonNode content = root.path("content");
        if (!content.isArray()) {
            throw malformed("no content list");
        }
        StringBuilder text = new StringBuilder();
        List<Citation> citations = new ArrayList<>();
        long searchBlocks = 0;
        for (JsonNode block : content) {
            String type = Json.text(block.path("type"));
            if ("text".equals(type) && Json.hasText(block.path("text"))) {
                text.append(block.path("text").asText());
                for (JsonNode c : block.path("citations")) {
                    if ("web_search_result_location".equals(Json.text(c.path("type")))
                            && Json.hasText(c.path("url"))) {
                        citations.add(new Citation(c.path("url").asText(), Json.text(c.path("title")), null,
                                "web_search_result_location"));
                    }
                }
            } else if ("server_tool_use".equals(type) && "web_search".equals(Json.text(block.path("name")))) {
                searchBlocks++;
            }
        }
        JsonNode usage = root.path("usage");
        JsonNode billedSearches = usage.path("server_tool_use").path("web_search_requests");
        return ProviderResult.ok(answer(settings, text.toString(), citations, Json.text(root.path("model")),
                Json.count(usage.path("input_tokens")), Json.count(usage.path("output_tokens")),
                billedSearches.isNumber() ? Json.count(billedSearches) : searchBlocks,
                requestId(root.path("id"), headers, "request-id"), Json.text(root.path("stop_reason"))));
    }

    /** A 429 from a workspace spend limit will not clear by waiting; it says so in {@code details.error_code}. */
    @Override
    ProviderFailure classifyError(ProviderSettings settings, Failures.ErrorReply reply,
            Map<String, List<String>> headers) {
        String detail = Json.text(reply.error().path("details").path("error_code"));
        if (reply.status() == 429 && SPEND_LIMIT.equals(detail)) {
            return Failures.failure(Type.PERMANENT, reply.status(), SPEND_LIMIT, reply.message(), null,
                    settings.apiKey());
        }
        return super.classifyError(settings, reply, headers);
    }
}
