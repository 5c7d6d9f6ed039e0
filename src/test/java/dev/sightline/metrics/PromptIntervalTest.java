package dev.sightline.metrics;

import static dev.sightline.metrics.StoredAnswers.m;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sightline.testing.TestApp;

/**
 * Visibility intervals with the prompt as the unit (issue 12, item 5): repeated samples of one prompt widen the
 * interval against treating every answer as independent; one answer per prompt gives exactly the plain Wilson one.
 */
class PromptIntervalTest {

    @TempDir
    Path dir;

    @Test
    void samplesOfOnePromptWidenTheIntervalOneAnswerPerPromptDoesNot() throws Exception {
        StringBuilder yaml = new StringBuilder("""
                workspace: {slug: intervals, name: Intervals, category: CRM software}
                brand: {name: Acme, domains: [acme.com]}
                competitors:
                  - {name: Beta, domains: [beta.com]}
                prompts:
                """);
        for (int i = 1; i <= 10; i++) {
            yaml.append("  - text: Question number ").append(i).append("?\n");
        }
        Path file = dir.resolve("intervals.yaml");
        Files.writeString(file, yaml);
        try (TestApp app = TestApp.start("prompt_intervals", Map.of("sightline.workspace.file", file.toString()))) {
            long ws = app.count("SELECT id FROM workspace WHERE slug = 'intervals'");
            long acme = app.count("SELECT id FROM entity WHERE workspace_id = ? AND name = 'Acme'", ws);
            long beta = app.count("SELECT id FROM entity WHERE workspace_id = ? AND name = 'Beta'", ws);
            StoredAnswers db = new StoredAnswers(app.jdbcUrl(), List.of(acme, beta));
            LocalDate once = LocalDate.of(2026, 11, 1);
            LocalDate sampled = LocalDate.of(2026, 11, 2);
            long r1 = db.run(ws, once, "completed", "openai");
            long r2 = db.run(ws, sampled, "completed", "openai");
            List<Long> ids = new java.util.ArrayList<>();
            app.app().bean(dev.sightline.store.Jdbc.class).query(
                    "SELECT id FROM prompt WHERE workspace_id = ? ORDER BY id", rs -> ids.add(rs.getLong(1)), ws);
            for (int p = 0; p < 10; p++) {
                // the brand is named for the first six prompts, every time they are asked, and never for the rest
                List<StoredAnswers.M> mentions = p < 6 ? List.of(m(acme, 1, 1, 0.5)) : List.of(m(beta, 1, 1, 0.5));
                db.answer(r1, ids.get(p), "openai", 1, mentions, List.of());
                for (int s = 1; s <= 4; s++) {
                    db.answer(r2, ids.get(p), "openai", s, mentions, List.of());
                }
            }

            JsonNode one = group(app, "/api/metrics?from=2026-11-01&to=2026-11-01");
            assertThat(one.get("n").asLong()).isEqualTo(10);
            assertThat(one.get("prompts").asLong()).isEqualTo(10);
            assertThat(one.get("intervalMethod").asText()).isEqualTo(PromptInterval.CLUSTERED);
            Wilson.Interval independent = Wilson.interval95(6, 10);
            assertThat(one.get("visibilityLow").asDouble()).isEqualTo(independent.low());
            assertThat(one.get("visibilityHigh").asDouble()).isEqualTo(independent.high());
            assertThat(one.get("effectiveN").asDouble()).isEqualTo(10.0);

            JsonNode four = group(app, "/api/metrics?from=2026-11-02&to=2026-11-02");
            assertThat(four.get("n").asLong()).isEqualTo(40);
            assertThat(four.get("prompts").asLong()).isEqualTo(10);
            assertThat(four.get("visibility").asDouble()).isEqualTo(0.6);
            Wilson.Interval asIfIndependent = Wilson.interval95(24, 40);
            double width = four.get("visibilityHigh").asDouble() - four.get("visibilityLow").asDouble();
            assertThat(width).isGreaterThan(asIfIndependent.high() - asIfIndependent.low());
            // four identical samples of each prompt carry what one answer per prompt carries: 10 units, not 40
            assertThat(four.get("effectiveN").asDouble()).isCloseTo(10.0, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(four.get("visibilityLow").asDouble())
                    .isCloseTo(independent.low(), org.assertj.core.api.Assertions.within(1e-9));

            // one prompt alone: its answers are the units
            JsonNode prompt = app.get("/api/metrics?groupBy=prompt&from=2026-11-02&to=2026-11-02").json()
                    .get("groups").get(0);
            assertThat(prompt.get("prompts").asLong()).isEqualTo(1);
            assertThat(prompt.get("intervalMethod").asText()).isEqualTo(PromptInterval.PLAIN);
        }
    }

    private static JsonNode group(TestApp app, String path) {
        TestApp.Reply r = app.get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("groups").get(0);
    }
}
