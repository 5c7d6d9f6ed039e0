package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/**
 * A node dies (SIGKILL) or freezes (SIGSTOP) in the middle of a run shared with a survivor. Its leases expire
 * (3 s), the survivor's rescuer returns its cells and the survivor runs them; nothing is lost, nothing is stored
 * twice. A frozen node that wakes up finds its results refused by the lease-token fence.
 */
class CrashTest {

    static Cluster cluster;
    static Node survivor;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("crash", TestPostgres.newDatabase("crash"), 20, false, Map.of(), Map.of());
        survivor = cluster.node("node-a");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledNodesCellsAreRescuedAndFinishedByTheSurvivor() {
        latency(Duration.ofMillis(300), Duration.ofMillis(600));
        Node victim = cluster.node("node-killed");
        long runId = survivor.startRun("{\"samples\":2}");
        long total = cluster.count("SELECT cells_total FROM run WHERE id = ?", runId);
        awaitDb("the victim to hold leases mid-run", () -> cluster.count(
                "SELECT count(*) FROM cell WHERE run_id = ? AND lease_owner = 'node-killed'", runId) >= 3
                && cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId) >= 10);

        // the dead node's sessions are named after it (sightline.node.id): whatever statement one of them was
        // running when the process died still commits, so the cells it held are read once they are all gone
        String sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sightline node-killed'";
        assertThat(cluster.count(sessions)).as("the victim's database sessions").isPositive();
        victim.kill();
        awaitDb("the dead node's database sessions to end", () -> cluster.count(sessions) == 0);
        List<Long> orphaned = cluster.ids(
                "SELECT id FROM cell WHERE run_id = ? AND status = 'leased' AND lease_owner = 'node-killed'", runId);
        assertThat(orphaned).as("cells the dead node held").isNotEmpty();
        assertThat(cluster.runStatus(runId)).isEqualTo("running");

        assertThat(cluster.awaitRun(runId, Duration.ofSeconds(60))).isEqualTo("completed");
        survivor.awaitLog("Returned \\d+ cells with expired leases to the queue", Duration.ofSeconds(5));
        assertThat(cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId))
                .isEqualTo(total);
        cluster.assertOneResponsePerCell(runId);
        // the dead node's cells were run again: their attempt was spent, the call may have happened
        Map<Long, Integer> attempts = cluster.attempts(runId);
        orphaned.forEach(id -> assertThat(attempts.get(id)).as("attempts of orphaned cell %d", id).isGreaterThanOrEqualTo(2));
        // only those cells may have been called twice (at-least-once calls); every other cell exactly once
        Map<Long, Integer> calls = cluster.simulator().requestsPerCell();
        Map<Long, Integer> repeated = new TreeMap<>();
        attempts.keySet().forEach(id -> {
            int n = calls.getOrDefault(id, 0);
            assertThat(n).as("calls of cell %d", id).isPositive();
            if (n > 1) {
                repeated.put(id, n);
            }
        });
        assertThat(orphaned).containsAll(repeated.keySet());
        cluster.assertInvariants();
    }

    @Test
    void aFrozenNodesLateResultsAreRefusedByTheLeaseFence() {
        // slow enough answers that the frozen node has calls in flight near the end of the run
        latency(Duration.ofMillis(800), Duration.ofMillis(1200));
        Node sleeper = cluster.node("node-frozen");
        long runId = survivor.startRun("{\"samples\":1}");
        // freeze it when nothing is left to claim, so its cells are the next the survivor takes
        awaitDb("the run's last cells to be claimed, some by the node to freeze", () -> cluster.count(
                "SELECT count(*) FROM cell WHERE run_id = ? AND status = 'pending'", runId) == 0
                && cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND lease_owner = 'node-frozen'", runId) >= 1);

        sleeper.freeze();
        List<Long> stale = cluster.ids(
                "SELECT id FROM cell WHERE run_id = ? AND status = 'leased' AND lease_owner = 'node-frozen'", runId);
        assertThat(stale).isNotEmpty();
        // the survivor's calls for the rescued cells take long: they are still in flight when the sleeper wakes up
        latency(Duration.ofMillis(3000), Duration.ofMillis(3000));
        try {
            awaitDb("the survivor to take over a frozen node's cell", () -> cluster.count(
                    "SELECT count(*) FROM cell WHERE id = ANY (?) AND status = 'leased' AND lease_owner = 'node-a'",
                    stale) >= 1);
        } catch (AssertionError e) {
            // what the frozen node's cells and every session were doing: a frozen node can hold what others wait for
            throw new AssertionError(e.getMessage() + "; frozen node's cells: " + TestApp.rows(cluster.jdbcUrl(), """
                    SELECT id, status, lease_owner, attempts, lease_until - now(), next_attempt_at - now(), last_error
                      FROM cell WHERE id = ANY (?) ORDER BY id""", stale) + "; sessions: " + cluster.sessions()
                    + "; survivor's log:\n" + survivor.tail(40), e);
        }
        // the sleeper cannot write while frozen: these are held by the survivor when it wakes up
        List<Long> takenOver = cluster.ids(
                "SELECT id FROM cell WHERE id = ANY (?) AND status = 'leased' AND lease_owner = 'node-a'", stale);
        sleeper.thaw();

        // its results for those cells are refused. (A stale cell nobody took over yet is still the sleeper's: its
        // lease expired, but its token is the current one, so storing it is right.)
        for (long cell : takenOver) {
            sleeper.awaitLog("Result for cell " + cell + " dropped: lease \\S+ of node node-frozen is no longer valid",
                    Duration.ofSeconds(20));
        }
        latency(Duration.ofMillis(300), Duration.ofMillis(600));
        assertThat(cluster.awaitRun(runId, Duration.ofSeconds(60))).isEqualTo("completed");
        cluster.assertOneResponsePerCell(runId);
        // the stored answers of the cells taken over are the survivor's: from their last attempt, not the first
        assertThat(cluster.count("""
                SELECT count(*) FROM cell c JOIN response s ON s.cell_id = c.id
                 WHERE c.id = ANY (?) AND s.attempt = c.attempts AND c.attempts >= 2""", takenOver))
                .isEqualTo(takenOver.size());
        assertThat(sleeper.alive()).isTrue();
        cluster.assertInvariants();
    }

    private static void latency(Duration median, Duration p99) {
        cluster.latency(median, p99);
    }

    private static void awaitDb(String what, java.util.function.BooleanSupplier condition) {
        TestApp.await(what, Duration.ofSeconds(60), condition);
    }
}
