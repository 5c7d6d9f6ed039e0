package dev.sightline.run;

import dev.sightline.testing.TestPostgres;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/** The same schedule slot or the same Idempotency-Key never creates a second run. */
class IdempotencyTest {

    static String url;
    static TestApp app;

    @BeforeAll
    static void start() {
        url = dev.sightline.testing.TestPostgres.newDatabase("idempotency");
        app = TestApp.start(url, Map.of(), true);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void sameKeyReturnsTheSameRun() {
        String body = "{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}";
        var first = app.post("/api/runs", body, Map.of("Idempotency-Key", "k-1"));
        var second = app.post("/api/runs", body, Map.of("Idempotency-Key", "k-1"));
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.json().get("id").asLong()).isEqualTo(first.json().get("id").asLong());
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(app.count("SELECT count(*) FROM run WHERE idempotency_key = 'api:k-1'")).isEqualTo(1);

        var other = app.post("/api/runs", "{\"providers\":[\"gemini\"]}", Map.of("Idempotency-Key", "k-1"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().get("error").get("field").asText()).isEqualTo("Idempotency-Key");
        app.awaitRun(first.json().get("id").asLong(), Duration.ofSeconds(30));
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneRun() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Long>> ids = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ids.add(pool.submit(() -> app.post("/api/runs", "{\"promptTags\":[\"topic:pricing\"]}",
                    Map.of("Idempotency-Key", "burst")).json().get("id").asLong()));
        }
        List<Long> got = new ArrayList<>();
        for (Future<Long> f : ids) {
            got.add(f.get());
        }
        pool.shutdown();
        assertThat(got).containsOnly(got.get(0));
        assertThat(app.count("SELECT count(*) FROM run WHERE idempotency_key = 'api:burst'")).isEqualTo(1);
        app.awaitRun(got.get(0), Duration.ofSeconds(30));
    }

    @Test
    void aScheduleSlotPlansOneRunEvenAfterARestart() {
        LocalDate day = LocalDate.of(2026, 11, 3);
        Date slot = Date.from(day.atTime(2, 0).toInstant(ZoneOffset.UTC));
        app.fireSchedule(slot);
        app.fireSchedule(slot);
        long runId = app.count("SELECT id FROM run WHERE idempotency_key = 'schedule:2026-11-03'");
        assertThat(app.count("SELECT count(*) FROM run WHERE trigger = 'schedule'")).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM run WHERE id = ? AND run_date = DATE '2026-11-03'", runId)).isEqualTo(1);
        app.awaitRun(runId, Duration.ofSeconds(60));

        // a second node (or this one after a restart) firing the same slot finds the run
        try (TestApp again = TestApp.start(url, Map.of(), true)) {
            again.fireSchedule(slot);
            // a second slot of the same day (a cron firing twice a day) plans nothing new either
            again.fireSchedule(Date.from(day.atTime(14, 0).toInstant(ZoneOffset.UTC)));
        }
        assertThat(app.count("SELECT count(*) FROM run WHERE trigger = 'schedule'")).isEqualTo(1);
    }

    @Test
    void withoutOncePerDayEverySlotOfADayPlansItsOwnRunAndARepeatedSlotStillPlansOne() {
        try (TestApp often = TestApp.start(TestPostgres.newDatabase("schedule_often"),
                Map.of("sightline.schedule.once-per-day", "false"), true)) {
            LocalDate day = LocalDate.of(2026, 11, 4);
            Date morning = Date.from(day.atTime(6, 0).toInstant(ZoneOffset.UTC));
            Date evening = Date.from(day.atTime(18, 0).toInstant(ZoneOffset.UTC));
            often.fireSchedule(morning);
            often.fireSchedule(morning);
            often.fireSchedule(evening);
            assertThat(often.count("SELECT count(*) FROM run WHERE trigger = 'schedule' AND run_date = DATE '2026-11-04'"))
                    .isEqualTo(2);
        }
    }
}
