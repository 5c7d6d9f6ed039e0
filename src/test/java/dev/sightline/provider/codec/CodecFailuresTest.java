package dev.sightline.provider.codec;

import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderFailure.Type;
import dev.sightline.provider.ProviderSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * How every codec turns a failed reply into a {@link ProviderFailure}: one test a behaviour, one row a recorded
 * reply from {@code src/test/resources/fixtures/<kind>/}. Decoding a failure reads only the key from the settings.
 */
class CodecFailuresTest {

    /**
     * A non-2xx reply: the failure type, the provider's own code and the retry hint (from the headers, or what the
     * provider put in the body). Headers are written {@code name: value; name: value}; an empty cell is null.
     */
    @ParameterizedTest(name = "{0} {2} {1} [{3}] -> {4} {5} {6}")
    @CsvSource(delimiter = '|', textBlock = """
            # kind            | fixture                           | status | headers                                                                          | type         | code                          | retry after
            anthropic         | error-429-rate-limit.json         | 429    | retry-after: 17; anthropic-ratelimit-requests-reset: 2026-11-26T12:00:17Z       | RATE_LIMITED | rate_limit_error              | PT17S
            anthropic         | error-429-rate-limit.json         | 429    |                                                                                  | RATE_LIMITED | rate_limit_error              |
            anthropic         | error-429-spend-limit.json        | 429    |                                                                                  | PERMANENT    | enforced_spend_limit_reached  |
            anthropic         | error-401.json                    | 401    |                                                                                  | PERMANENT    | authentication_error          |
            anthropic         | error-400.json                    | 400    |                                                                                  | PERMANENT    | invalid_request_error         |
            anthropic         | error-403.json                    | 403    |                                                                                  | PERMANENT    | permission_error              |
            anthropic         | error-404.json                    | 404    |                                                                                  | PERMANENT    | not_found_error               |
            anthropic         | error-500.json                    | 500    |                                                                                  | TRANSIENT    | api_error                     |
            anthropic         | error-529-overloaded.json         | 529    |                                                                                  | TRANSIENT    | overloaded_error              |
            anthropic         | error-page.html                   | 503    |                                                                                  | TRANSIENT    |                               |
            gemini            | error-429-retry-info.json         | 429    |                                                                                  | RATE_LIMITED | RESOURCE_EXHAUSTED            | PT58S
            gemini            | error-429-retry-fraction.json     | 429    | retry-after: 9                                                                   | RATE_LIMITED | RESOURCE_EXHAUSTED            | PT1.5S
            gemini            | error-429-no-hint.json            | 429    | Retry-After: 9                                                                   | RATE_LIMITED | RESOURCE_EXHAUSTED            | PT9S
            gemini            | error-429-no-hint.json            | 429    |                                                                                  | RATE_LIMITED | RESOURCE_EXHAUSTED            |
            gemini            | error-429-limit-zero.json         | 429    |                                                                                  | PERMANENT    | RESOURCE_EXHAUSTED            |
            gemini            | error-429-limit-zero-message.json | 429    |                                                                                  | PERMANENT    | RESOURCE_EXHAUSTED            |
            gemini            | error-400-key.json                | 400    |                                                                                  | PERMANENT    | INVALID_ARGUMENT              |
            gemini            | error-403.json                    | 403    |                                                                                  | PERMANENT    | PERMISSION_DENIED             |
            gemini            | error-404.json                    | 404    |                                                                                  | PERMANENT    | NOT_FOUND                     |
            gemini            | error-500.json                    | 500    |                                                                                  | TRANSIENT    | INTERNAL                      |
            gemini            | error-503.json                    | 503    |                                                                                  | TRANSIENT    | UNAVAILABLE                   |
            gemini            | google-error.html                 | 502    |                                                                                  | TRANSIENT    |                               |
            openai-chat       | error-429-rate-limit.json         | 429    | retry-after: 20                                                                  | RATE_LIMITED | rate_limit_exceeded           | PT20S
            openai-chat       | error-429-rate-limit.json         | 429    | Retry-After-Ms: 120; Retry-After: 1                                              | RATE_LIMITED | rate_limit_exceeded           | PT0.12S
            openai-chat       | error-429-rate-limit.json         | 429    | retry-after: Wed, 21 Oct 2026 07:28:30 GMT; date: Wed, 21 Oct 2026 07:28:00 GMT  | RATE_LIMITED | rate_limit_exceeded           | PT30S
            openai-chat       | error-429-rate-limit.json         | 429    | x-ratelimit-reset-requests: 6m0s; x-ratelimit-remaining-requests: 0              | RATE_LIMITED | rate_limit_exceeded           | PT6M
            openai-chat       | error-429-rate-limit.json         | 429    | X-RateLimit-Reset-Requests: 12ms                                                 | RATE_LIMITED | rate_limit_exceeded           | PT0.012S
            openai-chat       | error-429-rate-limit.json         | 429    | x-ratelimit-reset-requests: 1h2m3.5s                                             | RATE_LIMITED | rate_limit_exceeded           | PT1H2M3.5S
            openai-chat       | error-429-rate-limit.json         | 429    |                                                                                  | RATE_LIMITED | rate_limit_exceeded           |
            openai-chat       | error-429-insufficient-quota.json | 429    | retry-after: 20                                                                  | PERMANENT    | insufficient_quota            |
            openai-chat       | error-401.json                    | 401    |                                                                                  | PERMANENT    | invalid_api_key               |
            openai-chat       | error-400-context-length.json     | 400    |                                                                                  | PERMANENT    | context_length_exceeded       |
            openai-chat       | error-404-model.json              | 404    |                                                                                  | PERMANENT    | model_not_found               |
            openai-chat       | error-500.json                    | 500    |                                                                                  | TRANSIENT    | server_error                  |
            openai-chat       | error-503-overloaded.json         | 503    | retry-after: 5                                                                   | TRANSIENT    | server_is_overloaded          | PT5S
            openai-chat       | gateway-error.html                | 502    |                                                                                  | TRANSIENT    |                               |
            openai-chat       | error-429-rate-limit.json         | 408    |                                                                                  | RATE_LIMITED | rate_limit_exceeded           |
            openai-chat       | error-429-rate-limit.json         | 409    |                                                                                  | RATE_LIMITED | rate_limit_exceeded           |
            openai-compatible | error-groq-429.json               | 429    | retry-after: 2; x-ratelimit-reset-requests: 2m59.56s                             | RATE_LIMITED | rate_limit_exceeded           | PT2S
            openai-compatible | error-groq-429.json               | 429    | x-ratelimit-reset-requests: 2m59.56s                                             | RATE_LIMITED | rate_limit_exceeded           | PT2M59.56S
            openai-compatible | error-ollama-404.json             | 404    |                                                                                  | PERMANENT    |                               |
            openai-compatible | error-vllm-400.json               | 400    |                                                                                  | PERMANENT    | BadRequestError               |
            openai-compatible | error-deepseek-402.json           | 402    |                                                                                  | PERMANENT    | invalid_request_error         |
            openai-compatible | error-together-401.json           | 401    |                                                                                  | PERMANENT    | invalid_api_key               |
            openai-compatible | error-500.json                    | 500    |                                                                                  | TRANSIENT    | InternalServerError           |
            openai-compatible | error-503.json                    | 503    |                                                                                  | TRANSIENT    | service_unavailable           |
            openai-compatible | proxy-error.html                  | 504    |                                                                                  | TRANSIENT    |                               |
            openai-responses  | error-429-rate-limit.json         | 429    | retry-after-ms: 78                                                               | RATE_LIMITED | rate_limit_exceeded           | PT0.078S
            openai-responses  | error-429-rate-limit.json         | 429    | retry-after: 3                                                                   | RATE_LIMITED | rate_limit_exceeded           | PT3S
            openai-responses  | error-429-rate-limit.json         | 429    | x-ratelimit-reset-requests: 2m59.56s                                             | RATE_LIMITED | rate_limit_exceeded           | PT2M59.56S
            openai-responses  | error-429-insufficient-quota.json | 429    |                                                                                  | PERMANENT    | insufficient_quota            |
            openai-responses  | error-401.json                    | 401    |                                                                                  | PERMANENT    | invalid_api_key               |
            openai-responses  | error-400-tool.json               | 400    |                                                                                  | PERMANENT    | invalid_request_error         |
            openai-responses  | error-500.json                    | 500    |                                                                                  | TRANSIENT    | server_error                  |
            openai-responses  | error-503-overloaded.json         | 503    |                                                                                  | TRANSIENT    | server_is_overloaded          |
            openai-responses  | maintenance.html                  | 503    | Retry-After: 120                                                                 | TRANSIENT    |                               | PT2M
            perplexity-agent  | error-429.json                    | 429    | retry-after: 12                                                                  | RATE_LIMITED | rate_limit_exceeded           | PT12S
            perplexity-agent  | error-401.json                    | 401    |                                                                                  | PERMANENT    | authentication_error          |
            perplexity-agent  | error-400.json                    | 400    |                                                                                  | PERMANENT    | invalid_request_error         |
            perplexity-agent  | error-500.json                    | 500    |                                                                                  | TRANSIENT    | server_error                  |
            perplexity-agent  | error-503.json                    | 503    |                                                                                  | TRANSIENT    | service_unavailable           |
            perplexity-agent  | gateway.html                      | 503    |                                                                                  | TRANSIENT    |                               |
            perplexity        | error-429.json                    | 429    | retry-after: 12                                                                  | RATE_LIMITED | rate_limit_exceeded           | PT12S
            perplexity        | error-429.json                    | 429    |                                                                                  | RATE_LIMITED | rate_limit_exceeded           |
            perplexity        | error-401.html                    | 401    |                                                                                  | PERMANENT    |                               |
            perplexity        | error-400-model.json              | 400    |                                                                                  | PERMANENT    | invalid_model                 |
            perplexity        | error-402-credits.json            | 402    |                                                                                  | PERMANENT    | insufficient_quota            |
            perplexity        | error-500.json                    | 500    |                                                                                  | TRANSIENT    | internal_server_error         |
            perplexity        | error-503.html                    | 503    | Retry-After: 30                                                                  | TRANSIENT    |                               | PT30S
            """)
    void classifiesErrors(String kind, String fixture, int status, String headers, Type type, String code,
            Duration retryAfter) {
        ProviderFailure f = Fixtures.decode(settings(kind), kind, fixture, status, headerPairs(headers)).failure();

        assertThat(f).isNotNull();
        assertThat(f.type()).isEqualTo(type);
        assertThat(f.httpStatus()).isEqualTo(status);
        assertThat(f.code()).isEqualTo(code);
        assertThat(f.retryAfter()).isEqualTo(retryAfter);
    }

