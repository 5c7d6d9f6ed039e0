package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/**
 * SIGTERM in the middle of a run. The node is set up so that at that moment some of its claimed cells are being
 * called (2 s answers) and others wait at its throttle (2 requests per minute per provider): claimed, not started.
 * It stops claiming, returns the waiting cells to pending without spending their attempt, lets the calls in
 * flight finish and stores them, and exits holding no lease. Another node then finishes the run: every cell was
 * called exactly once and attempted exactly once.
 */
class GracefulShutdownTest {

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("graceful", TestPostgres.newDatabase("graceful"), 10, false,
                Map.of("sightline.simulator.latency-median", "2s", "sightline.simulator.latency-p99", "2s"), Map.of());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void sigtermReleasesUnstartedCellsFinishesCallsInFlightAndAnotherNodeCompletesTheRun() {
        Node leaving = cluster.node("node-leaving", Map.of(
                "sightline.dispatch.consumers", "4",
                "sightline.providers.openai.requests-per-minute", "2",
                "sightline.providers.anthropic.requests-per-minute", "2",
                "sightline.shutdown.grace", "10s"));
        long runId = leaving.startRun("{}");
        long total = cluster.count("SELECT cells_total FROM run WHERE id = ?", runId);
        assertThat(total).isEqualTo(20);
        TestApp.await("calls in flight and cells waiting at the throttle", Duration.ofSeconds(20), () ->
                cluster.simulator().requestsPerCell().size() >= 4
                        && cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND lease_owner = 'node-leaving'",
                        runId) >= 8);
        leaving.terminate();
        leaving.awaitExit(Duration.ofSeconds(30));

        String stopping = leaving.awaitLog("Stopping dispatch: ", Duration.ofSeconds(1));
        Matcher m = Pattern.compile("(\\d+) unstarted cells returned to pending, waiting up to \\d+ s for (\\d+) calls in flight")
                .matcher(stopping);
        assertThat(m.find()).as(stopping).isTrue();
        int released = Integer.parseInt(m.group(1));
        int inFlight = Integer.parseInt(m.group(2));
        assertThat(released).as("cells returned unstarted").isGreaterThanOrEqualTo(2);
        assertThat(inFlight).as("calls in flight at SIGTERM").isGreaterThanOrEqualTo(2);
        assertThat(leaving.logLines("still in flight after the grace period")).isEmpty();

        // it holds nothing: no lease is left to expire
        assertThat(cluster.count("SELECT count(*) FROM cell WHERE lease_owner = 'node-leaving'")).isZero();
        assertThat(cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'leased'", runId)).isZero();
        // every call it made was stored: the calls in flight finished within the grace
        Map<Long, Integer> calls = cluster.simulator().requestsPerCell();
        assertThat(cluster.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?",
                runId)).isEqualTo(calls.size()).isGreaterThanOrEqualTo(inFlight);
        // the returned cells are pending again with their attempt given back
        List<Long> returned = cluster.ids("""
                SELECT id FROM cell WHERE run_id = ? AND status = 'pending'
                   AND last_error = 'node node-leaving shut down before calling'""", runId);
        assertThat(returned).hasSize(released);
        Map<Long, Integer> attempts = cluster.attempts(runId);
        returned.forEach(id -> assertThat(attempts.get(id)).as("attempts of returned cell %d", id).isZero());
        assertThat(cluster.runStatus(runId)).isEqualTo("running");
        cluster.assertInvariants();

        cluster.node("node-staying");
        assertThat(cluster.awaitRun(runId, Duration.ofSeconds(60))).isEqualTo("completed");
        cluster.assertOneResponsePerCell(runId);
        Map<Long, Integer> finalCalls = cluster.simulator().requestsPerCell();
        cluster.attempts(runId).forEach((id, n) -> {
            assertThat(n).as("attempts of cell %d", id).isEqualTo(1);
            assertThat(finalCalls.get(id)).as("calls of cell %d", id).isEqualTo(1);
        });
        cluster.assertInvariants();
    }
}
