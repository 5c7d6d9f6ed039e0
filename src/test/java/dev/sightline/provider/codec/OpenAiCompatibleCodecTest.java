package dev.sightline.provider.codec;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.provider.Answer;
import dev.sightline.provider.ProviderFailure.Type;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;

import static dev.sightline.provider.codec.Fixtures.KEY;
import static dev.sightline.provider.codec.Fixtures.body;
import static dev.sightline.provider.codec.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class OpenAiCompatibleCodecTest {

    private static final String KIND = "openai-compatible";
    private final OpenAiCompatibleCodec codec = new OpenAiCompatibleCodec();
    private final ProviderSettings settings = Fixtures.settings(KIND, "grok-4-1-fast", false, 0.3, KEY,
            "https://api.x.ai/v1");

    @Test
    void buildsChatCompletionsRequestWithMaxTokens() {
        ProviderRequest request = codec.buildRequest(settings, Fixtures.PROMPT);

        assertThat(request.path()).isEqualTo("/chat/completions");
        JsonNode body = json(request.body());
        assertThat(body.path("model").asText()).isEqualTo("grok-4-1-fast");
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1000);
        assertThat(body.has("max_completion_tokens")).isFalse();
    }

    @Test
    void sendsNoAuthorizationWithoutAKey() {
        ProviderSettings ollama = Fixtures.settings(KIND, "llama3.2:3b", false, null, "",
                "http://localhost:11434/v1");
        ProviderRequest request = codec.buildRequest(ollama, Fixtures.NO_SYSTEM);

        assertThat(request.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("Content-Type", "application/json"));
        assertThat(json(request.body()).has("temperature")).isFalse();
    }

    @Test
    void decodesXaiAnswerWithTopLevelCitations() {
        Answer a = Fixtures.answer(settings, KIND, "success-xai.json");

        assertThat(a).isEqualTo(new Answer("Shopify is the default choice for small online stores; WooCommerce fits "
                + "teams already on WordPress.",
                List.of(new Citation("https://www.shopify.com/pricing", null, null, "citations"),
                        new Citation("https://woocommerce.com/", null, null, "citations")),
                "grok-4-1-fast", "grok-4-1-fast", 25, 22, 0, "c5a1e6f2-8d3b-4b0e-9b7e-2f3a4b5c6d7e", "stop", 0,
                null));
    }

    @Test
    void toleratesMissingUsage() {
        Answer a = Fixtures.answer(settings, KIND, "success-ollama-no-usage.json");

        assertThat(a.text()).isEqualTo("Odoo and ERPNext are open-source ERP options.");
        assertThat(a.tokensIn()).isZero();
        assertThat(a.tokensOut()).isZero();
        assertThat(a.modelServed()).isEqualTo("llama3.2:3b");
    }

    @Test
    void joinsTextPartsOfAContentList() {
        Answer a = Fixtures.answer(settings, KIND, "success-mistral-parts.json");

        assertThat(a.text()).isEqualTo("Pennylane is popular with French SMEs; Sage remains common in larger firms.");
    }
}