    /** Rows: kind, fixture, status, the failure's message. */
    static Stream<Arguments> providerMessages() {
        return Stream.of(
                arguments("anthropic", "error-401.json", 401, "invalid x-api-key"),
                arguments("anthropic", "error-429-spend-limit.json", 429, "You have reached your specified workspace "
                        + "API usage limits. You will regain access on 2026-12-01 at 00:00 UTC."),
                arguments("gemini", "error-400-key.json", 400, "API key not valid. Please pass a valid API key."),
                arguments("openai-chat", "error-401.json", 401, "Incorrect API key provided: ***. You can find your "
                        + "API key at https://platform.openai.com/account/api-keys."),
                arguments("openai-chat", "error-429-insufficient-quota.json", 429, "You exceeded your current quota, "
                        + "please check your plan and billing details. For more information on this error, read the "
                        + "docs: https://platform.openai.com/docs/guides/error-codes/api-errors."),
                arguments("openai-chat", "gateway-error.html", 502, "<html> <head><title>502 Bad Gateway</title>"
                        + "</head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>cloudflare</center> "
                        + "</body> </html>"),
                arguments("openai-compatible", "error-ollama-404.json", 404,
                        "model \"llama3.3:70b\" not found, try pulling it first"),
                arguments("openai-compatible", "error-vllm-400.json", 400, "This model's maximum context length is "
                        + "8192 tokens. However, you requested 9100 tokens (100 in the messages, 9000 in the "
                        + "completion). Please reduce the length of the messages or completion."),
                arguments("openai-responses", "error-400-tool.json", 400,
                        "Hosted tool 'web_search' is not supported with gpt-3.5-turbo."),
                arguments("perplexity", "error-401.html", 401, "<html> <head><title>401 Authorization Required"
                        + "</title></head> <body> <center><h1>401 Authorization Required</h1></center> "
                        + "<hr><center>openresty/1.27.1.1</center> </body> </html>"));
    }

