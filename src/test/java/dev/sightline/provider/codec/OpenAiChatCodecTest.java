package dev.sightline.provider.codec;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.provider.Answer;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;

import static dev.sightline.provider.codec.Fixtures.body;
import static dev.sightline.provider.codec.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class OpenAiChatCodecTest {

    private static final String KIND = "openai-chat";
    private final OpenAiChatCodec codec = new OpenAiChatCodec();
    private final ProviderSettings settings = Fixtures.settings(KIND, "gpt-4o-mini", false, 0.7);

    @Test
    void buildsChatCompletionsRequestWithBearerKey() {
        ProviderRequest request = codec.buildRequest(settings, Fixtures.PROMPT);

        assertThat(request.path()).isEqualTo("/chat/completions");
        JsonNode body = json(request.body());
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo(Fixtures.PROMPT.system());
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo(Fixtures.PROMPT.user());
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(1000);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.has("web_search_options")).isFalse();
    }

    @Test
    void leavesOutEmptySystemPromptAndNullTemperature() {
        ProviderSettings s = Fixtures.settings(KIND, "gpt-4o-mini", false, null);
        JsonNode body = json(codec.buildRequest(s, Fixtures.NO_SYSTEM).body());

        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(body.has("temperature")).isFalse();
    }

    @Test
    void asksSearchModelsToSearchWhenWebSearchIsOn() {
        ProviderSettings s = Fixtures.settings(KIND, "gpt-4o-search-preview", true, null);
        JsonNode body = json(codec.buildRequest(s, Fixtures.PROMPT).body());

        assertThat(body.path("web_search_options").isObject()).isTrue();
    }

    @Test
    void decodesPlainAnswer() {
        ProviderResult r = Fixtures.decode(settings, KIND, "success.json", 200);

        assertThat(r.failure()).isNull();
        assertThat(r.answer()).isEqualTo(new Answer(
                "For a 20-person team, Linear and Jira are the usual shortlist. Linear is faster to set up; Jira has "
                        + "deeper reporting.",
                List.of(), "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 41, 29, 0,
                "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "stop", 0, null));
    }

    @Test
    void decodesNestedUrlCitations() {
        Answer a = Fixtures.answer(settings, KIND, "success-citations.json");

        assertThat(a.citations()).containsExactly(
                new Citation("https://linear.app/pricing?utm_source=openai", "Linear – Pricing", null,
                        "url_citation"),
                new Citation("https://www.atlassian.com/software/jira?utm_source=openai",
                        "Jira | Issue & Project Tracking Software | Atlassian", null, "url_citation"));
        assertThat(a.modelServed()).isEqualTo("gpt-4o-search-preview-2025-03-11");
        assertThat(a.tokensIn()).isEqualTo(12);
        assertThat(a.tokensOut()).isEqualTo(58);
    }

    @Test
    void keepsLongAnswerCutAtTheTokenLimit() {
        Answer a = Fixtures.answer(settings, KIND, "success-long.json");

        assertThat(a.text()).isEqualTo(body(KIND, "success-long.expected.txt"));
        assertThat(a.finishReason()).isEqualTo("length");
        assertThat(a.tokensOut()).isEqualTo(1000);
    }

    @Test
    void refusalIsTheAnswerText() {
        Answer a = Fixtures.answer(settings, KIND, "refusal.json");

        assertThat(a.text()).isEqualTo("I'm sorry, I can't help with that request.");
    }
}
