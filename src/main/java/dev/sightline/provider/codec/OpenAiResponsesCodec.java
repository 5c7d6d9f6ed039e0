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

/** OpenAI Responses: {@code POST {base}/responses}, base ending in {@code /v1}; web search as a hosted tool. */
public final class OpenAiResponsesCodec extends JsonCodec {

    static final String PATH = "/responses";

    @Override
    public String kind() {
        return ProviderKinds.OPENAI_RESPONSES;
    }

    @Override
    public ProviderRequest buildRequest(ProviderSettings settings, PromptInput input) {
        ObjectNode body = Json.object();
        body.put("model", settings.model());
        if (hasSystem(input)) {
            body.put("instructions", input.system());
        }
        body.put("input", input.user());
        if (settings.temperature() != null) {
            body.put("temperature", settings.temperature());
        }
        body.put("max_output_tokens", settings.maxTokens());
        if (settings.webSearch()) {
            body.putArray("tools").addObject().put("type", "web_search");
        }
        Map<String, String> headers = baseHeaders(input);
        bearer(headers, settings.apiKey());
        return new ProviderRequest(PATH, headers, Json.write(body));
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
        return ProviderResult.ok(answer(settings, ResponsesOutput.text(output), citations(output),
                Json.text(root.path("model")), Json.count(usage.path("input_tokens")),
                Json.count(usage.path("output_tokens")), ResponsesOutput.countItems(output, "web_search_call"),
                requestId(root.path("id"), headers, "x-request-id"), ResponsesOutput.finishReason(root)));
    }

    /** Flat {@code url_citation} annotations on the output text. */
    private static List<Citation> citations(JsonNode output) {
        List<Citation> citations = new ArrayList<>();
        for (JsonNode item : output) {
            if (!"message".equals(Json.text(item.path("type")))) {
                continue;
            }
            for (JsonNode part : item.path("content")) {
                for (JsonNode a : part.path("annotations")) {
                    if ("url_citation".equals(Json.text(a.path("type"))) && Json.hasText(a.path("url"))) {
                        citations.add(new Citation(a.path("url").asText(), Json.text(a.path("title")), null,
                                "url_citation"));
                    }
                }
            }
        }
        return citations;
    }

    @Override
    ProviderFailure classifyError(ProviderSettings settings, Failures.ErrorReply reply,
            Map<String, List<String>> headers) {
        return openAiStyleFailure(settings, reply, headers);
    }
}
