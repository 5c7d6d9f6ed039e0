package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * A node claims a cell and dies: its lease expires, the rescuer returns the cell, this node runs it once, and
 * when the dead node's late completion arrives the lease-token fence rejects it.
 */
class LeaseFenceTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start("lease", Map.of("sightline.dispatch.poll-interval", "1h", "sightline.lease.duration", "2s"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void expiredLeaseIsRunOnceByAnotherNodeAndTheStaleCompletionIsRejected() {
                CellRepository cells = new CellRepository(app.app().bean(dev.sightline.store.Jdbc.class));
        long runId = app.planWithoutDispatch(List.of("openai"), List.of("topic:pricing"));

        List<CellClaim> dead = cells.claim("openai", 1, "dead-node", Duration.ofSeconds(2), new long[0]);
        assertThat(dead).hasSize(1);
        CellClaim stale = dead.get(0);
        app.dispatchNow();

        var run = app.awaitRun(runId, Duration.ofSeconds(30));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        long cellId = stale.cellId();
        assertThat(app.count("SELECT attempts FROM cell WHERE id = ?", cellId)).isEqualTo(2);
        assertThat(app.count("SELECT count(*) FROM response WHERE cell_id = ?", cellId)).isEqualTo(1);
        // the dead node never called; this node called once
        assertThat(app.app().bean(dev.sightline.simulator.Simulator.class).requestsPerCell().get(cellId)).isEqualTo(1);

        // the dead node wakes up with its old token: every write is refused, the winner's response stands
        assertThat(new GroupStore(cells).store(stale, new StoredAnswer("openai", "openai-chat", "gpt-4o-mini",
                "gpt-4o-mini", 200, "{}", "late", "[]", 1, 1, 0, java.math.BigDecimal.ZERO, 1, null, "stop")))
                .isEmpty();
        assertThat(cells.retryOrFail(stale, 6, Duration.ZERO, "late")).isNull();
        assertThat(cells.defer(stale, Duration.ZERO, "late")).isNull();
        assertThat(cells.fail(stale, "late")).isFalse();
        assertThat(app.count("SELECT count(*) FROM response WHERE cell_id = ?", cellId)).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM cell WHERE id = ? AND status = 'succeeded'", cellId)).isEqualTo(1);
    }

    @Test
    void leasesOfALiveNodeAreExtendedWhileItsCallsRun() {
                CellRepository cells = new CellRepository(app.app().bean(dev.sightline.store.Jdbc.class));
        long runId = app.planWithoutDispatch(List.of("gemini"), List.of("topic:pricing"));
        List<CellClaim> mine = cells.claim("gemini", 1, "slow-node", Duration.ofSeconds(2), new long[0]);
        var before = app.count("SELECT extract(epoch FROM lease_until) * 1000 FROM cell WHERE id = ?", mine.get(0).cellId());
        assertThat(cells.extend(mine, Duration.ofSeconds(30))).containsExactly(mine.get(0).cellId());
        var after = app.count("SELECT extract(epoch FROM lease_until) * 1000 FROM cell WHERE id = ?", mine.get(0).cellId());
        assertThat(after - before).isGreaterThan(20_000);
        // a stale token cannot extend
        CellClaim forged = new CellClaim(mine.get(0).cellId(), runId, 0, 0, "", "gemini", 1, 1, java.util.UUID.randomUUID());
        assertThat(cells.extend(List.of(forged), Duration.ofSeconds(30))).isEmpty();
        cells.release(mine, "test over");
        app.dispatchNow();
        assertThat(app.awaitRun(runId, Duration.ofSeconds(30)).get("status").asText()).isEqualTo("completed");
        assertThat(app.count("SELECT attempts FROM cell WHERE id = ?", mine.get(0).cellId())).isEqualTo(1);
    }
}
