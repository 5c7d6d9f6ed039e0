package dev.sightline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.testing.LogCapture;
import dev.sightline.testing.TestApp;

/** Bad input on every endpoint: a JSON error with the right status and the field named, never a stack trace. */
class ApiErrorsTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        // one read slot and a short wait for it, so that a taken slot shows (aReadThatFindsNoSlotIs503WithRetryAfter)
        app = TestApp.start("api_errors", Map.of("sightline.api.read-slots", "1", "sightline.api.read-wait", "300ms"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static void assertError(TestApp.Reply r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        var error = r.json().get("error");
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(error.get("field").asText()).isEqualTo(field);
        }
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.sightline").doesNotContain("\tat ");
    }

    /**
     * Dashboard reads take turns (ReadSlots): with the only slot taken, a read waits read-wait and is answered 503
     * with Retry-After, other endpoints are not held up, and every reply, an error included, gives its slot back.
     */
    @Test
    void aReadThatFindsNoSlotIs503WithRetryAfter() throws Exception {
        ReadSlots slots = app.app().context().getRegistry().lookupByNameAndType("readSlots", ReadSlots.class);
        assertThat(app.get("/api/metrics").status()).isEqualTo(200);
        assertError(app.get("/api/metrics?groupBy=colour"), 400, "groupBy");
        // the slot goes back when the exchange completes, which may be just after the client has the reply
        TestApp.await("slots given back after a reply and after an error", Duration.ofSeconds(5),
                () -> slots.inUse() == 0);

        org.apache.camel.Exchange holder = new org.apache.camel.support.DefaultExchange(app.app().context());
        slots.take(holder);
        try {
            long start = System.nanoTime();
            var busy = app.get("/api/metrics?groupBy=provider");
            assertError(busy, 503, null);
            assertThat(busy.json().get("error").get("code").asText()).isEqualTo("busy");
            assertThat(busy.json().get("error").get("message").asText()).contains("sightline.api.read-slots=1");
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertError(app.get("/api/citations/domains"), 503, null);
            assertThat(app.get("/api/runs").status()).as("not a dashboard read").isEqualTo(200);
        } finally {
            holder.getExchangeExtension().handoverCompletions().forEach(s -> s.onComplete(holder));
        }
        assertThat(slots.inUse()).isZero();
        assertThat(app.get("/api/metrics?groupBy=provider").status()).isEqualTo(200);
    }

    /** A read slot setting out of range stops the start naming it (ApiConfiguration.configure reads it first). */
    @Test
    void badReadSlotSettingsNameTheSetting() {
        for (String[] bad : new String[][] {{"sightline.api.read-slots", "0"}, {"sightline.api.read-slots", "two"},
                {"sightline.api.read-wait", "-5s"}, {"sightline.api.read-wait", "soon"}}) {
            Config config = new Config(k -> k.equals(bad[0]) ? Optional.of(bad[1]) : Optional.empty());
            assertThatThrownBy(() -> ApiConfiguration.newReadSlots(config)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad[0] + "=" + bad[1]);
        }
        assertThat(ApiConfiguration.newReadSlots(new Config(k -> Optional.empty())).free())
                .isEqualTo(Runtime.getRuntime().availableProcessors() + 1);
    }

    @Test
    void unknownRunIs404() {
        assertError(app.get("/api/runs/987654"), 404, null);
        assertError(app.get("/api/runs/987654/cells"), 404, null);
        assertError(app.post("/api/runs/987654/cancel", null), 404, null);
        assertError(app.get("/api/runs/abc"), 400, "id");
    }

    @Test
    void malformedJsonIs400NamingTheProblem() {
        var r = app.post("/api/runs", "{\"providers\": [");
        assertError(r, 400, null);
        assertThat(r.json().get("error").get("message").asText()).startsWith("malformed JSON");
        assertError(app.post("/api/runs", "[1,2]"), 400, null);
        assertError(app.post("/api/runs", "{\"provider\":[\"openai\"]}"), 400, "provider");
        assertError(app.post("/api/runs", "{\"samples\":\"two\"}"), 400, "samples");
        assertError(app.post("/api/runs", "{\"samples\":0}"), 400, "samples");
        assertError(app.post("/api/runs", "{\"providers\":\"openai\"}"), 400, "providers");
    }

    @Test
    void unknownProviderOrTagIs400() {
        var p = app.post("/api/runs", "{\"providers\":[\"openai\",\"nope\"]}");
        assertError(p, 400, "providers");
        assertThat(p.json().get("error").get("message").asText()).contains("nope");
        assertError(app.post("/api/runs", "{\"promptTags\":[\"topic:nothing\"]}"), 400, "promptTags");
        assertThat(app.count("SELECT count(*) FROM run")).isZero();
    }

    @Test
    void badQueryParametersAre400() {
        assertError(app.get("/api/runs?status=done"), 400, "status");
        assertError(app.get("/api/runs?from=2026-13-01"), 400, "from");
        assertError(app.get("/api/runs?limit=0"), 400, "limit");
        assertError(app.get("/api/runs?from=2026-11-10&to=2026-11-01"), 400, "to");
    }

    @Test
    void missingOrWrongTokenIs401() {
        assertError(app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs")).GET(), null), 401,
                "Authorization");
        assertError(app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs")).GET(), "wrong-token"),
                401, "Authorization");
        var health = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/health")).GET(), null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("up");
    }

    /**
     * Errors from below the API's routes (the router, the HTTP decoder, the body handler) are the same JSON error
     * with the right status, and cost at most one log line without a stack trace.
     */
    @Test
    void everyLayersErrorsAreJsonWithTheRightStatus() throws Exception {
        String auth = "Authorization: Bearer " + TestApp.TOKEN + "\r\n";
        String close = "Host: sightline\r\nConnection: close\r\n";
        Object[][] cases = {
                {"GET /api/nope HTTP/1.1\r\n" + close + auth + "\r\n", 404, "not_found"},
                {"GET /elsewhere HTTP/1.1\r\n" + close + "\r\n", 404, "not_found"},
                {"PUT /api/runs HTTP/1.1\r\n" + close + auth + "Content-Length: 0\r\n\r\n", 405, "method_not_allowed"},
                {"POST /api/runs HTTP/1.1\r\n" + close + auth + "Content-Type: application/json\r\nContent-Length: "
                        + 1_100_000 + "\r\n\r\n" + "[" + " ".repeat(1_099_998) + "]", 413, "payload_too_large"},
                {"GET /api/" + "a".repeat(5000) + " HTTP/1.1\r\n" + close + "\r\n", 414, "uri_too_long"},
                {"GET /api/health HTTP/1.1\r\n" + close + "X-Big: " + "b".repeat(10_000) + "\r\n\r\n", 431,
                        "headers_too_large"},
                {"NOT AN HTTP REQUEST\r\n\r\n", 400, "invalid_request"},
                {"GET /api/runs?status=%zz HTTP/1.1\r\n" + close + auth + "\r\n", 400, "invalid_request"},
                {"GET /api/health HTTP/1.1\r\n" + close + "Content-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 3\r\n\r\nx=1", 400, "invalid_request"},
                {"POST /api/runs HTTP/1.1\r\n" + close + auth + "Content-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 14\r\n\r\nsamples=2&id=1", 415, "unsupported_media_type"},
        };
        long runs = app.count("SELECT count(*) FROM run");
        try (LogCapture logs = LogCapture.root()) {
            for (Object[] c : cases) {
                String request = (String) c[0];
                String what = request.substring(0, Math.min(60, request.indexOf('\r')));
                int before = logs.size();
                TestApp.Raw r = app.raw(request);
                assertThat(r.status()).as(what).isEqualTo(c[1]);
                assertThat(r.head()).as(what).containsIgnoringCase("content-type: application/json");
                var error = r.json().get("error");
                assertThat(error.get("status").asInt()).as(what).isEqualTo(c[1]);
                assertThat(error.get("code").asText()).as(what).isEqualTo(c[2]);
                assertThat(error.get("message").asText()).as(what).isNotBlank();
                assertThat(r.body()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
                assertThat(logs.lines().subList(before, logs.size())).as(what).hasSizeLessThanOrEqualTo(1)
                        .noneMatch(l -> l.contains("\tat ") || l.contains("Exception"));
            }
        }
        assertThat(app.count("SELECT count(*) FROM run")).isEqualTo(runs);
    }

    @Test
    void cancellingAFinishedRunIs409() {
        long id = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
        app.awaitRun(id, Duration.ofSeconds(30));
        assertError(app.post("/api/runs/" + id + "/cancel", null), 409, null);
    }

    @Test
    void aWorkspaceWithoutActivePromptsIs422() throws Exception {
        Path empty = Files.createTempFile("empty-workspace", ".yaml");
        Files.writeString(empty, """
                workspace: {slug: empty, name: Empty}
                brand: {name: Acme}
                prompts: []
                """);
        try (TestApp other = TestApp.start("api_errors_empty", Map.of("sightline.workspace.file", empty.toString()))) {
            assertError(other.post("/api/runs", "{}"), 422, null);
            assertThat(other.post("/api/runs", "{}").json().get("error").get("code").asText()).isEqualTo("no_active_prompts");
        }
    }
}
