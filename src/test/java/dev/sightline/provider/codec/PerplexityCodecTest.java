package dev.sightline.provider.codec;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.provider.Answer;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;

import static dev.sightline.provider.codec.Fixtures.body;
import static dev.sightline.provider.codec.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class PerplexityCodecTest {

    private static final String KIND = "perplexity";
    private final PerplexityCodec codec = new PerplexityCodec();
    private final ProviderSettings settings = Fixtures.settings(KIND, "sonar", true, 0.2);

    /** Relative path: the simulator's {@code .../perplexity/v1} and the real {@code https://api.perplexity.ai}. */
    @Test
    void buildsSonarRequestOnAPathThatWorksUnderBothBases() {
        ProviderRequest request = codec.buildRequest(settings, Fixtures.PROMPT);

        assertThat(request.path()).isEqualTo("/chat/completions");
        assertThat(Codecs.defaultBaseUrl(KIND) + request.path())
                .isEqualTo("https://api.perplexity.ai/chat/completions");
        assertThat(settings.baseUrl() + request.path()).isEqualTo("http://sim.local/perplexity/v1/chat/completions");
        JsonNode body = json(request.body());
        assertThat(body.path("model").asText()).isEqualTo("sonar");
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1000);
    }

    @Test
    void leavesOutSystemAndTemperatureWhenNotConfigured() {
        ProviderSettings s = Fixtures.settings(KIND, "sonar", true, null);
        JsonNode body = json(codec.buildRequest(s, Fixtures.NO_SYSTEM).body());

        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.has("temperature")).isFalse();
    }

    @Test
    void citationsKeepTheirOrderForTheMarkersAndTakeTitlesFromSearchResults() {
        Answer a = Fixtures.answer(settings, KIND, "success-citations.json");

        assertThat(a).isEqualTo(new Answer(
                "Zendesk and Freshdesk lead the help desk market [1][2]. Freshdesk is cheaper for small teams [3].",
                List.of(new Citation("https://www.g2.com/categories/help-desk", "Best Help Desk Software 2026 | G2",
                                null, "citations"),
                        new Citation("https://www.zendesk.com/pricing/", "Zendesk pricing plans", null, "citations"),
                        new Citation("https://www.freshworks.com/freshdesk/pricing/", "Freshdesk Pricing | Plans",
                                null, "citations")),
                "sonar", "sonar", 14, 96, 0, "3c90c3cc-0d44-4b50-8888-8dd25736052a", "stop", 0, null));
    }

    @Test
    void searchResultsStandInWhenThereIsNoCitationsList() {
        Answer a = Fixtures.answer(settings, KIND, "success-search-results-only.json");

        assertThat(a.citations()).containsExactly(
                new Citation("https://www.emailtooltester.com/en/best-email-marketing-services/",
                        "Top Email Marketing Platforms", null, "search_results"),
                new Citation("https://www.brevo.com/blog/mailchimp-alternatives/", "Mailchimp vs Brevo", null,
                        "search_results"));
    }

    @Test
    void deepResearchReportsItsSearches() {
        Answer a = Fixtures.answer(settings, KIND, "success-deep-research.json");

        assertThat(a.searchCalls()).isEqualTo(18);
        assertThat(a.finishReason()).isEqualTo("length");
        assertThat(a.citations()).extracting(Citation::title).containsExactly(null, null);
        assertThat(a.text()).startsWith("<think>Plan the research.</think>");
    }
}
