package dev.sightline.provider.codec;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.provider.Answer;
import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderFailure.Type;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;

import static dev.sightline.provider.codec.Fixtures.KEY;
import static dev.sightline.provider.codec.Fixtures.body;
import static dev.sightline.provider.codec.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class GeminiCodecTest {

    private static final String KIND = "gemini";
    private final GeminiCodec codec = new GeminiCodec();
    private final ProviderSettings settings = Fixtures.settings(KIND, "gemini-2.5-flash-lite", true, 0.7, KEY,
            "http://sim.local/gemini");

    @Test
    void buildsGenerateContentRequestWithKeyInHeaderOnly() {
        ProviderRequest request = codec.buildRequest(settings, Fixtures.PROMPT);

        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash-lite:generateContent");
        assertThat(request.path()).doesNotContain(KEY).doesNotContain("key=");
        JsonNode body = json(request.body());
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo(Fixtures.PROMPT.system());
        assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo(Fixtures.PROMPT.user());
        assertThat(body.at("/tools/0/google_search").isObject()).isTrue();
        assertThat(body.at("/generationConfig/temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(1000);
        assertThat(body.has("model")).isFalse();
    }

    @Test
    void leavesOutSystemToolsAndTemperatureWhenNotConfigured() {
        ProviderSettings s = Fixtures.settings(KIND, "models/gemini-2.5-flash", false, null);
        ProviderRequest request = codec.buildRequest(s, Fixtures.NO_SYSTEM);
        JsonNode body = json(request.body());

        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(body.has("systemInstruction")).isFalse();
        assertThat(body.has("tools")).isFalse();
        assertThat(body.path("generationConfig").has("temperature")).isFalse();
    }

    @Test
    void decodesPlainAnswer() {
        Answer a = Fixtures.answer(settings, KIND, "success.json");

        assertThat(a).isEqualTo(new Answer("Figma is the standard for collaborative interface design; Sketch remains "
                + "popular with Mac-only teams.", List.of(), "gemini-2.5-flash-lite", "gemini-2.5-flash-lite", 15, 21,
                0, "kLbPaM6XBrCxz7IP9aDUmAo", "STOP", 0, null));
    }

    @Test
    void decodesGroundedAnswerWithRedirectUrlsAndTitleAsDomain() {
        Answer a = Fixtures.answer(settings, KIND, "success-grounded.json");

        assertThat(a).isEqualTo(new Answer(
                "Gusto is widely recommended for US small-business payroll, while ADP serves larger employers.",
                List.of(new Citation("https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQGx1",
                                "nerdwallet.com", "nerdwallet.com", "grounding_chunk"),
                        new Citation("https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQGx2",
                                "forbes.com", "forbes.com", "grounding_chunk"),
                        new Citation("https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQGx3",
                                "adp.com", "adp.com", "grounding_chunk")),
                "gemini-2.5-flash-lite", "gemini-2.5-flash", 12 + 180, 24 + 96, 1, "grounded-resp-01", "STOP", 0,
                null));
    }

    @Test
    void skipsPartsWithoutTextAndThoughtSummaries() {
        Answer a = Fixtures.answer(settings, KIND, "success-multipart.json");

        assertThat(a.text()).isEqualTo("WordPress powers most marketing sites. Webflow suits design-led teams. "
                + "Contentful is the headless choice.");
        assertThat(a.citations()).isEmpty();
        assertThat(a.searchCalls()).isZero();
        assertThat(a.tokensOut()).isEqualTo(42);
    }

    @Test
    void tokenLimitWithoutTextIsAnEmptyAnswer() {
        Answer a = Fixtures.answer(settings, KIND, "max-tokens-empty.json");

        assertThat(a.text()).isEmpty();
        assertThat(a.finishReason()).isEqualTo("MAX_TOKENS");
        assertThat(a.tokensOut()).isEqualTo(1000);
    }

    @Test
    void blockedPromptIsPermanent() {
        ProviderFailure f = Fixtures.decode(settings, KIND, "blocked-prompt.json", 200).failure();

        assertThat(f).isEqualTo(new ProviderFailure(Type.PERMANENT, 200, "PROHIBITED_CONTENT",
                "prompt blocked: PROHIBITED_CONTENT", null));
    }

    @Test
    void candidateStoppedForSafetyIsPermanent() {
        ProviderFailure f = Fixtures.decode(settings, KIND, "safety-candidate.json", 200).failure();

        assertThat(f).isEqualTo(new ProviderFailure(Type.PERMANENT, 200, "SAFETY", "no answer, finishReason SAFETY",
                null));
    }
}
