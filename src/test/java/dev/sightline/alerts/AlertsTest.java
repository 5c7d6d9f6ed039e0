package dev.sightline.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.sightline.simulator.Simulator;
import dev.sightline.testing.TestApp;

/**
 * Alerts on real change, against the simulator with windows of two runs: runs on neighbouring days (the same
 * tendencies, new samples) raise nothing; runs three months later, when the simulator's tendencies have moved
 * (Gemini likes Pipedrive much less on 2027-02-18 than on 2026-11-20), raise visibility alerts with the numbers
 * behind them; a provider that starts answering with another model raises model.changed and marks the day in metrics.
 * Anthropic refuses 30% of the time, which metrics report as its refusal rate.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsTest {

    static final LocalDate DAY = LocalDate.parse("2026-11-20");
    static final LocalDate SHIFTED = LocalDate.parse("2027-02-18");
    static TestApp app;
    static Simulator sim;
    static final List<Long> runs = new ArrayList<>();

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>();
        for (String p : new String[] {"openai", "anthropic", "gemini", "perplexity"}) {
            settings.put("sightline.providers." + p + ".requests-per-minute", "100000");
        }
        settings.put("sightline.alerts.window-runs", "2");
        settings.put("sightline.simulator.kinds.anthropic.rate-refusal", "0.3");
        app = TestApp.start("alerts", settings);
        sim = app.app().bean(Simulator.class);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static long runOn(LocalDate day) {
        sim.setDay(day);
        long id = app.startRun("{\"samples\": 3}");
        assertThat(app.awaitRun(id, Duration.ofSeconds(120)).get("status").asText()).isEqualTo("completed");
        TestApp.await("run " + id + " checked for alerts", Duration.ofSeconds(20),
                () -> app.count("SELECT count(*) FROM run WHERE id = ? AND alerts_checked_at IS NOT NULL", id) == 1);
        runs.add(id);
        return id;
    }

    static List<JsonNode> alerts(String type) {
        JsonNode r = app.get("/api/alerts?limit=500").json();
        List<JsonNode> out = new ArrayList<>();
        r.get("alerts").forEach(a -> {
            if (a.get("type").asText().equals(type)) {
                out.add(a);
            }
        });
        return out;
    }

    @Test
    @Order(1)
    void theSameTendenciesWithNewSamplesRaiseNothing() {
        for (int d = 0; d < 4; d++) {
            runOn(DAY.plusDays(d));
        }
        JsonNode all = app.get("/api/alerts").json().get("alerts");
        assertThat(all).as(all.toString()).isEmpty();
    }

    @Test
    @Order(2)
    void shiftedTendenciesRaiseAnAlertWithTheNumbersBehindIt() {
        long first = runOn(SHIFTED);
        runOn(SHIFTED.plusDays(1));
        List<JsonNode> changes = alerts("visibility.changed");
        List<JsonNode> pipedriveAtGemini = changes.stream()
                .filter(a -> a.get("provider").asText().equals("gemini")
                        && a.get("entity").get("name").asText().equals("Pipedrive")).toList();
        // raised by the first run after the shift, and not again while the windows slide over the same change
        assertThat(pipedriveAtGemini).as(changes.toString()).hasSize(1);
        JsonNode pipedrive = pipedriveAtGemini.get(0);
        assertThat(pipedrive.get("runId").asLong()).isEqualTo(first);
        assertThat(pipedrive.get("direction").asText()).isEqualTo("down");
        JsonNode d = pipedrive.get("details");
        JsonNode before = d.get("previous");
        JsonNode after = d.get("latest");
        // two runs of 28 prompts x 3 samples per window
        assertThat(before.get("n").asLong()).isEqualTo(168);
        assertThat(after.get("n").asLong()).isEqualTo(168);
        assertThat(before.get("firstRunId").asLong()).isEqualTo(runs.get(1));
        assertThat(after.get("firstRunId").asLong()).isEqualTo(runs.get(3));
        assertThat(after.get("lastRunId").asLong()).isEqualTo(first);
        double change = after.get("rate").asDouble() - before.get("rate").asDouble();
        assertThat(change).isLessThanOrEqualTo(-0.10);
        assertThat(d.get("changePoints").asDouble()).isCloseTo(100 * change, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(d.get("pValue").asDouble()).isLessThan(0.05 / d.get("comparisonsInRun").asInt());
        assertThat(pipedrive.get("message").asText()).contains("Pipedrive visibility at gemini fell from");
        // every alert is announced as an event in the transaction that stored it
        assertThat(app.count("SELECT count(*) FROM event WHERE type = 'alert.raised'"))
                .isEqualTo(app.count("SELECT count(*) FROM alert"));
    }

    @Test
    @Order(3)
    void aProviderAnsweringWithAnotherModelRaisesModelChangedAndMarksTheDay() {
        sim.setFaults("openai-chat", sim.faults("openai-chat").withServedModel("gpt-4o-mini-2027-02-01"));
        long id = runOn(SHIFTED.plusDays(1));
        List<JsonNode> changed = alerts("model.changed");
        assertThat(changed).hasSize(1);
        JsonNode a = changed.get(0);
        assertThat(a.get("runId").asLong()).isEqualTo(id);
        assertThat(a.get("provider").asText()).isEqualTo("openai");
        assertThat(a.get("details").get("from").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(a.get("details").get("to").asText()).isEqualTo("gpt-4o-mini-2027-02-01");

        JsonNode byModel = app.get("/api/metrics?groupBy=model").json();
        List<String> models = new ArrayList<>();
        byModel.get("groups").forEach(g -> models.add(g.get("key").asText()));
        assertThat(models).contains("gpt-4o-mini-2024-07-18", "gpt-4o-mini-2027-02-01");

        JsonNode byDay = app.get("/api/metrics?groupBy=day").json();
        String runDate = app.get("/api/runs/" + id).json().get("runDate").asText();
        for (JsonNode g : byDay.get("groups")) {
            JsonNode marks = g.get("modelChanges");
            if (g.get("key").asText().equals(runDate)) {
                assertThat(marks).hasSize(1);
                assertThat(marks.get(0).get("provider").asText()).isEqualTo("openai");
            } else {
                assertThat(marks).isEmpty();
            }
        }
    }

    @Test
    @Order(4)
    void refusalsAreCountedPerProviderAndNeverAsMentions() {
        JsonNode byProvider = app.get("/api/metrics?groupBy=provider").json();
        for (JsonNode g : byProvider.get("groups")) {
            double rate = g.get("refusalRate").asDouble();
            assertThat(g.get("refused").asLong()).isEqualTo(Math.round(rate * g.get("n").asLong()));
            if (g.get("key").asText().equals("anthropic")) {
                assertThat(rate).as("anthropic").isBetween(0.2, 0.4);
            } else {
                assertThat(rate).as(g.get("key").asText()).isLessThan(0.15);
            }
        }
        assertThat(app.count("SELECT count(*) FROM analysis WHERE answer_state = 'refused'")).isPositive();
        assertThat(app.count("""
                SELECT count(*) FROM mention m JOIN analysis a ON a.response_id = m.response_id
                 WHERE a.answer_state <> 'answered'""")).isZero();
    }
}
