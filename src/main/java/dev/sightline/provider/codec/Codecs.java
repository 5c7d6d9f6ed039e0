package dev.sightline.provider.codec;

import dev.sightline.provider.ProviderCodec;
import dev.sightline.provider.ProviderKinds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The codec for each provider kind, and each kind's public endpoint. Codecs are stateless and shared. */
public final class Codecs {

    private static final Map<String, ProviderCodec> BY_KIND;

    static {
        Map<String, ProviderCodec> m = new LinkedHashMap<>();
        for (ProviderCodec c : List.of(new OpenAiChatCodec(), new OpenAiResponsesCodec(), new AnthropicCodec(),
                new GeminiCodec(), new PerplexityCodec(), new PerplexityAgentCodec(), new OpenAiCompatibleCodec())) {
            m.put(c.kind(), c);
        }
        BY_KIND = Map.copyOf(m);
    }

    private Codecs() {
    }

    public static ProviderCodec forKind(String kind) {
        ProviderCodec codec = kind == null ? null : BY_KIND.get(kind);
        if (codec == null) {
            throw unknown(kind);
        }
        return codec;
    }

    /**
     * The provider's own endpoint, in the form its official SDK takes as base URL; null for
     * {@code openai-compatible}, whose endpoint always comes from configuration.
     */
    public static String defaultBaseUrl(String kind) {
        forKind(kind);
        return switch (kind) {
            case ProviderKinds.OPENAI_CHAT, ProviderKinds.OPENAI_RESPONSES -> "https://api.openai.com/v1";
            case ProviderKinds.ANTHROPIC -> "https://api.anthropic.com";
            case ProviderKinds.GEMINI -> "https://generativelanguage.googleapis.com";
            // Perplexity's SDK and OpenAI-compatibility guide use the bare host; Sonar lives at /chat/completions
            // and the Agent API at /v1/agent under it.
            case ProviderKinds.PERPLEXITY, ProviderKinds.PERPLEXITY_AGENT -> "https://api.perplexity.ai";
            default -> null;
        };
    }

    private static IllegalArgumentException unknown(String kind) {
        return new IllegalArgumentException("Unknown provider kind '" + kind + "'; valid kinds: "
                + String.join(", ", ProviderKinds.ALL));
    }
}
