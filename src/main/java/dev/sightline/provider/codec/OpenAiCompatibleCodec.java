package dev.sightline.provider.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;

/**
 * Any Chat Completions server (xAI, Mistral, DeepSeek, Groq, Together, Ollama, vLLM): {@code POST
 * {base}/chat/completions}. The key is optional, usage may be missing, errors come in several envelopes.
 */
public final class OpenAiCompatibleCodec extends ChatCompletionsCodec {

    @Override
    public String kind() {
        return ProviderKinds.OPENAI_COMPATIBLE;
    }

    /** Every one of these servers understands {@code max_tokens}; not all know {@code max_completion_tokens}. */
    @Override
    String tokenLimitField() {
        return "max_tokens";
    }

    /** OpenAI-style annotations when present, else a top-level list of URLs (xAI live search). */
    @Override
    List<Citation> citations(JsonNode root, JsonNode message) {
        List<Citation> citations = urlCitationAnnotations(message);
        if (citations.isEmpty()) {
            citations = new ArrayList<>();
            for (JsonNode url : root.path("citations")) {
                if (url.isTextual()) {
                    citations.add(new Citation(url.asText(), null, null, "citations"));
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
