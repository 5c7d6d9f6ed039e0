package dev.sightline.provider.codec;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

class PerplexityAgentCodecTest {

    private static final String KIND = "perplexity-agent";
    private final PerplexityAgentCodec codec = new PerplexityAgentCodec();
    private final ProviderSettings settings = Fixtures.settings(KIND, "openai/gpt-5-mini", true, 0.5, KEY,
            "https://api.perplexity.ai");

    @Test
    void buildsAgentRequest() {
        ProviderRequest request = codec.buildRequest(settings, Fixtures.PROMPT);

        assertThat(request.path()).isEqualTo("/v1/agent");
        JsonNode body = json(request.body());
        assertThat(body.path("model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(body.path("instructions").asText()).isEqualTo(Fixtures.PROMPT.system());
        assertThat(body.path("input").asText()).isEqualTo(Fixtures.PROMPT.user());
        assertThat(body.path("max_output_tokens").asInt()).isEqualTo(1000);
        assertThat(body.at("/tools/0/type").asText()).isEqualTo("web_search");
        assertThat(body.has("temperature")).as("the Agent API has no temperature").isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "https://api.perplexity.ai, /v1/agent",
            "https://api.perplexity.ai/, /v1/agent",
            "https://api.perplexity.ai/v1, /agent",
            "http://sim.local/perplexity/v1, /agent",
            "http://sim.local/perplexity, /v1/agent"})
    void pathFitsEitherSpellingOfTheBase(String base, String path) {
        ProviderSettings s = Fixtures.settings(KIND, "openai/gpt-5-mini", false, null, KEY, base);

        assertThat(codec.buildRequest(s, Fixtures.NO_SYSTEM).path()).isEqualTo(path);
    }

    @Test
    void decodesAnswerWithSourcesFromSearchResults() {
        Answer a = Fixtures.answer(settings, KIND, "success.json");

        assertThat(a).isEqualTo(new Answer(
                "Agencies most often pick Teamwork.com or ClickUp [1][2]. ClickUp is cheaper per seat [3].",
                List.of(new Citation("https://zapier.com/blog/project-management-agencies/",
                                "The 10 Best Project Management Tools for Agencies", null, "search_results"),
                        new Citation("https://www.teamwork.com/agency-project-management-software/",
                                "Teamwork.com for Agencies", null, "search_results"),
                        new Citation("https://clickup.com/compare/teamwork-alternative", "ClickUp vs Teamwork", null,
                                "search_results")),
                "openai/gpt-5-mini", "openai/gpt-5-mini", 1850, 120, 2,
                "resp_7f2c9a1e-5b3d-4c8e-9f0a-1b2c3d4e5f60", "completed", 0, null));
    }

    @Test
    void answerWithoutSearch() {
        Answer a = Fixtures.answer(settings, KIND, "success-no-search.json");

        assertThat(a.text()).isEqualTo("Slack and Microsoft Teams are the two main options.");
        assertThat(a.citations()).isEmpty();
        assertThat(a.searchCalls()).isZero();
        assertThat(a.modelServed()).isEqualTo("anthropic/claude-haiku-4-5");
    }

    @Test
    void countsSearchStepsWhenUsageHasNoToolDetails() {
        Answer a = Fixtures.answer(settings, KIND, "success-search-no-details.json");

        assertThat(a.searchCalls()).isEqualTo(1);
    }

    @Test
    void failedRunInA200IsPermanent() {
        ProviderFailure f = Fixtures.decode(settings, KIND, "failed.json", 200).failure();

        assertThat(f).isEqualTo(new ProviderFailure(Type.PERMANENT, 200, "model_error",
                "Upstream model provider returned an error: context window exceeded", null));
    }
}
