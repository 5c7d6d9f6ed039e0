package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.run.CellClaim;
import dev.sightline.run.CellRepository;
import dev.sightline.run.GroupStore;
import dev.sightline.run.StoredAnswer;
import dev.sightline.testing.TestApp;

/**
 * A node stores a response (the response and its analysis_queue entry commit together) and dies before its analysis
 * is written: the entry is in the database, the job was only in the dead node's memory. The run must still finish,
 * with that response analysed, without waiting for some node to restart.
 */
class OrphanedAnalysisTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start("orphaned_analysis", Map.of("sightline.dispatch.poll-interval", "1h", "sightline.lease.duration", "2s"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aResponseStoredByANodeThatDiedBeforeAnalysingItIsAnalysedAndTheRunFinishes() {
                CellRepository cells = new CellRepository(app.app().bean(dev.sightline.store.Jdbc.class));
        long runId = app.planWithoutDispatch(List.of("openai"), List.of("topic:pricing"));
        List<CellClaim> dead = cells.claim("openai", 1, "dead-node", Duration.ofSeconds(2), new long[0]);
        long cellId = dead.get(0).cellId();
        // what CellOutcomes.store commits on the dead node; the hand-off to its analysis route never happens
        assertThat(new GroupStore(cells).store(dead.get(0), new StoredAnswer("openai", "openai-chat", "gpt-4o-mini",
                "gpt-4o-mini", 200, "{}", "Pipedrive and HubSpot are both good.", "[]", 10, 10, 0,
                java.math.BigDecimal.ZERO, 5, null, "stop")))
                .isPresent();
        app.dispatchNow();

        var run = app.awaitRun(runId, Duration.ofSeconds(30));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(app.count("SELECT count(*) FROM analysis_queue WHERE run_id = ?", runId)).isZero();
        assertThat(app.count("""
                SELECT count(*) FROM analysis a JOIN response s ON s.id = a.response_id WHERE s.cell_id = ?""", cellId))
                .isEqualTo(1);
        var report = app.get("/api/admin/invariants").json();
        assertThat(report.get("ok").asBoolean()).as(report.toString()).isTrue();
    }
}
