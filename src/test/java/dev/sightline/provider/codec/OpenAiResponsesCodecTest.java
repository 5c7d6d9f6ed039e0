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

import static dev.sightline.provider.codec.Fixtures.body;
import static dev.sightline.provider.codec.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class OpenAiResponsesCodecTest {

    private static final String KIND = "openai-responses";
    private final OpenAiResponsesCodec codec = new OpenAiResponsesCodec();
    private final ProviderSettings settings = Fixtures.settings(KIND, "gpt-4.1-mini", true, 0.2);

    @Test
    void buildsResponsesRequestWithWebSearchTool() {
        ProviderRequest request = codec.buildRequest(settings, Fixtures.PROMPT);

        assertThat(request.path()).isEqualTo("/responses");
        JsonNode body = json(request.body());
        assertThat(body.path("model").asText()).isEqualTo("gpt-4.1-mini");
        assertThat(body.path("instructions").asText()).isEqualTo(Fixtures.PROMPT.system());
        assertThat(body.path("input").asText()).isEqualTo(Fixtures.PROMPT.user());
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("max_output_tokens").asInt()).isEqualTo(1000);
        assertThat(body.path("tools")).hasSize(1);
        assertThat(body.at("/tools/0/type").asText()).isEqualTo("web_search");
    }

    @Test
    void noToolsNoInstructionsNoTemperatureWhenNotConfigured() {
        ProviderSettings s = Fixtures.settings(KIND, "gpt-4.1-mini", false, null);
        JsonNode body = json(codec.buildRequest(s, Fixtures.NO_SYSTEM).body());

        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("instructions")).isFalse();
        assertThat(body.has("temperature")).isFalse();
    }

    @Test
    void decodesWebSearchAnswer() {
        Answer a = Fixtures.answer(settings, KIND, "success-web-search.json");

        assertThat(a).isEqualTo(new Answer(
                "HubSpot CRM is the common starting point for small agencies ([hubspot.com](https://www.hubspot.com/"
                        + "products/crm)); Pipedrive suits sales-heavy teams ([pipedrive.com](https://www.pipedrive.com/"
                        + "en/pricing)).",
                List.of(new Citation("https://www.hubspot.com/products/crm", "Free CRM Software | HubSpot", null,
                                "url_citation"),
                        new Citation("https://www.pipedrive.com/en/pricing", "Pipedrive Pricing Plans", null,
                                "url_citation")),
                "gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 328, 87, 2,
                "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b", "completed", 0, null));
    }

    @Test
    void decodesPlainAnswerWithoutSearch() {
        Answer a = Fixtures.answer(settings, KIND, "success-plain.json");

        assertThat(a.text()).isEqualTo("Notion and Confluence are the two names most teams compare.");
        assertThat(a.citations()).isEmpty();
        assertThat(a.searchCalls()).isZero();
        assertThat(a.tokensIn()).isEqualTo(36);
        assertThat(a.tokensOut()).isEqualTo(14);
    }

    @Test
    void concatenatesEveryOutputTextOfEveryMessage() {
        Answer a = Fixtures.answer(settings, KIND, "success-multipart.json");

        assertThat(a.text()).isEqualTo("First, Asana: structured projects. Second, Monday.com: visual boards. "
                + "Third, Trello: the simplest of the three.");
        assertThat(a.tokensOut()).isEqualTo(410);
    }

    @Test
    void incompleteAtTheTokenLimitIsAnAnswer() {
        Answer a = Fixtures.answer(settings, KIND, "incomplete-max-tokens.json");

        assertThat(a.text()).isEqualTo("The leading options are Zendesk, Freshdesk and");
        assertThat(a.finishReason()).isEqualTo("max_output_tokens");
    }

    @Test
    void incompleteForAnyOtherReasonIsPermanent() {
        ProviderFailure f = Fixtures.decode(settings, KIND, "incomplete-content-filter.json", 200).failure();

        assertThat(f).isEqualTo(new ProviderFailure(Type.PERMANENT, 200, "content_filter",
                "run incomplete: content_filter", null));
    }

    @Test
    void failedRunIsPermanentWithTheProvidersReason() {
        ProviderFailure f = Fixtures.decode(settings, KIND, "failed.json", 200).failure();

        assertThat(f).isEqualTo(new ProviderFailure(Type.PERMANENT, 200, "vector_store_timeout",
                "The web search tool timed out before returning results.", null));
    }

    @Test
    void unfinishedRunIsTransient() {
        ProviderFailure f = Fixtures.decode(settings, KIND, "in-progress.json", 200).failure();

        assertThat(f.type()).isEqualTo(Type.TRANSIENT);
        assertThat(f.code()).isEqualTo("in_progress");
    }
}
