package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestPostgres;

/**
 * One prompt the simulator can never answer (HTTP 500 every time) among ten good ones. Its cells fail with the
 * provider's reason after exactly sightline.retry.max-attempts calls; the other cells are not held up: with one
 * consumer per provider, every good cell is stored before the poison cell's last attempt, and the run ends
 * completed_with_failures.
 */
class PoisonCellTest {

    static final int MAX_ATTEMPTS = 3;
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("poison", TestPostgres.newDatabase("poison"), 10, true,
                Map.of("sightline.simulator.latency-median", "100ms", "sightline.simulator.latency-p99", "300ms"),
                Map.of("sightline.retry.max-attempts", Integer.toString(MAX_ATTEMPTS),
                        "sightline.dispatch.consumers", "1"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aCellThatAlwaysFailsEndsFailedAfterMaxAttemptsAndTheRestOfTheRunCompletes() {
        Node node = cluster.node("node-1");
        long runId = node.startRun("{}");
        assertThat(cluster.awaitRun(runId, Duration.ofSeconds(60))).isEqualTo("completed_with_failures");

        List<Long> poison = cluster.ids("""
                SELECT c.id FROM cell c JOIN prompt p ON p.id = c.prompt_id
                 WHERE c.run_id = ? AND p.text LIKE '%' || ? || '%' ORDER BY c.id""", runId, Cluster.POISON);
        assertThat(poison).hasSize(2);
        Map<Long, Integer> calls = cluster.simulator().requestsPerCell();
        Map<Long, Integer> attempts = cluster.attempts(runId);
        for (long id : poison) {
            assertThat(cluster.db().queryOne("SELECT status FROM cell WHERE id = ?", rs -> rs.getString(1), id))
                    .contains("failed");
            assertThat(cluster.db().queryOne("SELECT last_error FROM cell WHERE id = ?", rs -> rs.getString(1), id)
                    .orElse("")).as("reason of poison cell %d", id).startsWith("HTTP 500");
            assertThat(attempts.get(id)).isEqualTo(MAX_ATTEMPTS);
            assertThat(calls.get(id)).as("calls of poison cell %d", id).isEqualTo(MAX_ATTEMPTS);
        }
        assertThat(cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId))
                .isEqualTo(20);
        attempts.forEach((id, n) -> {
            if (!poison.contains(id)) {
                assertThat(n).as("attempts of cell %d", id).isEqualTo(1);
                assertThat(calls.get(id)).as("calls of cell %d", id).isEqualTo(1);
            }
        });
        // per provider, the last good answer was stored before the poison cell gave up: its retries waited their
        // backoff in the database instead of holding the provider's only consumer
        assertThat(cluster.count("""
                SELECT count(*) FROM cell bad
                 WHERE bad.id = ANY (?)
                   AND bad.updated_at > (SELECT max(good.updated_at) FROM cell good
                                          WHERE good.run_id = bad.run_id AND good.provider = bad.provider
                                            AND good.status = 'succeeded')""", poison)).isEqualTo(2);
        assertThat(cluster.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.id = ANY (?)",
                poison)).isZero();
        var run = node.get("/api/runs/" + runId).json();
        assertThat(run.get("counts").get("failed").asInt()).isEqualTo(2);
        assertThat(run.get("counts").get("succeeded").asInt()).isEqualTo(20);
        cluster.assertInvariants();
    }
}