    /**
     * The message is what the provider said, whatever its envelope ({@code error.message}, Ollama's
     * {@code {"error": "..."}}, vLLM's flat object), with the key masked; an HTML page is quoted on one line.
     */
    @ParameterizedTest(name = "{0} {2} {1}")
    @MethodSource("providerMessages")
    void quotesTheProvidersMessage(String kind, String fixture, int status, String message) {
        ProviderFailure f = Fixtures.decode(settings(kind), kind, fixture, status).failure();

        assertThat(f.message()).isEqualTo(message);
    }

    /** A 2xx reply the codec cannot read (an HTML page, a cut-off body, no answer in it) is retried, and quoted. */
    @ParameterizedTest(name = "{0} 200 {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # kind            | fixture
            anthropic         | error-page.html
            anthropic         | truncated.json
            anthropic         | error-in-200.json
            gemini            | google-error.html
            gemini            | truncated.json
            gemini            | no-candidates.json
            openai-chat       | gateway-error.html
            openai-chat       | truncated.json
            openai-chat       | no-choices.json
            openai-compatible | proxy-error.html
            openai-compatible | truncated.json
            openai-responses  | maintenance.html
            openai-responses  | truncated.json
            openai-responses  | no-output.json
            perplexity-agent  | gateway.html
            perplexity-agent  | truncated.json
            perplexity        | error-503.html
            perplexity        | truncated.json
            perplexity        | no-message.json
            """)
    void unusable2xxBodyIsTransientMalformed(String kind, String fixture) {
        String body = Fixtures.body(kind, fixture);
        ProviderFailure f = Fixtures.decode(settings(kind), kind, fixture, 200).failure();

        assertThat(f.type()).isEqualTo(Type.TRANSIENT);
        assertThat(f.httpStatus()).isEqualTo(200);
        assertThat(f.code()).isEqualTo("malformed_body");
        assertThat(f.message()).contains(body.substring(0, Math.min(200, body.length())));
        assertThat(f.retryAfter()).isNull();
    }

    private static ProviderSettings settings(String kind) {
        return Fixtures.settings(kind, "model-x", true, null);
    }

    /** {@code "a: 1; b: 2"} as the pairs {@link Fixtures#headers(String...)} takes; null is no headers. */
    private static String[] headerPairs(String headers) {
        List<String> pairs = new ArrayList<>();
        if (headers != null) {
            for (String header : headers.split(";")) {
                int colon = header.indexOf(':');
                pairs.add(header.substring(0, colon).strip());
                pairs.add(header.substring(colon + 1).strip());
            }
        }
        return pairs.toArray(String[]::new);
    }
}
