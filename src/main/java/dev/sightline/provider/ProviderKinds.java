package dev.sightline.provider;

import java.util.List;

/** The provider kinds Sightline speaks; a kind is a wire format, a provider is a configured endpoint of a kind. */
public final class ProviderKinds {

    public static final String OPENAI_CHAT = "openai-chat";
    public static final String OPENAI_RESPONSES = "openai-responses";
    public static final String ANTHROPIC = "anthropic";
    public static final String GEMINI = "gemini";
    public static final String PERPLEXITY = "perplexity";
    public static final String PERPLEXITY_AGENT = "perplexity-agent";
    public static final String OPENAI_COMPATIBLE = "openai-compatible";

    public static final List<String> ALL = List.of(OPENAI_CHAT, OPENAI_RESPONSES, ANTHROPIC, GEMINI, PERPLEXITY,
            PERPLEXITY_AGENT, OPENAI_COMPATIBLE);

    private ProviderKinds() {
    }
}
