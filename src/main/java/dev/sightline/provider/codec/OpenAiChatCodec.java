package dev.sightline.provider.codec;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;

/** OpenAI Chat Completions: {@code POST {base}/chat/completions}, base ending in {@code /v1}. */
public final class OpenAiChatCodec extends ChatCompletionsCodec {

    @Override
    public String kind() {
        return ProviderKinds.OPENAI_CHAT;
    }

    @Override
    String tokenLimitField() {
        return "max_completion_tokens";
    }

    /** Search models ({@code gpt-4o-search-preview} and the like) search when {@code web_search_options} is set. */
    @Override
    void addOptions(ObjectNode body, ProviderSettings settings) {
        if (settings.webSearch()) {
            body.putObject("web_search_options");
        }
    }

    @Override
    List<Citation> citations(JsonNode root, JsonNode message) {
        return urlCitationAnnotations(message);
    }

    @Override
    ProviderFailure classifyError(ProviderSettings settings, Failures.ErrorReply reply,
            Map<String, List<String>> headers) {
        return openAiStyleFailure(settings, reply, headers);
    }
}
