package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/** The daily cap refuses runs that would exceed it and pauses dispatch once the day's spend reaches it. */
class BudgetTest {

    static Map<String, String> withCap(String usd) {
        Map<String, String> o = new HashMap<>();
        o.put("sightline.budget.daily-usd", usd);
        // perplexity charges $0.005 a request, so a handful of cells reach a small cap
        o.put("sightline.providers.perplexity.consumers", "1");
        o.put("sightline.simulator.latency-median", "50ms");
        o.put("sightline.simulator.latency-p99", "50ms");
        return o;
    }

    @Test
    void aRunWhoseEstimateExceedsWhatIsLeftIsRefusedUnlessForced() {
        try (TestApp app = TestApp.start("budget_refuse", withCap("0.05"))) {
            var refused = app.post("/api/runs", "{}");
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.json().get("error").get("code").asText()).isEqualTo("budget_exceeded");
            assertThat(refused.json().get("error").get("message").asText()).contains("sightline.budget.daily-usd");
            assertThat(app.count("SELECT count(*) FROM run")).isZero();

            var small = app.post("/api/runs", "{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
            assertThat(small.status()).as("a run that fits is accepted").isEqualTo(202);
            var forced = app.post("/api/runs", "{\"force\":true,\"promptTags\":[\"topic:pricing\"]}");
            assertThat(forced.status()).isEqualTo(202);
        }
    }

    @Test
    void dispatchPausesAtTheCapAndResumesWhenItIsRaised() {
        String db = TestPostgres.newDatabase("budget_pause");
        long runId;
        Map<String, String> settings = withCap("0.02");
        // three cells claimed ahead of the one consumer: none of them may be called once the cap is reached
        settings.put("sightline.dispatch.claim-ahead", "3");
        try (TestApp app = TestApp.start(db, settings, true)) {
            runId = app.startRun("{\"force\":true,\"providers\":[\"perplexity\"],\"samples\":1}");
            TestApp.await("the run to pause", Duration.ofSeconds(30),
                    () -> app.get("/api/runs/" + runId).json().get("status").asText().equals("paused_budget"));
            // a call in flight when the cap was reached ends; the cells claimed ahead go back unspent
            TestApp.await("the cells held at the cap to end", Duration.ofSeconds(30),
                    () -> app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'leased'", runId) == 0);
            long served = app.app().bean(dev.sightline.simulator.Simulator.class).served("perplexity");
            JsonNode health = app.get("/api/health").json().get("budget");
            assertThat(health.get("paused").asBoolean()).isTrue();
            assertThat(health.get("spentTodayUsd").decimalValue()).isGreaterThanOrEqualTo(new BigDecimal("0.02"));
            // $0.02 at ~$0.005 a cell, plus the one call that may have started before the fourth answer's cost
            // was counted (answers are stored off the consumer); not the three cells claimed ahead
            assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId))
                    .isBetween(4L, 5L);
            assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'pending'", runId)).isPositive();
            // several dispatch rounds later nothing more was called
            long rounds = app.dbNow().toEpochMilli() + 1000;
            TestApp.await("a second of dispatch rounds", Duration.ofSeconds(5),
                    () -> app.dbNow().toEpochMilli() > rounds);
            assertThat(app.app().bean(dev.sightline.simulator.Simulator.class).served("perplexity")).isEqualTo(served);
            assertThat(app.get("/api/runs?status=paused_budget").json().get("runs")).hasSize(1);
        }
        try (TestApp app = TestApp.start(db, withCap("10"), true)) {
            JsonNode run = app.awaitRun(runId, Duration.ofSeconds(60));
            assertThat(run.get("status").asText()).isEqualTo("completed");
        }
    }

    @Test
    void theSpendThatCountsIsTodaysInTheScheduleZone() {
        String db = TestPostgres.newDatabase("budget_day");
        try (TestApp app = TestApp.start(db, withCap("0.02"), true)) {
            long runId = app.startRun("{\"force\":true,\"providers\":[\"perplexity\"],\"promptTags\":[\"topic:pricing\"]}");
            app.awaitRun(runId, Duration.ofSeconds(30));
            var jdbc = app.app().bean(dev.sightline.store.Jdbc.class);
            Instant now = app.dbNow();
            ZoneId utc = ZoneOffset.UTC;
            long ws = app.app().bean(dev.sightline.workspace.ImportedWorkspaces.class).defaultWorkspace().id();
            Budget today = new Budget(jdbc, new BigDecimal("0.01"), w -> null, utc, Clock.fixed(now, utc));
            Budget tomorrow = new Budget(jdbc, new BigDecimal("0.01"), w -> null, utc,
                    Clock.fixed(now.plus(Duration.ofDays(1)), utc));
            assertThat(today.spentToday(ws)).isEqualByComparingTo(today.spentOn(ws, LocalDate.ofInstant(now, utc)));
            assertThat(today.spentToday(ws)).isGreaterThanOrEqualTo(new BigDecimal("0.015"));
            assertThat(today.exhausted(ws)).isTrue();
            assertThat(today.exhaustedWorkspaces()).containsExactly(ws);
            assertThat(tomorrow.spentToday(ws)).isEqualByComparingTo(BigDecimal.ZERO);
            assertThat(tomorrow.exhausted(ws)).as("the day turned").isFalse();
            assertThat(new Budget(jdbc, null, w -> null, utc, Clock.systemUTC()).exhausted(ws)).isFalse();
        }
    }

    /**
     * A spend recorded while the day's spend is being read (its response committed after the read's snapshot) still
     * counts after the read; one recorded before the read began is the read's (not counted twice).
     */
    @Test
    void aSpendRecordedWhileTheSpendIsReadStillCounts() {
        ZoneId utc = ZoneOffset.UTC;
        java.util.concurrent.atomic.AtomicReference<Budget> budget = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        // the database's spend today: 1.00, the 0.25 recorded below before the first read among it
        BigDecimal[] stored = {new BigDecimal("1.00")};
        Budget b = new Budget(null, new BigDecimal("1.60"), w -> null, utc, Clock.systemUTC(), day -> {
            BigDecimal snapshot = stored[0];
            if (reads.incrementAndGet() == 1) {
                // committed after this read's snapshot, recorded before the read ends
                stored[0] = stored[0].add(new BigDecimal("0.50"));
                budget.get().recordSpend(7, new BigDecimal("0.50"));
            }
            return Map.of(7L, snapshot);
        });
        budget.set(b);
        b.recordSpend(7, new BigDecimal("0.25"));
        assertThat(b.spentToday(7)).isEqualByComparingTo("1.50");
        assertThat(reads).hasValue(1);
        stored[0] = stored[0].add(new BigDecimal("0.10"));
        b.recordSpend(7, new BigDecimal("0.10"));
        assertThat(b.exhausted(7)).as("1.60 of 1.60").isTrue();
        assertThat(b.exhaustedWorkspaces()).containsExactly(7L);
        assertThat(b.spentToday(8)).isEqualByComparingTo(BigDecimal.ZERO);
    }
}
