package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * Cancelling a run cancels its pending cells and the cells claimed ahead of the consumers; calls in flight finish and
 * are stored; counts add up.
 */
class CancelTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        Map<String, String> o = new HashMap<>();
        o.put("sightline.simulator.latency-median", "300ms");
        o.put("sightline.simulator.latency-p99", "300ms");
        o.put("sightline.providers.openai.consumers", "2");
        app = TestApp.start("cancel", o);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void cancelStopsPendingCellsAndLetsCallsInFlightFinish() {
        long runId = app.startRun("{\"providers\":[\"openai\"]}");
        TestApp.await("a first call to finish", Duration.ofSeconds(10),
                () -> app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId) > 0);
        long succeededBefore = app.count(
                "SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId);
        var cancel = app.post("/api/runs/" + runId + "/cancel", null);
        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.json().get("status").asText()).isIn("cancelling", "cancelled");

        JsonNode run = app.awaitRun(runId, Duration.ofSeconds(20));
        assertThat(run.get("status").asText()).isEqualTo("cancelled");
        JsonNode counts = run.get("counts");
        int total = run.get("cellsTotal").asInt();
        int succeeded = counts.get("succeeded").asInt();
        int cancelled = counts.get("cancelled").asInt();
        assertThat(succeeded + cancelled + counts.get("failed").asInt() + counts.get("pending").asInt()
                + counts.get("leased").asInt()).isEqualTo(total);
        assertThat(counts.get("pending").asInt()).isZero();
        assertThat(counts.get("leased").asInt()).isZero();
        assertThat(cancelled).isGreaterThan(total / 2);
        // every call that was made is stored, and nothing was called after the cancel took effect
        assertThat(app.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?", runId))
                .isEqualTo(succeeded);
        assertThat(app.app().bean(dev.sightline.simulator.Simulator.class).served("openai-chat")).isEqualTo(succeeded);
        // only the calls in flight (2 consumers; 1 more for a call that ended between the count and the cancel):
        // the cells claimed ahead of the consumers were cancelled, not called
        assertThat(succeeded).isLessThanOrEqualTo((int) succeededBefore + 3);

        var again = app.post("/api/runs/" + runId + "/cancel", null);
        assertThat(again.status()).isEqualTo(409);
    }
}
