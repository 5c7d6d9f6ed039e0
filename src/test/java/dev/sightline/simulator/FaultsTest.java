package dev.sightline.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sightline.provider.ProviderKinds;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every fault with the status, headers and body shape the real provider uses. */
class FaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Which CRM should a startup use?";

    private static Simulator sim;

    @BeforeAll
    static void start() {
        sim = SimFixtures.start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void clean() {
        ProviderKinds.ALL.forEach(k -> sim.setFaults(k, FaultProfile.NONE));
        sim.reset();
    }

    private static HttpResponse<String> ask(String kind) throws Exception {
        return SimFixtures.ask(sim, kind, PROMPT, 1, true);
    }

    private static String header(HttpResponse<String> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai-chat", "openai-responses", "openai-compatible"})
    void openAiStyleFaults(String kind) throws Exception {
        sim.setFaults(kind, FaultProfile.NONE.withRate429(1.0, Duration.ofMillis(1500)));
        HttpResponse<String> r = ask(kind);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(header(r, "retry-after")).isEqualTo("2");
        assertThat(header(r, "retry-after-ms")).isEqualTo("1500");
        assertThat(header(r, "x-request-id")).startsWith("req_");
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(e.get("type").asText()).isEqualTo("requests");
        assertThat(e.get("message").asText()).contains("Please try again in 1.5s");
        assertThat(e.has("param")).isTrue();

        sim.setFaults(kind, FaultProfile.NONE.withRate500(1.0));
        r = ask(kind);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("server_error");

        sim.setFaults(kind, FaultProfile.NONE.withRateOverloaded(1.0));
        r = ask(kind);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("server_is_overloaded");

        sim.setFaults(kind, FaultProfile.NONE.withRate401(1.0));
        r = ask(kind);
        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode auth = JSON.readTree(r.body()).get("error");
        assertThat(auth.get("code").asText()).isEqualTo("invalid_api_key");
        if (!kind.equals("openai-compatible")) {
            // the key is shown masked, never in full
            assertThat(auth.get("message").asText()).startsWith("Incorrect API key provided: sk-")
                    .doesNotContain("sk-test-key-1234");
        }
        assertThat(sim.stats().get(kind).rateLimited()).isEqualTo(1);
        assertThat(sim.stats().get(kind).serverErrors()).isEqualTo(1);
        assertThat(sim.stats().get(kind).overloaded()).isEqualTo(1);
        assertThat(sim.stats().get(kind).unauthorized()).isEqualTo(1);
        assertThat(sim.served(kind)).isEqualTo(4);
    }

    @Test
    void openAiSuccessCarriesRateLimitHeaders() throws Exception {
        HttpResponse<String> r = ask("openai-chat");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "content-type")).isEqualTo("application/json");
        assertThat(header(r, "x-request-id")).matches("req_[0-9a-f]{32}");
        assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo("500");
        assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("499");
        assertThat(header(r, "x-ratelimit-reset-requests")).isEqualTo("120ms");
        assertThat(header(r, "openai-processing-ms")).isNotNull();
    }

    @Test
    void anthropicFaults() throws Exception {
        sim.setFaults("anthropic", FaultProfile.NONE.withRate429(1.0, Duration.ofSeconds(3)));
        HttpResponse<String> r = ask("anthropic");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(header(r, "retry-after")).isEqualTo("3");
        assertThat(header(r, "anthropic-ratelimit-requests-remaining")).isEqualTo("0");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(body.get("request_id").asText()).isEqualTo(header(r, "request-id")).startsWith("req_011C");

        sim.setFaults("anthropic", FaultProfile.NONE.withRateOverloaded(1.0));
        r = ask("anthropic");
        assertThat(r.statusCode()).isEqualTo(529);
        assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).isEqualTo("Overloaded");

        sim.setFaults("anthropic", FaultProfile.NONE.withRate500(1.0));
        r = ask("anthropic");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("api_error");

        sim.setFaults("anthropic", FaultProfile.NONE.withRate401(1.0));
        r = ask("anthropic");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("authentication_error");

        sim.setFaults("anthropic", FaultProfile.NONE);
        r = ask("anthropic");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "anthropic-ratelimit-requests-limit")).isEqualTo("50");
        assertThat(header(r, "anthropic-ratelimit-requests-remaining")).isEqualTo("45");
        assertThat(header(r, "anthropic-ratelimit-requests-reset")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    @Test
    void geminiFaults() throws Exception {
        sim.setFaults("gemini", FaultProfile.NONE.withRate429(1.0, Duration.ofSeconds(58)));
        HttpResponse<String> r = ask("gemini");
        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("code").asInt()).isEqualTo(429);
        assertThat(e.get("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        JsonNode retry = null;
        for (JsonNode d : e.get("details")) {
            if (d.get("@type").asText().equals("type.googleapis.com/google.rpc.RetryInfo")) {
                retry = d;
            }
        }
        assertThat(retry).isNotNull();
        assertThat(retry.get("retryDelay").asText()).isEqualTo("58s");
        // Gemini gives its hint in the body only
        assertThat(header(r, "retry-after")).isNull();
        assertThat(header(r, "content-type")).isEqualTo("application/json; charset=UTF-8");

        sim.setFaults("gemini", FaultProfile.NONE.withRateOverloaded(1.0));
        r = ask("gemini");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).at("/error/status").asText()).isEqualTo("UNAVAILABLE");

        sim.setFaults("gemini", FaultProfile.NONE.withRate500(1.0));
        r = ask("gemini");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(r.body()).at("/error/status").asText()).isEqualTo("INTERNAL");

        sim.setFaults("gemini", FaultProfile.NONE.withRate401(1.0));
        r = ask("gemini");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).at("/error/details/0/reason").asText()).isEqualTo("API_KEY_INVALID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"perplexity", "perplexity-agent"})
    void perplexityFaults(String kind) throws Exception {
        sim.setFaults(kind, FaultProfile.NONE.withRate429(1.0, Duration.ofSeconds(2)));
        HttpResponse<String> r = ask(kind);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(header(r, "retry-after")).isEqualTo("2");
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(e.get("code").asInt()).isEqualTo(429);

        sim.setFaults(kind, FaultProfile.NONE.withRateOverloaded(1.0));
        assertThat(ask(kind).statusCode()).isEqualTo(503);
        sim.setFaults(kind, FaultProfile.NONE.withRate500(1.0));
        assertThat(ask(kind).statusCode()).isEqualTo(500);
    }

    @Test
    void timeoutHoldsTheRequestThenClosesWithoutReply() throws Exception {
        sim.setFaults("openai-chat", FaultProfile.NONE.withRateTimeout(1.0, Duration.ofMillis(400)));
        long started = System.nanoTime();
        assertThatThrownBy(() -> ask("openai-chat")).isInstanceOf(IOException.class);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(elapsedMs).isGreaterThanOrEqualTo(380);
        assertThat(sim.stats().get("openai-chat").timeouts()).isEqualTo(1);
        assertThat(sim.served("openai-chat")).isEqualTo(1);
    }

    @Test
    void malformedRepliesAreHttp200ThatNoJsonParserAccepts() throws Exception {
        sim.setFaults("anthropic", FaultProfile.NONE.withRateMalformed(1.0));
        Set<String> kinds = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> r = ask("anthropic");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> JSON.readTree(r.body()).get("content").get(0)).isInstanceOf(Exception.class);
            if (header(r, "content-type").startsWith("text/html")) {
                assertThat(r.body()).startsWith("<!DOCTYPE html>");
                kinds.add("html");
            } else {
                assertThat(r.body()).startsWith("{\"id\":\"msg_01");
                kinds.add("truncated");
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("html", "truncated");
        assertThat(sim.stats().get("anthropic").malformed()).isEqualTo(12);
    }

    @Test
    void missingCredentialsAre401InEachEnvelope() throws Exception {
        Map<String, String> noAuth = Map.of();
        for (String kind : ProviderKinds.ALL) {
            HttpResponse<String> r = SimFixtures.post(sim, kind, SimFixtures.body(kind, PROMPT, false),
                    kind.equals("anthropic") ? Map.of("anthropic-version", "2023-06-01") : noAuth);
            if (kind.equals("openai-compatible")) {
                assertThat(r.statusCode()).as("compatible servers take no key").isEqualTo(200);
                continue;
            }
            assertThat(r.statusCode()).as(kind).isEqualTo(401);
            JsonNode body = JSON.readTree(r.body());
            switch (kind) {
                case "anthropic" -> assertThat(body.at("/error/message").asText()).isEqualTo("x-api-key header is required");
                case "gemini" -> assertThat(body.at("/error/status").asText()).isEqualTo("UNAUTHENTICATED");
                case "openai-chat", "openai-responses" ->
                        assertThat(body.at("/error/message").asText()).startsWith("You didn't provide an API key.");
                default -> assertThat(body.at("/error/code").asInt()).isEqualTo(401);
            }
        }
        // Gemini also takes the key as a query parameter
        HttpResponse<String> keyed = SimFixtures.post(sim.baseUrl("gemini") + SimFixtures.path("gemini") + "?key=AIza-x",
                SimFixtures.body("gemini", PROMPT, false), Map.of());
        assertThat(keyed.statusCode()).isEqualTo(200);
        assertThat(sim.stats().get("openai-chat").unauthorized()).isEqualTo(1);
    }

    @Test
    void unknownPathsAre404InEachEnvelope() throws Exception {
        Map<String, String> cases = new HashMap<>();
        cases.put(sim.baseUrl("openai-chat") + "/completionz", "/error/message=Invalid URL (POST /v1/completionz)");
        cases.put(sim.baseUrl("anthropic") + "/v1/messagez", "/error/type=not_found_error");
        cases.put(sim.baseUrl("gemini") + "/v1beta/models/gemini-2.5-flash:countTokenz", "/error/status=NOT_FOUND");
        cases.put(sim.baseUrl("perplexity") + "/chat/completionz", "/error/code=404");
        cases.put(sim.baseUrl("openai-compatible") + "/completionz", "/error/type=invalid_request_error");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Map<String, String> headers = new HashMap<>(SimFixtures.auth("anthropic"));
            headers.putAll(SimFixtures.auth("gemini"));
            headers.put("Authorization", "Bearer sk-x");
            HttpResponse<String> r = SimFixtures.post(c.getKey(), "{}", headers);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(404);
            String[] expect = c.getValue().split("=", 2);
            assertThat(JSON.readTree(r.body()).at(expect[0]).asText()).as(c.getKey()).isEqualTo(expect[1]);
        }
        assertThat(SimFixtures.post(sim.baseUrl("openai-chat").replace("/openai/v1", "/nowhere"), "{}", Map.of())
                .statusCode()).isEqualTo(404);
    }

    @Test
    void badRequestsAre400InEachEnvelope() throws Exception {
        for (String kind : ProviderKinds.ALL) {
            HttpResponse<String> r = SimFixtures.post(sim, kind, "{\"model\": ", SimFixtures.auth(kind));
            assertThat(r.statusCode()).as(kind).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).has("error")).as(kind).isTrue();
        }
        HttpResponse<String> noVersion = SimFixtures.post(sim, "anthropic", SimFixtures.body("anthropic", PROMPT, false),
                Map.of("x-api-key", "sk-ant-x"));
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noVersion.body()).at("/error/message").asText())
                .isEqualTo("anthropic-version: header is required");
        HttpResponse<String> noMax = SimFixtures.post(sim, "anthropic",
                "{\"model\":\"claude-haiku-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                SimFixtures.auth("anthropic"));
        assertThat(JSON.readTree(noMax.body()).at("/error/message").asText()).isEqualTo("max_tokens: Field required");
    }

    @Test
    void faultsCanBeFlippedAtRuntime() throws Exception {
        assertThat(ask("gemini").statusCode()).isEqualTo(200);
        sim.setFaults("gemini", FaultProfile.NONE.withRate500(1.0));
        assertThat(sim.faults("gemini").rate500()).isEqualTo(1.0);
        assertThat(ask("gemini").statusCode()).isEqualTo(500);
        assertThat(ask("openai-chat").statusCode()).as("other kinds unaffected").isEqualTo(200);
        sim.setFaults("gemini", FaultProfile.NONE);
        assertThat(ask("gemini").statusCode()).isEqualTo(200);
    }

    @Test
    void faultRatesAreHonouredOverManyRequests() throws Exception {
        sim.setFaults("openai-chat", FaultProfile.NONE.withRate429(0.3, Duration.ofSeconds(1)).withRate500(0.1));
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            statuses.merge(SimFixtures.ask(sim, "openai-chat", "q" + i, 1, false).statusCode(), 1, Integer::sum);
        }
        assertThat(statuses.get(429)).isBetween(65, 115);
        assertThat(statuses.get(500)).isBetween(15, 45);
        assertThat(statuses.get(200)).isEqualTo(300 - statuses.get(429) - statuses.get(500));
        // the draws are seeded: after a reset the same sequence of faults comes back
        sim.reset();
        List<Integer> first = List.of(ask("openai-chat").statusCode(), ask("openai-chat").statusCode(),
                ask("openai-chat").statusCode(), ask("openai-chat").statusCode(), ask("openai-chat").statusCode());
        sim.reset();
        List<Integer> second = List.of(ask("openai-chat").statusCode(), ask("openai-chat").statusCode(),
                ask("openai-chat").statusCode(), ask("openai-chat").statusCode(), ask("openai-chat").statusCode());
        assertThat(second).isEqualTo(first);
    }
}
