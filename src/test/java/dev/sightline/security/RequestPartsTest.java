package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * Each part of a request means only itself: the bearer token counts only in the {@code Authorization} header (not
 * as a query parameter or form field), a path parameter is never replaced by a query parameter of the same name
 * (on every endpoint that has one), and a NUL, an unpaired surrogate or invalid UTF-8 in a path or query
 * parameter, a header or the body is refused with 400 naming it, and nothing is stored.
 */
class RequestPartsTest {

    static TestApp app;
    static long runA;
    static long runB;

    @BeforeAll
    static void start() {
        app = TestApp.start("request_parts", Map.of());
        runA = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
        runB = app.startRun("{\"providers\":[\"gemini\"],\"promptTags\":[\"topic:pricing\"]}");
        app.awaitRun(runA, Duration.ofSeconds(60));
        app.awaitRun(runB, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static TestApp.Raw raw(String request) {
        return app.raw(request);
    }

    static TestApp.Reply send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + path));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return app.send(b, TestApp.TOKEN);
    }

    @Test
    void theTokenCountsOnlyInTheAuthorizationHeader() throws Exception {
        String token = "Bearer%20" + TestApp.TOKEN;
        for (String query : new String[] {"authorization=" + token, "Authorization=" + token}) {
            TestApp.Reply r = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs?" + query)).GET(),
                    null);
            assertThat(r.status()).as(query).isEqualTo(401);
        }
        String form = "Authorization=Bearer+" + TestApp.TOKEN;
        TestApp.Raw formAuth = raw("POST /api/tokens HTTP/1.1\r\nHost: s\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n" + form);
        assertThat(formAuth.status()).isIn(401, 415);
        assertThat(app.count("SELECT count(*) FROM api_token WHERE name = 'api'")).isZero();

        TestApp.Raw lower = raw("GET /api/runs HTTP/1.1\r\nHost: s\r\nConnection: close\r\nauthorization: Bearer "
                + TestApp.TOKEN + "\r\n\r\n");
        assertThat(lower.status()).isEqualTo(200);
    }

    /** Every endpoint with a path parameter, asked with the same name in the query pointing somewhere else. */
    @Test
    void pathParametersAreNeverReplacedByQueryParameters() {
        long cellOfA = app.count("SELECT min(id) FROM cell WHERE run_id = ?", runA);
        long cellOfB = app.count("SELECT min(id) FROM cell WHERE run_id = ?", runB);

        JsonNode run = send("GET", "/api/runs/" + runA + "?id=" + runB, null).json();
        assertThat(run.get("id").asLong()).isEqualTo(runA);
        assertThat(send("GET", "/api/runs/999999?id=" + runA, null).status()).isEqualTo(404);
        assertThat(send("GET", "/api/runs/999999/cells?id=" + runA, null).status()).isEqualTo(404);
        assertThat(send("GET", "/api/runs/" + runA + "/cells?id=" + runB, null).json().get("runId").asLong())
                .isEqualTo(runA);
        assertThat(send("GET", "/api/runs/" + runA + "/cells/999999?cellId=" + cellOfA, null).status()).isEqualTo(404);
        assertThat(send("GET", "/api/runs/999999/cells/" + cellOfB + "?id=" + runB, null).status()).isEqualTo(404);
        assertThat(send("GET", "/api/runs/" + runA + "/cells/" + cellOfA + "?id=" + runB + "&cellId=" + cellOfB, null)
                .json().get("cellId").asLong()).isEqualTo(cellOfA);
        assertThat(send("GET", "/api/runs/999999/report?id=" + runA, null).status()).isEqualTo(404);
        assertThat(send("POST", "/api/runs/999999/reanalyze?id=" + runA, null).status()).isEqualTo(404);
        assertThat(send("POST", "/api/runs/999999/cancel?id=" + runA, null).status()).isEqualTo(404);

        TestApp.Reply created = send("POST", "/api/tokens", "{\"name\":\"victim\"}");
        long victim = created.json().get("id").asLong();
        String victimToken = created.json().get("token").asText();
        assertThat(send("DELETE", "/api/tokens/999999?id=" + victim, null).status()).isEqualTo(404);
        assertThat(app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs")).GET(), victimToken)
                .status()).isEqualTo(200);
    }

    @Test
    void nulSurrogatesAndInvalidUtf8AreRefusedNamingWhereTheyAre() throws Exception {
        long runs = app.count("SELECT count(*) FROM run");
        long tokens = app.count("SELECT count(*) FROM api_token");
        String auth = "Authorization: Bearer " + TestApp.TOKEN + "\r\n";
        String head = "Host: s\r\nConnection: close\r\n" + auth;
        Object[][] cases = {
                {"GET /api/runs?status=run%00ning HTTP/1.1\r\n" + head + "\r\n", "status"},
                {"GET /api/metrics?entity=Pipe%00drive HTTP/1.1\r\n" + head + "\r\n", "entity"},
                {"GET /api/metrics?entity=Pipe%C3%28drive HTTP/1.1\r\n" + head + "\r\n", "entity"},
                {"GET /api/metrics?entity=%ED%A0%80 HTTP/1.1\r\n" + head + "\r\n", "entity"},
                {"GET /api/runs/" + runA + "%00 HTTP/1.1\r\n" + head + "\r\n", "id"},
                {"GET /api/runs/%C3%28 HTTP/1.1\r\n" + head + "\r\n", "id"},
                {"POST /api/runs HTTP/1.1\r\n" + head + "Idempotency-Key: a\u00c3\u0028b\r\nContent-Length: 0\r\n\r\n",
                        "Idempotency-Key"},
        };
        for (Object[] c : cases) {
            TestApp.Raw r = raw((String) c[0]);
            String what = ((String) c[0]).substring(0, ((String) c[0]).indexOf('\r'));
            assertThat(r.status()).as(what).isEqualTo(400);
            assertThat(r.json().get("error").path("field").asText()).as(what + " " + r.body()).isEqualTo(c[1]);
        }
        // NUL in a header is refused by the HTTP decoder already, before the header has a name to give
        TestApp.Raw nulHeader = raw("POST /api/runs HTTP/1.1\r\n" + head + "Idempotency-Key: a\u0000b\r\n"
                + "Content-Length: 0\r\n\r\n");
        assertThat(nulHeader.status()).isEqualTo(400);
        assertThat(nulHeader.json().get("error").get("message").asText()).contains("NUL").doesNotContain("a\u0000b");

        Object[][] bodies = {
                {"/api/runs", "{\"providers\":[\"open\\u0000ai\"]}".getBytes(StandardCharsets.UTF_8), "providers[0]"},
                {"/api/runs", "{\"promptTags\":[\"topic:\\ud800\"]}".getBytes(StandardCharsets.UTF_8), "promptTags[0]"},
                {"/api/tokens", "{\"name\":\"x\\udc00y\"}".getBytes(StandardCharsets.UTF_8), "name"},
                {"/api/tokens", utf8With("{\"name\":\"ab", new byte[] {(byte) 0xC3, 0x28}, "\"}"), "name"},
                {"/api/analyze", utf8With("{\"brand\":{\"name\":\"Acme\"},\"text\":\"Acme ", new byte[] {(byte) 0xFF},
                        " is fine\"}"), "text"},
                {"/api/analyze", "{\"brand\":{\"name\":\"Ac\\u0000me\"},\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
                        "brand.name"},
        };
        for (Object[] b : bodies) {
            TestApp.Reply r = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + b[0]))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray((byte[]) b[1])), TestApp.TOKEN);
            assertThat(r.status()).as(b[2] + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("error").get("field").asText()).as(r.body()).isEqualTo(b[2]);
        }
        assertThat(app.count("SELECT count(*) FROM run")).isEqualTo(runs);
        assertThat(app.count("SELECT count(*) FROM api_token")).isEqualTo(tokens);
    }

    static byte[] utf8With(String before, byte[] raw, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + raw.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(raw, 0, out, a.length, raw.length);
        System.arraycopy(c, 0, out, a.length + raw.length, c.length);
        return out;
    }
}
