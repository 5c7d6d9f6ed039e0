package dev.sightline.provider.codec;

import dev.sightline.provider.ProviderCodec;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
