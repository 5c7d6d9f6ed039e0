package dev.sightline.provider.codec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.provider.ProviderKinds;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;

/**
 * Perplexity Sonar chat completions: {@code POST {base}/chat/completions}. The default base is
 * {@code https://api.perplexity.ai} (what Perplexity's SDK and OpenAI-compatibility guide use); a base ending in
 * {@code /v1}, such as the simulator's, works the same since the path is relative.
 */
public final class PerplexityCodec extends ChatCompletionsCodec {

    @Override
    public String kind() {
        return ProviderKinds.PERPLEXITY;
    }

    @Override
    String tokenLimitField() {
        return "max_tokens";
    }

    /**
     * {@code citations[]} in order (the answer's {@code [n]} markers index it), titled from {@code search_results}
     * by URL; replies that carry only {@code search_results} use those.
     */
    @Override
    List<Citation> citations(JsonNode root, JsonNode message) {
        Map<String, String> titles = new HashMap<>();
        List<Citation> fromResults = new ArrayList<>();
        for (JsonNode r : root.path("search_results")) {
            String url = Json.text(r.path("url"));
            if (url != null) {
                titles.putIfAbsent(url, Json.text(r.path("title")));
                fromResults.add(new Citation(url, Json.text(r.path("title")), null, "search_results"));
            }
        }
        JsonNode urls = root.path("citations");
        if (!urls.isArray() || urls.isEmpty()) {
            return fromResults;
        }
        List<Citation> citations = new ArrayList<>();
        for (JsonNode url : urls) {
            if (url.isTextual()) {
                citations.add(new Citation(url.asText(), titles.get(url.asText()), null, "citations"));
            }
        }
        return citations;
    }

    /** Only the deep-research models report (and bill) their searches. */
    @Override
    long searchCalls(JsonNode root) {
        return Json.count(root.path("usage").path("num_search_queries"));
    }
}
