package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.LogCapture;
import dev.sightline.testing.TestApp;

/**
 * A hostile provider that echoes the API key it was sent in every place it can: the answer text (as sent, upper
 * case, JSON-escaped, split across two parts), the model, the response id and a response header, a citation, the
 * finish reason, an error message cut at 200 characters right through the key, and a multi-line error body that
 * forges a log line. Afterwards no key, nor its first 12 characters, is in any table, any API response or any log
 * line at DEBUG, and every log line that quotes the provider is one line.
 */
class ProviderEchoTest {

    static final String CHAT_KEY = "zq9-LEAK-chat-7f3a9c0d1e2b4a6f8";
    static final String RESP_KEY = "zq9-LEAK-resp-0b1c2d3e4f5a6b7c8";
    static final String ERR_KEY = "zq9-LEAK-errs-9e8d7c6b5a4f3e2d1";
    static final List<String> KEYS = List.of(CHAT_KEY, RESP_KEY, ERR_KEY);
    static final String FORGED = "2026-12-05 04:00:00.000 INFO  [main] d.s.Sightline - FORGED";

    static LogCapture logs;
    static HttpServer provider;
    static final AtomicInteger errorCalls = new AtomicInteger();
    static TestApp app;

    @BeforeAll
    static void start() throws IOException {
        logs = LogCapture.root(Level.DEBUG);

        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/chat/v1/chat/completions", x -> reply(x, 200, chatAnswer(key(x))));
        provider.createContext("/resp/v1/responses", x -> reply(x, 200, splitAnswer(key(x))));
        provider.createContext("/errs/v1/chat/completions", x -> {
            String key = key(x);
            if (errorCalls.incrementAndGet() % 2 == 1) {
                // the key straddles the 200th character, where an error page used to be cut before masking
                reply(x, 500, "<html><body>" + "x".repeat(188 - 12) + key + " upstream failed</body></html>");
            } else {
                reply(x, 400, "{\"error\":{\"message\":\"Rejected " + key.toUpperCase(Locale.ROOT) + "\\n" + FORGED
                        + "\",\"type\":\"invalid_request_error\",\"code\":\"" + key + "\"}}");
            }
        });
        provider.start();
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();

        Map<String, String> o = new HashMap<>();
        o.put("sightline.simulator.enabled", "false");
        for (String p : List.of("openai", "anthropic", "gemini", "perplexity")) {
            o.put("sightline.providers." + p + ".enabled", "false");
        }
        o.put("sightline.providers.echo-chat.kind", "openai-chat");
        o.put("sightline.providers.echo-chat.model", "m");
        o.put("sightline.providers.echo-chat.base-url", base + "/chat/v1");
        o.put("sightline.providers.echo-chat.api-key", CHAT_KEY);
        o.put("sightline.providers.echo-resp.kind", "openai-responses");
        o.put("sightline.providers.echo-resp.model", "m");
        o.put("sightline.providers.echo-resp.base-url", base + "/resp/v1");
        o.put("sightline.providers.echo-resp.api-key", RESP_KEY);
        o.put("sightline.providers.echo-errs.kind", "openai-compatible");
        o.put("sightline.providers.echo-errs.model", "m");
        o.put("sightline.providers.echo-errs.base-url", base + "/errs/v1");
        o.put("sightline.providers.echo-errs.api-key", ERR_KEY);
        app = TestApp.start("provider_echo", o);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        provider.stop(0);
        logs.close();
    }

    static String key(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        return x.getRequestHeaders().getFirst("Authorization").substring("Bearer ".length());
    }

    static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", status == 500 ? "text/html" : "application/json");
        x.getResponseHeaders().add("x-request-id", key(x));
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    /** {@code sk-...} as a JSON string spells it with every character escaped. */
    static String escaped(String key) {
        StringBuilder sb = new StringBuilder();
        key.chars().forEach(c -> sb.append(String.format("\\u%04x", c)));
        return sb.toString();
    }

