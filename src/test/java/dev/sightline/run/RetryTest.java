package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.FaultProfile;
import dev.sightline.simulator.Simulator;
import dev.sightline.testing.TestApp;

/** A provider answering 500 is retried with backoff; when it recovers every cell succeeds, stored once. */
class RetryTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start("retry", Map.of("sightline.circuit.minimum-calls", "1000"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void transientServerErrorsAreRetriedWithBackoffThenSucceed() {
        Simulator sim = app.app().bean(dev.sightline.simulator.Simulator.class);
        FaultProfile normal = sim.faults(ProviderKinds.OPENAI_CHAT);
        sim.setFaults(ProviderKinds.OPENAI_CHAT, normal.withRate500(1.0));
        sim.reset();
        long runId = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
        long cells = app.count("SELECT count(*) FROM cell WHERE run_id = ?", runId);

        TestApp.await("every cell to fail twice", Duration.ofSeconds(30),
                () -> app.count("SELECT count(*) FROM cell WHERE run_id = ? AND attempts >= 2 AND status = 'pending'", runId) == cells);
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND last_error LIKE 'HTTP 500%'", runId))
                .isEqualTo(cells);
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND next_attempt_at > now()", runId))
                .as("cells wait for their backoff").isPositive();
        sim.setFaults(ProviderKinds.OPENAI_CHAT, normal);

        var run = app.awaitRun(runId, Duration.ofSeconds(30));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("counts").get("succeeded").asLong()).isEqualTo(cells);
        assertThat(app.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?", runId))
                .isEqualTo(cells);
        assertThat(app.count("SELECT min(attempts) FROM cell WHERE run_id = ?", runId)).isGreaterThanOrEqualTo(2);
        assertThat(sim.served(ProviderKinds.OPENAI_CHAT)).isGreaterThanOrEqualTo(cells * 2 + cells);
    }

    @Test
    void backoffGrowsWithTheAttemptAndHonoursTheProviderHint() {
        RetryPolicy p = new RetryPolicy(6, Duration.ofSeconds(5), Duration.ofMinutes(10));
        assertThat(p.ceiling(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.ceiling(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.ceiling(20)).isEqualTo(Duration.ofMinutes(10));
        for (int i = 0; i < 100; i++) {
            assertThat(p.delay(3, null)).isBetween(Duration.ZERO, Duration.ofSeconds(20));
            assertThat(p.delay(1, Duration.ofSeconds(30))).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(33));
        }
    }
}
