package dev.sightline.provider.codec;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.provider.Answer;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.values.Citation;

import static dev.sightline.provider.codec.Fixtures.KEY;
import static dev.sightline.provider.codec.Fixtures.body;
import static dev.sightline.provider.codec.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class AnthropicCodecTest {

    private static final String KIND = "anthropic";
    private final AnthropicCodec codec = new AnthropicCodec();
    private final ProviderSettings settings = Fixtures.settings(KIND, "claude-haiku-4-5", true, 1.0, KEY,
            "http://sim.local/anthropic");

    @Test
    void buildsMessagesRequestWithKeyInItsOwnHeader() {
        ProviderRequest request = codec.buildRequest(settings, Fixtures.PROMPT);

        assertThat(request.path()).isEqualTo("/v1/messages");
        JsonNode body = json(request.body());
        assertThat(body.path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1000);
        assertThat(body.path("system").asText()).isEqualTo(Fixtures.PROMPT.system());
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo(Fixtures.PROMPT.user());
        assertThat(body.path("temperature").asDouble()).isEqualTo(1.0);
        assertThat(body.at("/tools/0/type").asText()).isEqualTo("web_search_20250305");
        assertThat(body.at("/tools/0/name").asText()).isEqualTo("web_search");
        assertThat(body.at("/tools/0/max_uses").asInt()).isEqualTo(5);
    }

    @Test
    void leavesOutSystemTemperatureAndToolsWhenNotConfigured() {
        ProviderSettings s = Fixtures.settings(KIND, "claude-haiku-4-5", false, null);
        JsonNode body = json(codec.buildRequest(s, Fixtures.NO_SYSTEM).body());

        assertThat(body.has("system")).isFalse();
        assertThat(body.has("temperature")).isFalse();
        assertThat(body.has("tools")).isFalse();
    }

    @Test
    void decodesPlainAnswer() {
        Answer a = Fixtures.answer(settings, KIND, "success.json");

        assertThat(a).isEqualTo(new Answer("For a small accounting firm, Xero and QuickBooks Online are the two main "
                + "choices. Xero is often preferred for multi-currency work.", List.of(), "claude-haiku-4-5",
                "claude-haiku-4-5-20251001", 31, 34, 0, "msg_01XFDUDYJgAACzvnptvVoYEL", "end_turn", 0, null));
    }

    @Test
    void decodesWebSearchAnswerWithCitationsAndBilledSearches() {
        Answer a = Fixtures.answer(settings, KIND, "success-web-search.json");

        assertThat(a.text()).isEqualTo("I'll search for current comparisons.Based on the results, 1Password is the "
                + "most common pick for businesses, while Bitwarden is the open-source, lower-cost alternative.");
        assertThat(a.citations()).containsExactly(
                new Citation("https://1password.com/business", "1Password Business", null,
                        "web_search_result_location"),
                new Citation("https://bitwarden.com/products/business/", "Bitwarden for Business", null,
                        "web_search_result_location"),
                new Citation("https://www.pcmag.com/comparisons/1password-vs-bitwarden",
                        "1Password vs. Bitwarden | PCMag", null, "web_search_result_location"));
        assertThat(a.searchCalls()).isEqualTo(2);
        assertThat(a.tokensIn()).isEqualTo(6039);
        assertThat(a.tokensOut()).isEqualTo(931);
    }

    @Test
    void countsSearchBlocksWhenUsageDoesNotSay() {
        Answer a = Fixtures.answer(settings, KIND, "success-search-no-usage-count.json");

        assertThat(a.searchCalls()).isEqualTo(1);
        assertThat(a.text()).isEqualTo("I could not find recent reviews.");
    }

    @Test
    void maxTokensStopIsAnAnswer() {
        Answer a = Fixtures.answer(settings, KIND, "success-max-tokens.json");

        assertThat(a.finishReason()).isEqualTo("max_tokens");
        assertThat(a.text()).isEqualTo("Here is a detailed comparison of the leading HR platforms.\n\n**BambooHR** "
                + "focuses on small and mid-sized companies. **Rippling** bundles payroll, IT and");
    }
}