    static String chatAnswer(String key) {
        return """
                {"id":"%1$s","object":"chat.completion","created":1,"model":"%1$s",
                 "choices":[{"index":0,"message":{"role":"assistant",
                   "content":"Pipedrive is fine. You sent %1$s, or %2$s, or %3$s.",
                   "annotations":[{"type":"url_citation","url_citation":{"start_index":0,"end_index":9,
                     "title":"%1$s","url":"https://example.com/?key=%1$s"}}]},
                   "finish_reason":"%2$s"}],
                 "usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}
                """.formatted(key, key.toUpperCase(Locale.ROOT), escaped(key));
    }

    static String splitAnswer(String key) {
        return """
                {"id":"resp_1","object":"response","status":"completed","model":"m",
                 "output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed",
                   "content":[{"type":"output_text","text":"HubSpot leads. Key: %s","annotations":[]},
                              {"type":"output_text","text":"%s, thanks.","annotations":[]}]}],
                 "usage":{"input_tokens":3,"output_tokens":5,"total_tokens":8}}
                """.formatted(key.substring(0, 12), key.substring(12));
    }

    @Test
    void noKeyOrPartOfOneIsStoredReturnedOrLogged() throws Exception {
        long runId = app.startRun("{\"providers\":[\"echo-chat\",\"echo-resp\",\"echo-errs\"],"
                + "\"promptTags\":[\"topic:pricing\"]}");
        var run = app.awaitRun(runId, Duration.ofSeconds(60));
        assertThat(run.get("status").asText()).isEqualTo("completed_with_failures");
        assertThat(app.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?",
                runId)).as("answers stored").isPositive();
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'failed' AND last_error LIKE "
                + "'HTTP 400%'", runId)).as("error replies recorded").isPositive();

        List<String> bodies = new ArrayList<>();
        long cell = app.count("SELECT min(id) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId);
        long failed = app.count("SELECT min(id) FROM cell WHERE run_id = ? AND status = 'failed'", runId);
        for (String path : List.of("/api/runs/" + runId, "/api/runs/" + runId + "/cells?limit=1000",
                "/api/answers?runId=" + runId + "&limit=500", "/api/runs/" + runId + "/cells/" + cell,
                "/api/runs/" + runId + "/cells/" + failed, "/api/runs/" + runId + "/report", "/api/health",
                "/api/citations/domains")) {
            TestApp.Reply r = app.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            bodies.add(r.body());
        }
        bodies.add(app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl()
                + "/api/answers?runId=" + runId)).header("Accept", "text/csv").GET(), TestApp.TOKEN).body());

        for (String key : KEYS) {
            for (String leak : List.of(key, key.substring(0, 12), key.substring(12))) {
                String lower = leak.toLowerCase(Locale.ROOT);
                assertThat(bodies).allSatisfy(b -> assertThat(b.toLowerCase(Locale.ROOT)).doesNotContain(lower));
                assertThat(logs.lines()).isNotEmpty().allSatisfy(l -> assertThat(l.toLowerCase(Locale.ROOT))
                        .doesNotContain(lower));
                assertThat(SecretsLeakTest.tablesContaining(app, leak)).as("tables holding " + leak).isEmpty();
            }
            // a row's text form doubles backslashes: the JSON-escaped echo is looked for in the raw bodies as they are
            String echo = escaped(key).substring(0, 36).toLowerCase(Locale.ROOT);
            assertThat(SecretsLeakTest.rawBodies(app)).noneMatch(b -> b.toLowerCase(Locale.ROOT).contains(echo));
        }
        assertThat(SecretsLeakTest.rawBodies(app)).as("echoes are masked, not dropped").anyMatch(b -> b.contains("***"));
        assertThat(SecretsLeakTest.answerTexts(app)).as("echoes are masked, not dropped")
                .anyMatch(t -> t.contains("***"));
        assertThat(logs.lines()).filteredOn(l -> l.contains("FORGED")).isNotEmpty()
                .allSatisfy(l -> assertThat(l).doesNotContain("\n").contains("\\n" + FORGED));
    }
}
