package dev.sightline.provider.codec;

import dev.sightline.provider.ProviderCodec;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static dev.sightline.provider.codec.Fixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CodecsTest {

    @Test
    void everyKindHasItsCodec() {
        for (String kind : ProviderKinds.ALL) {
            assertThat(Codecs.forKind(kind).kind()).isEqualTo(kind);
        }
    }

    @Test
    void unknownKindNamesItselfAndTheValidOnes() {
        assertThatThrownBy(() -> Codecs.forKind("openai-chatt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'openai-chatt'")
                .hasMessageContaining(String.join(", ", ProviderKinds.ALL));
        assertThatThrownBy(() -> Codecs.forKind(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Codecs.defaultBaseUrl("bard")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bard'");
    }

    @Test
    void defaultBaseUrlsAreThePublicEndpoints() {
        assertThat(Codecs.defaultBaseUrl("openai-chat")).isEqualTo("https://api.openai.com/v1");
        assertThat(Codecs.defaultBaseUrl("openai-responses")).isEqualTo("https://api.openai.com/v1");
        assertThat(Codecs.defaultBaseUrl("anthropic")).isEqualTo("https://api.anthropic.com");
        assertThat(Codecs.defaultBaseUrl("gemini")).isEqualTo("https://generativelanguage.googleapis.com");
        assertThat(Codecs.defaultBaseUrl("perplexity")).isEqualTo("https://api.perplexity.ai");
        assertThat(Codecs.defaultBaseUrl("perplexity-agent")).isEqualTo("https://api.perplexity.ai");
        assertThat(Codecs.defaultBaseUrl("openai-compatible")).isNull();
    }

    @Test
    void defaultBaseAndPathMakeTheDocumentedUrls() {
        assertThat(url("openai-chat", "gpt-4o-mini")).isEqualTo("https://api.openai.com/v1/chat/completions");
        assertThat(url("openai-responses", "gpt-4.1-mini")).isEqualTo("https://api.openai.com/v1/responses");
        assertThat(url("anthropic", "claude-haiku-4-5")).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(url("gemini", "gemini-2.5-flash"))
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(url("perplexity", "sonar")).isEqualTo("https://api.perplexity.ai/chat/completions");
        assertThat(url("perplexity-agent", "openai/gpt-5-mini")).isEqualTo("https://api.perplexity.ai/v1/agent");
    }

    private static String url(String kind, String model) {
        ProviderSettings s = Fixtures.settings(kind, model, false, null, Fixtures.KEY, Codecs.defaultBaseUrl(kind));
        return s.baseUrl() + Codecs.forKind(kind).buildRequest(s, Fixtures.PROMPT).path();
    }

    /** Rows: kind, the headers only that kind sends (its credential first). */
    static Stream<Arguments> providerHeaders() {
        return Stream.of(
                arguments("openai-chat", Map.of("Authorization", "Bearer " + KEY)),
                arguments("openai-responses", Map.of("Authorization", "Bearer " + KEY)),
                arguments("openai-compatible", Map.of("Authorization", "Bearer " + KEY)),
                arguments("anthropic", Map.of("x-api-key", KEY, "anthropic-version", "2023-06-01")),
                arguments("gemini", Map.of("x-goog-api-key", KEY)),
                arguments("perplexity", Map.of("Authorization", "Bearer " + KEY)),
                arguments("perplexity-agent", Map.of("Authorization", "Bearer " + KEY)));
    }

    /**
     * Its credential and JSON: nothing else. In particular no Sightline header: a real provider learns nothing of
     * cells or samples (only the built-in simulator gets them, from the provider route).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("providerHeaders")
    void requestCarriesItsCredentialAndNothingOfSightline(String kind, Map<String, String> own) {
        ProviderSettings s = Fixtures.settings(kind, "model-x", true, 0.5);
        Map<String, String> expected = new HashMap<>(own);
        expected.put("Content-Type", "application/json");

        assertThat(Codecs.forKind(kind).buildRequest(s, Fixtures.PROMPT).headers())
                .containsExactlyInAnyOrderEntriesOf(expected);
    }

    /** One shared instance per kind serves every route thread. */
    @Test
    void sharedCodecsDecodeConcurrently() throws Exception {
        ProviderCodec codec = Codecs.forKind("anthropic");
        ProviderSettings s = Fixtures.settings("anthropic", "claude-haiku-4-5", true, null);
        String ok = Fixtures.body("anthropic", "success-web-search.json");
        String limited = Fixtures.body("anthropic", "error-429-rate-limit.json");
        ProviderResult expectedOk = codec.decode(s, 200, Map.of(), ok);
        ProviderResult expectedLimited = codec.decode(s, 429, Fixtures.headers("retry-after", "3"), limited);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> jobs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                boolean even = i % 2 == 0;
                jobs.add(() -> even
                        ? codec.decode(s, 200, Map.of(), ok).equals(expectedOk)
                        : codec.decode(s, 429, Fixtures.headers("retry-after", "3"), limited).equals(expectedLimited));
            }
            for (Future<Boolean> f : pool.invokeAll(jobs)) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
