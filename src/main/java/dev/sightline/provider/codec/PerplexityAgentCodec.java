package dev.sightline.provider.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.provider.PromptInput;
import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;

/**
 * Perplexity's Agent API: {@code POST /v1/agent}, Responses-like. The base is normally
 * {@code https://api.perplexity.ai}; a base that already ends in {@code /v1} (the simulator's, or the one
 * Perplexity's OpenAI-SDK guide gives) gets {@code /agent}, so both spellings reach the same endpoint.
 */
public final class PerplexityAgentCodec extends JsonCodec {

    @Override
    public String kind() {
        return ProviderKinds.PERPLEXITY_AGENT;
    }

    /**
     * {@code model} is sent as configured (Perplexity wants {@code provider/model}, e.g. {@code openai/gpt-5.4}).
     * The Agent API has no temperature parameter, so none is sent.
     */
    @Override
    public ProviderRequest buildRequest(ProviderSettings settings, PromptInput input) {
        ObjectNode body = Json.object();
        body.put("model", settings.model());
        if (hasSystem(input)) {
            body.put("instructions", input.system());
        }
        body.put("input", input.user());
        body.put("max_output_tokens", settings.maxTokens());
        if (settings.webSearch()) {
            body.putArray("tools").addObject().put("type", "web_search");
        }
        Map<String, String> headers = baseHeaders(input);
        bearer(headers, settings.apiKey());
        return new ProviderRequest(path(settings.baseUrl()), headers, Json.write(body));
    }

    static String path(String baseUrl) {
        String base = baseUrl == null ? "" : baseUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base.endsWith("/v1") ? "/agent" : "/v1/agent";
    }

    @Override
    ProviderResult readSuccess(ProviderSettings settings, int status, Map<String, List<String>> headers,
            JsonNode root) {
        ProviderFailure failed = ResponsesOutput.statusFailure(status, root, settings.apiKey());
        if (failed != null) {
            return ProviderResult.failed(failed);
        }
        JsonNode output = ResponsesOutput.output(root);
        JsonNode usage = root.path("usage");
        return ProviderResult.ok(answer(settings, ResponsesOutput.text(output), sources(output),
                Json.text(root.path("model")), Json.count(usage.path("input_tokens")),
                Json.count(usage.path("output_tokens")), searchCalls(usage, output),
                requestId(root.path("id"), headers, "x-request-id"), ResponsesOutput.finishReason(root)));
    }

    /** Every result of every {@code search_results} output item, in order. */
    private static List<Citation> sources(JsonNode output) {
        List<Citation> citations = new ArrayList<>();
        for (JsonNode item : output) {
            if ("search_results".equals(Json.text(item.path("type")))) {
                for (JsonNode r : item.path("results")) {
                    if (Json.hasText(r.path("url"))) {
                        citations.add(new Citation(r.path("url").asText(), Json.text(r.path("title")), null,
                                "search_results"));
                    }
                }
            }
        }
        return citations;
    }

    /** The billed invocations when usage states them, else one per search step in the output. */
    private static long searchCalls(JsonNode usage, JsonNode output) {
        JsonNode invocations = usage.path("tool_calls_details").path("web_search").path("invocation");
        if (invocations.isNumber()) {
            return Json.count(invocations);
        }
        return ResponsesOutput.countItems(output, "search_results");
    }
}
