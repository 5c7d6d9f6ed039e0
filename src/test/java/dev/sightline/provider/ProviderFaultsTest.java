package dev.sightline.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.simulator.FaultProfile;
import dev.sightline.simulator.Simulator;
import dev.sightline.testing.TestApp;

/** Provider faults through the whole pipeline: rate limits, outages, bad keys, timeouts, broken bodies. */
class ProviderFaultsTest {

    static TestApp app;
    static Simulator sim;
    static FaultProfile normal;

    @BeforeAll
    static void start() {
        Map<String, String> o = new HashMap<>();
        o.put("sightline.circuit.minimum-calls", "4");
        o.put("sightline.circuit.window-size", "4");
        o.put("sightline.circuit.open-duration", "2s");
        o.put("sightline.circuit.half-open-calls", "1");
        o.put("sightline.providers.gemini.timeout", "700ms");
        o.put("sightline.providers.openai.requests-per-minute", "12");
        app = TestApp.start("provider_faults", o);
        sim = app.app().bean(dev.sightline.simulator.Simulator.class);
        normal = sim.faults(ProviderKinds.OPENAI_CHAT);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @AfterEach
    void heal() {
        for (String kind : ProviderKinds.ALL) {
            sim.setFaults(kind, normal);
        }
        // a circuit a test opened (timeouts open gemini's) starts the next test closed, whatever the order
        for (org.apache.camel.Route route : app.app().context().getRoutes()) {
            route.filter("*").stream()
                    .filter(org.apache.camel.component.resilience4j.ResilienceProcessor.class::isInstance)
                    .map(p -> ((org.apache.camel.component.resilience4j.ResilienceProcessor) p).getCircuitBreaker())
                    .filter(java.util.Objects::nonNull).forEach(cb -> cb.reset());
        }
    }

    long cells(long runId) {
        return app.count("SELECT count(*) FROM cell WHERE run_id = ?", runId);
    }

    @Test
    void aRateLimitStormIsWaitedOutWithinTheRequestsPerMinute() {
        sim.reset();
        sim.setFaults(ProviderKinds.OPENAI_CHAT, normal.withRate429(0.4, Duration.ofSeconds(1)));
        // 3 prompts x 4 samples = 12 cells; with 40 % answered 429 the storm needs more than the 12 requests a
        // minute openai is configured for, so the throttle has to hold the rest back to the next minute
        long runId = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"],\"samples\":4}");
        JsonNode run = app.awaitRun(runId, Duration.ofSeconds(150));

        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("counts").get("succeeded").asLong()).isEqualTo(cells(runId));
        long served = sim.served(ProviderKinds.OPENAI_CHAT);
        assertThat(served).as("some calls were rate limited").isGreaterThan(cells(runId));
        assertThat(sim.maxRequestsInWindow(ProviderKinds.OPENAI_CHAT, Duration.ofSeconds(60))).isLessThanOrEqualTo(12);
        // 429s are deferrals: they spend no attempt
        assertThat(app.count("SELECT max(attempts) FROM cell WHERE run_id = ?", runId)).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?", runId))
                .isEqualTo(cells(runId));
    }

    @Test
    void anOutageOpensTheCircuitDefersItsCellsAndTheOthersCarryOn() {
        var logs = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logs.start();
        var circuits = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.sightline.provider.ProviderCircuits.class);
        circuits.addAppender(logs);
        sim.setFaults(ProviderKinds.GEMINI, normal.withRate500(1.0));
        long runId = app.startRun("{\"providers\":[\"gemini\",\"anthropic\",\"perplexity\"],\"promptTags\":[\"topic:pricing\"],\"samples\":3}");
        TestApp.await("gemini's circuit to open", Duration.ofSeconds(20), () -> "OPEN".equals(
                app.get("/api/health").json().get("providers").get("gemini").get("circuit").asText()));
        TestApp.await("the other providers to finish", Duration.ofSeconds(30), () -> app.count(
                "SELECT count(*) FROM cell WHERE run_id = ? AND provider <> 'gemini' AND status <> 'succeeded'", runId) == 0);
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND provider = 'gemini' AND status = 'succeeded'", runId))
                .isZero();
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'failed'", runId)).isZero();

        sim.setFaults(ProviderKinds.GEMINI, normal);
        JsonNode run = app.awaitRun(runId, Duration.ofSeconds(60));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("counts").get("succeeded").asLong()).isEqualTo(cells(runId));
        // calls refused by the open circuit spent no attempt
        assertThat(app.count("SELECT max(attempts) FROM cell WHERE run_id = ?", runId)).isLessThan(6);
        circuits.detachAppender(logs);
        assertThat(logs.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .contains("Circuit of provider gemini: CLOSED -> OPEN");
    }

    @Test
    void aRejectedKeyFailsTheProvidersCellsAtOnceWithoutRetrying() {
        sim.reset();
        sim.setFaults(ProviderKinds.ANTHROPIC, normal.withRate401(1.0));
        long runId = app.startRun("{\"providers\":[\"anthropic\"],\"promptTags\":[\"topic:pricing\"]}");
        JsonNode run = app.awaitRun(runId, Duration.ofSeconds(30));
        assertThat(run.get("status").asText()).isEqualTo("completed_with_failures");
        assertThat(run.get("counts").get("failed").asLong()).isEqualTo(cells(runId));
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND attempts = 1 AND last_error LIKE 'HTTP 401%'", runId))
                .isEqualTo(cells(runId));
        assertThat(sim.served(ProviderKinds.ANTHROPIC)).isEqualTo(cells(runId));
        JsonNode failed = app.get("/api/runs/" + runId + "/cells?status=failed").json().get("cells");
        assertThat(failed.get(0).get("lastError").asText()).startsWith("HTTP 401").doesNotContain("simulated-key");
    }

    @Test
    void timeoutsAreRetried() {
        sim.setFaults(ProviderKinds.GEMINI, normal.withRateTimeout(1.0, Duration.ofSeconds(3)));
        long runId = app.startRun("{\"providers\":[\"gemini\"],\"promptTags\":[\"topic:pricing\"]}");
        TestApp.await("every cell to time out once", Duration.ofSeconds(30), () -> app.count(
                "SELECT count(*) FROM cell WHERE run_id = ? AND attempts >= 1 AND last_error LIKE '%timeout%'", runId) == cells(runId));
        sim.setFaults(ProviderKinds.GEMINI, normal);
        JsonNode run = app.awaitRun(runId, Duration.ofSeconds(60));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(app.count("SELECT min(attempts) FROM cell WHERE run_id = ?", runId)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aMalformedBodyIsARetryableFailureThatQuotesTheBody() {
        sim.setFaults(ProviderKinds.PERPLEXITY, normal.withRateMalformed(1.0));
        long runId = app.startRun("{\"providers\":[\"perplexity\"],\"promptTags\":[\"topic:pricing\"]}");
        TestApp.await("every cell to fail on a malformed body", Duration.ofSeconds(30), () -> app.count(
                "SELECT count(*) FROM cell WHERE run_id = ? AND status = 'pending' AND last_error LIKE '%malformed_body%'", runId) == cells(runId));
        JsonNode cell = app.get("/api/runs/" + runId + "/cells").json().get("cells").get(0);
        assertThat(cell.get("lastError").asText()).containsAnyOf("<html", "<!DOCTYPE", "{\"");
        sim.setFaults(ProviderKinds.PERPLEXITY, normal);
        JsonNode run = app.awaitRun(runId, Duration.ofSeconds(60));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(app.count("SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?", runId))
                .isEqualTo(cells(runId));
    }
}
