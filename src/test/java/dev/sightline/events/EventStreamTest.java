package dev.sightline.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.SseClient;
import dev.sightline.testing.SseClient.Frame;
import dev.sightline.testing.TestApp;

/**
 * Server-sent events over HTTP against the real application: events arrive while a run goes on, progress is
 * throttled, run.completed carries the report's headline, resumption with Last-Event-ID misses nothing and repeats
 * nothing, and bad input is refused before a stream opens.
 */
class EventStreamTest {

    static TestApp app;

    /** Slow enough that a run lasts a few seconds: 28 prompts x 4 providers, 2 consumers each, ~300 ms a call. */
    static Map<String, String> slow() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sightline.simulator.latency-median", "300ms");
        m.put("sightline.simulator.latency-p99", "400ms");
        m.put("sightline.dispatch.consumers", "2");
        return m;
    }

    @BeforeAll
    static void start() {
        app = TestApp.start("events", slow());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + TestApp.TOKEN);
    }

    @Test
    void eventsArriveWhileTheRunGoesOn() {
        try (SseClient all = SseClient.open(app.baseUrl() + "/api/events", bearer())) {
            assertThat(all.status()).isEqualTo(200);
            assertThat(all.header("Content-Type")).startsWith("text/event-stream");
            long id = app.startRun("{}");
            try (SseClient one = SseClient.open(app.baseUrl() + "/api/runs/" + id + "/events", bearer())) {
                assertThat(one.status()).isEqualTo(200);

                Frame created = all.await("run.created", Duration.ofSeconds(10),
                        f -> "run.created".equals(f.event()) && f.json().get("runId").asLong() == id);
                assertThat(created.json().get("cellsTotal").asInt()).isEqualTo(112);
                Frame progress = one.await("a run.progress", Duration.ofSeconds(20),
                        f -> "run.progress".equals(f.event()) && f.json().get("percent").asDouble() > 0);
                // the run is still going when its progress arrives
                assertThat(app.get("/api/runs/" + id).json().get("status").asText()).isEqualTo("running");
                JsonNode p = progress.json();
                assertThat(p.get("percent").asDouble()).isLessThan(100.0);
                assertThat(p.get("cellsTotal").asInt()).isEqualTo(112);
                assertThat(p.get("counts").get("pending").asInt() + p.get("counts").get("leased").asInt()
                        + p.get("counts").get("succeeded").asInt() + p.get("counts").get("failed").asInt()
                        + p.get("counts").get("cancelled").asInt()).isEqualTo(112);
                assertThat(p.get("byProvider").size()).isEqualTo(4);
                assertThat(p.has("estimatedCompletion")).isTrue();
                assertThat(p.has("tokensIn") && p.has("tokensOut") && p.has("costUsd")).isTrue();

                Frame done = one.await("run.completed", Duration.ofSeconds(60), f -> "run.completed".equals(f.event()));
                JsonNode completed = done.json();
                assertThat(completed.get("status").asText()).isEqualTo("completed");
                assertThat(completed.get("counts").get("succeeded").asInt()).isEqualTo(112);
                JsonNode headline = completed.get("headline");
                assertThat(headline.get("brand").asText()).isEqualTo("Pipedrive");
                assertThat(headline.get("n").asInt()).isEqualTo(112);
                assertThat(headline.get("visibility").asDouble()).isBetween(0.0, 1.0);
                assertThat(headline.get("providers")).hasSize(4);
                assertThat(headline.get("providers").get(0).has("shareOfVoice")).isTrue();
                assertThat(headline.get("providers").get(0).has("avgRank")).isTrue();
                all.await("run.completed on the workspace stream", Duration.ofSeconds(10),
                        f -> "run.completed".equals(f.event()) && f.json().get("runId").asLong() == id);

                // every cell once, in batches
                for (SseClient c : List.of(all, one)) {
                    List<Long> cells = new ArrayList<>();
                    for (Frame f : c.events("cell.finished")) {
                        if (f.json().get("runId").asLong() == id) {
                            f.json().get("cells").forEach(x -> cells.add(x.get("cellId").asLong()));
                        }
                    }
                    assertThat(cells).hasSize(112).doesNotHaveDuplicates();
                }
                // the run's stream shows only the run; every frame has an id; progress at most twice a second and
                // with the id of the frame before it
                long last = 0;
                String previousId = null;
                for (Frame f : one.frames()) {
                    assertThat(f.id()).isNotNull();
                    if (f.event() != null) {
                        assertThat(f.json().get("runId").asLong()).isEqualTo(id);
                    }
                    if ("run.progress".equals(f.event())) {
                        // sent at least 500 ms apart; what the network and a busy machine do to that is allowed
                        if (last != 0) {
                            assertThat(f.receivedNanos() - last).isGreaterThan(250_000_000L);
                        }
                        last = f.receivedNanos();
                        assertThat(f.id()).isEqualTo(previousId);
                    }
                    previousId = f.id();
                }
                List<Frame> progressed = one.events("run.progress");
                assertThat(progressed.size()).isGreaterThan(1);
                double seconds = (progressed.get(progressed.size() - 1).receivedNanos()
                        - progressed.get(0).receivedNanos()) / 1e9;
                assertThat(progressed.size()).as("at most two a second over %.1f s", seconds)
                        .isLessThanOrEqualTo((int) Math.floor(seconds * 2) + 2);
            }
        }
    }

    @Test
    void resumingAfterARestartMissesNothingAndRepeatsNothing() throws Exception {
        TestApp node = TestApp.start("events-restart", slow());
        String db = node.jdbcUrl();
        long ws = node.count("SELECT id FROM workspace ORDER BY id LIMIT 1");
        List<Frame> seen = new ArrayList<>();
        String start;
        long runId;
        try (SseClient first = SseClient.open(node.baseUrl() + "/api/events", bearer())) {
            assertThat(first.status()).isEqualTo(200);
            start = first.await("the stream's start", Duration.ofSeconds(10), f -> f.event() == null).id();
            runId = node.startRun("{}");
            first.await("some cells", Duration.ofSeconds(30), f -> "cell.finished".equals(f.event()));
            seen.addAll(first.frames());
        }
        node.close(); // mid-run: the next node finishes it
        String resumeAt = seen.get(seen.size() - 1).id();

        TestApp next = TestApp.start(db, slow(), true);
        try (SseClient resumed = SseClient.open(next.baseUrl() + "/api/events",
                Map.of("Authorization", "Bearer " + TestApp.TOKEN, "Last-Event-ID", resumeAt))) {
            assertThat(resumed.status()).isEqualTo(200);
            resumed.await("run.completed", Duration.ofSeconds(90),
                    f -> "run.completed".equals(f.event()) && f.json().get("runId").asLong() == runId);
            seen.addAll(resumed.frames());
        } finally {
            next.close();
        }

        List<String> stored = storedIdsAfter(db, ws, start);
        List<String> delivered = seen.stream().filter(f -> f.event() != null && !"run.progress".equals(f.event()))
                .map(Frame::id).toList();
        assertThat(delivered).containsExactlyElementsOf(stored);
        Set<Long> cells = new HashSet<>();
        int n = 0;
        for (Frame f : seen) {
            if ("cell.finished".equals(f.event())) {
                for (JsonNode c : f.json().get("cells")) {
                    cells.add(c.get("cellId").asLong());
                    n++;
                }
            }
        }
        assertThat(cells).hasSize(112);
        assertThat(n).isEqualTo(112);
    }

    /** The workspace's events after a position, in commit order, as the database has them. */
    static List<String> storedIdsAfter(String db, long ws, String after) throws SQLException {
        String[] p = after.split("-");
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db);
             var ps = c.prepareStatement("SELECT txid::text || '-' || id FROM event WHERE workspace_id = ? "
                     + "AND (txid, id) > (?::text::xid8, ?) ORDER BY txid, id")) {
            ps.setLong(1, ws);
            ps.setString(2, p[0]);
            ps.setLong(3, Long.parseLong(p[1]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    @Test
    void badInputIsRefusedBeforeTheStreamOpens() {
        TestApp.Reply unknown = get("/api/runs/999999/events", bearer());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").get("code").asText()).isEqualTo("not_found");

        TestApp.Reply garbage = get("/api/events", Map.of("Authorization", "Bearer " + TestApp.TOKEN,
                "Last-Event-ID", "yesterday"));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get("error").get("field").asText()).isEqualTo("Last-Event-ID");
        TestApp.Reply future = get("/api/events", Map.of("Authorization", "Bearer " + TestApp.TOKEN,
                "Last-Event-ID", "999999999999-1"));
        assertThat(future.status()).isEqualTo(400);
        assertThat(future.json().get("error").get("message").asText()).contains("not an event id of this server");

        assertThat(get("/api/events", Map.of()).status()).isEqualTo(401);
        assertThat(get("/api/events", Map.of("Authorization", "Bearer not-a-token-0123456789")).status())
                .isEqualTo(401);
        // a token in the URL is never taken, by the streams or by any other endpoint
        assertThat(get("/api/events?Authorization=Bearer%20" + TestApp.TOKEN, Map.of()).status()).isEqualTo(401);
        assertThat(get("/api/runs?Authorization=Bearer%20" + TestApp.TOKEN, Map.of()).status()).isEqualTo(401);
    }

    @Test
    void aTicketOpensOneStreamOnceWithinItsLifetime() {
        TestApp.Reply t = app.post("/api/events/tickets", null);
        assertThat(t.status()).isEqualTo(201);
        String ticket = t.json().get("ticket").asText();
        assertThat(t.json().get("expiresInSeconds").asInt()).isEqualTo(30);
        assertThat(app.count("SELECT count(*) FROM event_ticket WHERE hash = ?", ticket)).isZero();

        try (SseClient s = SseClient.open(app.baseUrl() + "/api/events?ticket=" + ticket, Map.of())) {
            assertThat(s.status()).isEqualTo(200);
            s.await("the stream's start", Duration.ofSeconds(10), f -> f.id() != null);
        }
        TestApp.Reply again = get("/api/events?ticket=" + ticket, Map.of());
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.json().get("error").get("field").asText()).isEqualTo("ticket");
        assertThat(again.json().get("error").get("message").asText()).contains("already used");

        String late = app.post("/api/events/tickets", null).json().get("ticket").asText();
        app.sql("UPDATE event_ticket SET expires_at = now() - interval '1 second' WHERE used_at IS NULL");
        TestApp.Reply expired = get("/api/events?ticket=" + late, Map.of());
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("error").get("message").asText()).contains("expired");

        assertThat(get("/api/events?ticket=tk_made_up", Map.of()).status()).isEqualTo(401);
        // and a ticket only opens streams, it is no token
        String spare = app.post("/api/events/tickets", null).json().get("ticket").asText();
        assertThat(app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs?ticket=" + spare)).GET(),
                null).status()).isEqualTo(401);
    }

    @Test
    void revokingATokenClosesItsOpenStreamsAndNoOneElses() {
        var created = app.post("/api/tokens", "{\"name\":\"leaked\"}");
        assertThat(created.status()).isEqualTo(201);
        String leaked = created.json().get("token").asText();
        long id = created.json().get("id").asLong();
        String ticket = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/events/tickets"))
                .POST(HttpRequest.BodyPublishers.noBody()), leaked).json().get("ticket").asText();
        String unused = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/events/tickets"))
                .POST(HttpRequest.BodyPublishers.noBody()), leaked).json().get("ticket").asText();
        try (SseClient byToken = SseClient.open(app.baseUrl() + "/api/events",
                     Map.of("Authorization", "Bearer " + leaked));
             SseClient byTicket = SseClient.open(app.baseUrl() + "/api/events?ticket=" + ticket, Map.of());
             SseClient other = SseClient.open(app.baseUrl() + "/api/events", bearer())) {
            for (SseClient s : List.of(byToken, byTicket, other)) {
                assertThat(s.status()).isEqualTo(200);
                s.await("the stream's start", Duration.ofSeconds(10), f -> f.id() != null);
            }
            assertThat(app.delete("/api/tokens/" + id).status()).isEqualTo(204);
            TestApp.await("the revoked token's streams to close", Duration.ofSeconds(20),
                    () -> byToken.ended() && byTicket.ended());
            assertThat(other.ended()).as("a stream of another token").isFalse();
        }
        // a ticket the token asked for before it was revoked opens nothing
        TestApp.Reply late = get("/api/events?ticket=" + unused, Map.of());
        assertThat(late.status()).isEqualTo(401);
        assertThat(late.json().get("error").get("message").asText()).contains("revoked");
    }

    private static TestApp.Reply get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).GET();
        headers.forEach(b::header);
        return app.send(b, null);
    }
}
