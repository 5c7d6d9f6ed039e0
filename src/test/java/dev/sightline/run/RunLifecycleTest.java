package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;
import dev.sightline.workspace.TokenService;
import dev.sightline.workspace.WorkspaceRepository;

/** What a user meets while runs go on: bounded rate limits, budgets per workspace, answers, incremental polling. */
class RunLifecycleTest {

    @Test
    void aProviderThatAlwaysAnswers429FailsItsCellsOnceTheBoundIsPassed() {
        try (TestApp app = TestApp.start("rate_limited_bound", Map.of(
                "sightline.simulator.kinds.openai-chat.rate-429", "1.0",
                "sightline.simulator.kinds.openai-chat.retry-after", "300ms",
                "sightline.retry.max-rate-limited", "2s"))) {
            long runId = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
            JsonNode run = app.awaitRun(runId, Duration.ofSeconds(30));
            assertThat(run.get("status").asText()).isEqualTo("completed_with_failures");
            assertThat(run.get("counts").get("failed").asInt()).isEqualTo(3);
            // rate limits spend no attempt; the reason names what happened
            assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND attempts = 0"
                    + " AND last_error LIKE 'rate_limited: HTTP 429%'", runId)).isEqualTo(3);
        }
    }

    @Test
    void oneWorkspacesSpendNeverPausesAnother() throws Exception {
        Path capped = Files.createTempFile("capped", ".yaml");
        Files.writeString(capped, """
                workspace: {slug: capped, name: Capped, category: CRM software}
                budget: {daily-usd: 0.02}
                brand: {name: Acme}
                competitors: [{name: HubSpot}]
                prompts:
                  - {text: "Which CRM is best for a bakery?", tags: [t]}
                  - {text: "Which CRM is best for a florist?", tags: [t]}
                  - {text: "Which CRM is best for a gym?", tags: [t]}
                  - {text: "Which CRM is best for a dentist?", tags: [t]}
                  - {text: "Which CRM is best for a law firm?", tags: [t]}
                  - {text: "Which CRM is best for a school?", tags: [t]}
                  - {text: "Which CRM is best for a garage?", tags: [t]}
                  - {text: "Which CRM is best for a hotel?", tags: [t]}
                """);
        try (TestApp app = TestApp.start("budget_per_workspace", Map.of(
                "sightline.workspace.file", "examples/demo.yaml," + capped,
                "sightline.providers.perplexity.consumers", "1",
                "sightline.simulator.latency-median", "50ms", "sightline.simulator.latency-p99", "50ms"))) {
            long cappedId = app.app().bean(WorkspaceRepository.class).findBySlug("capped").orElseThrow().id();
            String token = app.app().bean(TokenService.class).create(cappedId, "test").token();
            var created = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + "/api/runs"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"providers\":[\"perplexity\"],\"force\":true}")),
                    token);
            assertThat(created.status()).isEqualTo(202);
            long cappedRun = created.json().get("id").asLong();
            TestApp.await("the capped workspace's run to pause", Duration.ofSeconds(30), () -> app.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + "/api/runs/" + cappedRun)).GET(),
                    token).json().get("status").asText().equals("paused_budget"));
            // the default workspace has no cap: its run on the same provider goes on and completes
            long demoRun = app.startRun("{\"providers\":[\"perplexity\"],\"promptTags\":[\"topic:pricing\"]}");
            assertThat(app.awaitRun(demoRun, Duration.ofSeconds(30)).get("status").asText()).isEqualTo("completed");
            assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'pending'", cappedRun))
                    .isPositive();
            // refused before it starts in the capped workspace, naming where the cap comes from
            var refused = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + "/api/runs"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")), token);
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.json().get("error").get("message").asText()).contains("budget.daily-usd of the workspace file");
        }
    }

    /** The first evidence of the first mention of one answer, as GET /api/answers gives it. */
    private static JsonNode evidenceOf(TestApp app, long runId, long responseId) {
        for (JsonNode a : app.get("/api/answers?runId=" + runId + "&limit=100").json().get("answers")) {
            if (a.get("responseId").asLong() == responseId) {
                for (JsonNode m : a.get("analysis").get("mentions")) {
                    if (!m.get("evidence").isEmpty()) {
                        return m.get("evidence").get(0);
                    }
                }
            }
        }
        throw new AssertionError("no evidence for response " + responseId);
    }

    @Test
    void answersAreReadableWithTheirAnalysisAndEvidenceOffsets() {
        try (TestApp app = TestApp.start("answers_api", Map.of())) {
            long runId = app.startRun("{\"promptTags\":[\"topic:pricing\"]}");
            app.awaitRun(runId, Duration.ofSeconds(60));
            JsonNode page = app.get("/api/answers?runId=" + runId + "&limit=5").json();
            assertThat(page.get("answers")).hasSize(5);
            long nextAfter = page.get("nextAfter").asLong();
            JsonNode rest = app.get("/api/answers?runId=" + runId + "&limit=50&after=" + nextAfter).json();
            assertThat(rest.get("answers")).hasSize(12 - 5);
            assertThat(rest.get("nextAfter").isNull()).isTrue();
            int evidenceChecked = 0;
            for (JsonNode a : page.get("answers")) {
                assertThat(a.get("text").asText()).isNotBlank();
                assertThat(a.get("modelServed").asText()).isNotBlank();
                assertThat(a.get("latencyMs").asLong()).isNotNegative();
                assertThat(a.get("tokensIn").asLong()).isPositive();
                assertThat(a.get("attempts").asInt()).isEqualTo(1);
                assertThat(a.get("analysis").get("analyzerVersion").asText()).isNotBlank();
                for (JsonNode m : a.get("analysis").get("mentions")) {
                    for (JsonNode e : m.get("evidence")) {
                        String text = a.get("text").asText();
                        int start = e.get("start").asInt();
                        int end = e.get("end").asInt();
                        assertThat(start).isBetween(0, end);
                        assertThat(end).isLessThanOrEqualTo(text.length());
                        // the snippet is read from the stored text (the row keeps only offsets) and holds the mention
                        assertThat(e.get("snippet").asText()).contains(text.substring(start, end).strip());
                        evidenceChecked++;
                    }
                }
            }
            assertThat(evidenceChecked).isPositive();
            // stored as packed offsets only: the snippet is the answer's text, not a second copy of it
            assertThat(app.count("SELECT count(*) FROM mention WHERE evidence IS NOT NULL OR evidence_offsets IS NULL"))
                    .isZero();
            // the scores as thousandths in the mentions array (V32), none in an array of their own
            assertThat(app.count("SELECT count(*) FROM analysis WHERE mentions IS NOT NULL")).isPositive();
            assertThat(app.count("SELECT count(*) FROM analysis WHERE mention_scores IS NOT NULL"
                    + " OR array_length(mentions, 2) <> 7")).isZero();
            assertThat(app.count("SELECT count(*) FROM mention WHERE sentiment_score <> 0")).isPositive();
            long withEvidence = app.count("SELECT min(response_id) FROM mention WHERE evidence_offsets <> ''");
            JsonNode computed = evidenceOf(app, runId, withEvidence);
            // evidence stored with its snippet by an earlier version is served as stored
            app.count("WITH u AS (UPDATE analysis SET mention_offsets = NULL, mention_evidence = array_fill("
                    + "'[{\"start\": 0, \"end\": 4, \"snippet\": \"kept as stored\"}]'::jsonb,"
                    + " ARRAY[array_length(mentions, 1)]) WHERE response_id = ? RETURNING 1) SELECT count(*) FROM u",
                    withEvidence);
            JsonNode stored = evidenceOf(app, runId, withEvidence);
            assertThat(computed.get("snippet").asText()).isNotBlank();
            assertThat(stored.get("snippet").asText()).isEqualTo("kept as stored");
            JsonNode first = page.get("answers").get(0);
            JsonNode cell = app.get("/api/runs/" + runId + "/cells/" + first.get("cellId").asLong()).json();
            assertThat(cell.get("status").asText()).isEqualTo("succeeded");
            assertThat(cell.get("answer").get("responseId").asLong()).isEqualTo(first.get("responseId").asLong());
            assertThat(app.get("/api/runs/" + runId + "/cells/999999").status()).isEqualTo(404);
            assertThat(app.get("/api/answers?provider=nope").status()).isEqualTo(400);
            var csv = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl()
                    + "/api/answers?runId=" + runId + "&limit=100")).header("Accept", "text/csv").GET(), TestApp.TOKEN);
            assertThat(csv.body().split("\r\n")[0]).startsWith("responseId,cellId,runId,promptId,prompt,provider");
        }
    }

    /**
     * A poller that passes serverTime back as updatedSince must end with the server's view, whatever commits while
     * it polls: writers here hold their transactions open across polls, as a busy database does.
     */
    @Test
    void incrementalPollingMissesNoCommit() throws Exception {
        try (TestApp app = TestApp.start("polling", Map.of("sightline.dispatch.poll-interval", "1h"))) {
            long runId = app.planWithoutDispatch(List.of("openai", "anthropic"), List.of());
            List<Long> cells = new java.util.ArrayList<>();
            try (Connection c = DriverManager.getConnection(app.jdbcUrl()); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT id FROM cell WHERE run_id = " + runId)) {
                while (rs.next()) {
                    cells.add(rs.getLong(1));
                }
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = new java.util.ArrayList<>();
            for (int w = 0; w < 4; w++) {
                Thread t = new Thread(() -> {
                    try (Connection c = DriverManager.getConnection(app.jdbcUrl())) {
                        c.setAutoCommit(false);
                        int n = 0;
                        while (writing.get()) {
                            long id = cells.get(ThreadLocalRandom.current().nextInt(cells.size()));
                            try (var ps = c.prepareStatement(
                                    "UPDATE cell SET last_error = ?, updated_at = now() WHERE id = ?")) {
                                ps.setString(1, Thread.currentThread().getName() + "-" + n++);
                                ps.setLong(2, id);
                                ps.executeUpdate();
                            }
                            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 40)); // open across polls
                            c.commit();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "writer" + w);
                t.start();
                writers.add(t);
            }
            Map<Long, String> view = new HashMap<>();
            String since = null;
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                since = poll(app, runId, since, view);
            }
            writing.set(false);
            for (Thread t : writers) {
                t.join();
            }
            poll(app, runId, since, view);
            Map<Long, String> server = new LinkedHashMap<>();
            for (JsonNode c : app.get("/api/runs/" + runId + "/cells?limit=1000").json().get("cells")) {
                server.put(c.get("id").asLong(), c.get("lastError").asText(null));
            }
            Map<Long, String> stale = new LinkedHashMap<>();
            server.forEach((id, last) -> {
                if (last != null && !last.equals(view.get(id))) {
                    stale.put(id, view.get(id) + " instead of " + last);
                }
            });
            assertThat(stale).as("cells whose last change the poller missed").isEmpty();
        }
    }

    /** One round of incremental polling: every page since {@code since}; returns the next {@code updatedSince}. */
    private static String poll(TestApp app, long runId, String since, Map<Long, String> view) {
        String after = null;
        String next;
        do {
            String q = "/api/runs/" + runId + "/cells?limit=20" + (since == null ? "" : "&updatedSince=" + since)
                    + (after == null ? "" : "&after=" + after);
            JsonNode page = app.get(q).json();
            for (JsonNode c : page.get("cells")) {
                view.put(c.get("id").asLong(), c.get("lastError").asText(null));
            }
            next = page.get("serverTime").asText();
            after = page.get("nextAfter").isNull() ? null : page.get("nextAfter").asText();
            if (after == null) {
                return next;
            }
        } while (true);
    }

    @Test
    void anOpenAiCompatibleProviderWithoutKeyOrUrlIsSimulated() {
        try (TestApp app = TestApp.start("compatible_simulated", Map.of(
                "sightline.providers.local.kind", "openai-compatible",
                "sightline.providers.local.model", "llama3.2"))) {
            assertThat(app.get("/api/health").json().get("providers").get("local").get("simulated").asBoolean()).isTrue();
            long runId = app.startRun("{\"providers\":[\"local\"],\"promptTags\":[\"topic:pricing\"]}");
            assertThat(app.awaitRun(runId, Duration.ofSeconds(30)).get("status").asText()).isEqualTo("completed");
        }
    }
}
