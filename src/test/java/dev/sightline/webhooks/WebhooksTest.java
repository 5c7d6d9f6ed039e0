package dev.sightline.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * Webhooks end to end: two receivers on this machine (allow-private), one answering 204 and one answering 500 for
 * ever. Each run.completed reaches the good receiver once, signed as README says, with the run report's headline;
 * the failing receiver's delivery is retried with backoff and every attempt is listed with its response code, and
 * neither holds up the runs or the other receiver. The secrets appear in no API response and no database column.
 */
class WebhooksTest {

    static final String GOOD_SECRET = "whsec-GOOD-0123456789abcdef";
    static final String BAD_SECRET = "whsec-BAD-fedcba9876543210";
    static final ObjectMapper JSON = new ObjectMapper();

    record Received(String signature, String body) {
    }

    static HttpServer receiver;
    static final List<Received> good = new CopyOnWriteArrayList<>();
    static final AtomicInteger failing = new AtomicInteger();
    static TestApp app;

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/good", x -> {
            good.add(new Received(x.getRequestHeaders().getFirst("Sightline-Signature"),
                    new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        receiver.createContext("/hooks/failing", x -> {
            x.getRequestBody().readAllBytes();
            failing.incrementAndGet();
            x.sendResponseHeaders(500, -1);
            x.close();
        });
        receiver.start();
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Path file = Files.createTempFile("webhooks", ".yaml");
        Files.writeString(file, Files.readString(Path.of("examples/demo.yaml")) + """

                webhooks:
                  - url: %s/hooks/good?token=abc
                    secret: %s
                    events: [run.completed, alert.raised]
                  - url: %s/hooks/failing
                    secret: %s
                    events: [run.completed]
                """.formatted(base, GOOD_SECRET, base, BAD_SECRET));
        Map<String, String> settings = new HashMap<>();
        settings.put("sightline.workspace.file", file.toString());
        settings.put("sightline.webhooks.allow-private", "true");
        settings.put("sightline.webhooks.retry-base-delay", "200ms");
        settings.put("sightline.webhooks.retry-max-delay", "400ms");
        settings.put("sightline.webhooks.timeout", "2s");
        settings.put("sightline.providers.openai.requests-per-minute", "100000");
        app = TestApp.start("webhooks", settings);
    }

    @AfterAll
    static void stop() {
        app.close();
        receiver.stop(0);
    }

    static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void runCompletedIsSignedDeliveredAndRetriedWithoutBlockingAnything() throws Exception {
        long first = app.startRun("{\"providers\": [\"openai\"]}");
        app.awaitRun(first, Duration.ofSeconds(60));
        TestApp.await("the first run.completed at the good receiver", Duration.ofSeconds(20), () -> good.size() >= 1);
        TestApp.await("three attempts at the failing receiver", Duration.ofSeconds(20), () -> failing.get() >= 3);
        long second = app.startRun("{\"providers\": [\"openai\"]}");
        app.awaitRun(second, Duration.ofSeconds(60));
        TestApp.await("the second run.completed at the good receiver", Duration.ofSeconds(20),
                () -> good.size() >= 2);

        Received r = good.get(0);
        String[] parts = r.signature().split(",");
        assertThat(parts[0]).startsWith("t=");
        long t = Long.parseLong(parts[0].substring(2));
        assertThat(Math.abs(Instant.now().getEpochSecond() - t)).isLessThan(60);
        assertThat(parts[1]).isEqualTo("v1=" + hmac(GOOD_SECRET, t + "." + r.body()));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("id").asText()).matches("\\d+-\\d+");
        assertThat(body.get("type").asText()).isEqualTo("run.completed");
        assertThat(body.get("workspace").get("slug").asText()).isEqualTo("pipedrive-demo");
        JsonNode data = body.get("data");
        assertThat(data.get("runId").asLong()).isEqualTo(first);
        assertThat(data.get("status").asText()).isEqualTo("completed");
        JsonNode headline = data.get("headline");
        assertThat(headline.get("text").asText()).startsWith("Pipedrive was mentioned in ");
        assertThat(headline.get("n").asLong()).isEqualTo(28);
        assertThat(headline.get("providers").get(0).get("provider").asText()).isEqualTo("openai");
        // the event id is the one the event log gives the same event
        assertThat(body.get("id").asText()).isEqualTo(app.count("SELECT txid::text::bigint FROM event WHERE type = "
                + "'run.completed' AND run_id = ?", first) + "-" + app.count(
                "SELECT id FROM event WHERE type = 'run.completed' AND run_id = ?", first));

        JsonNode deliveries = app.get("/api/webhooks/deliveries").json().get("deliveries");
        JsonNode delivered = find(deliveries, first, "/hooks/good");
        assertThat(delivered.get("status").asText()).isEqualTo("delivered");
        assertThat(delivered.get("url").asText()).endsWith("/hooks/good?…");
        assertThat(delivered.get("attemptsMade").get(0).get("responseCode").asInt()).isEqualTo(204);
        JsonNode retried = find(deliveries, first, "/hooks/failing");
        assertThat(retried.get("status").asText()).isEqualTo("pending");
        assertThat(retried.get("lastResponseCode").asInt()).isEqualTo(500);
        assertThat(retried.get("attemptsMade").size()).isGreaterThanOrEqualTo(3);
        retried.get("attemptsMade").forEach(a -> {
            assertThat(a.get("outcome").asText()).isEqualTo("retry");
            assertThat(a.get("responseCode").asInt()).isEqualTo(500);
        });
        // the backoff grows: attempts are spread out, not fired as fast as the receiver answers
        assertThat(failing.get()).isLessThan(40);

        // each event reaches the good receiver once
        assertThat(good.stream().map(g -> g.body()).distinct().count()).isEqualTo(good.size());
        String everything = app.get("/api/webhooks/deliveries?limit=500").body();
        assertThat(everything).doesNotContain(GOOD_SECRET).doesNotContain(BAD_SECRET);
        assertThat(app.count("SELECT count(*) FROM webhook WHERE secret_fingerprint IN (?, ?)", GOOD_SECRET,
                BAD_SECRET)).isZero();
        assertThat(app.count("SELECT count(*) FROM webhook_delivery WHERE body LIKE ? OR body LIKE ?",
                "%" + GOOD_SECRET + "%", "%" + BAD_SECRET + "%")).isZero();
    }

    static JsonNode find(JsonNode deliveries, long runId, String path) {
        for (JsonNode d : deliveries) {
            if (d.get("url").asText().contains(path) && d.get("eventType").asText().equals("run.completed")
                    && app.count("SELECT run_id FROM event e JOIN webhook_delivery d ON d.event_id = e.id WHERE d.id = ?",
                    d.get("id").asLong()) == runId) {
                return d;
            }
        }
        throw new AssertionError("no delivery of run " + runId + " to " + path + ": " + deliveries);
    }
}
