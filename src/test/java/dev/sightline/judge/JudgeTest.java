package dev.sightline.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.admin.Invariants;
import dev.sightline.testing.ProseProvider;
import dev.sightline.testing.TestApp;

/**
 * sightline.analysis.judge: every sweep answer is also judged by a provider, as a cell of its run (same queue and
 * limits; its cost is the run's), its sentiment stored beside the analyzer's; answers judged before are not sent
 * again; a judge that fails leaves the analyzer's sentiment in the metrics.
 */
class JudgeTest {

    @Test
    void answersAreJudgedAsCellsOfTheirRunCachedByHashAndReadableAsASentimentSource() {
        try (TestApp app = TestApp.start("judge", Map.of("sightline.analysis.judge", "gemini"))) {
            long run = app.startRun("{\"providers\": [\"openai\"]}");
            JsonNode done = app.awaitRun(run, Duration.ofSeconds(60));
            assertThat(done.get("status").asText()).isEqualTo("completed");
            // 28 answers and 28 judge calls, one cell each, all in the run and its totals
            assertThat(done.get("cellsTotal").asInt()).isEqualTo(56);
            assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND kind = 'judge' AND provider = 'gemini'"
                    + " AND status = 'succeeded'", run)).isEqualTo(28);
            assertThat(app.count("""
                    SELECT count(*) FROM judgement j JOIN response s ON s.id = j.response_id JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ? AND c.kind = 'sweep' AND j.status = 'judged'""", run)).isEqualTo(28);
            assertThat(app.count("SELECT count(*) FROM judged_sentiment")).isPositive();
            // the run's cells show them as what they are
            JsonNode cells = app.get("/api/runs/" + run + "/cells?limit=1000").json().get("cells");
            assertThat(cells).filteredOn(c -> c.has("kind")).hasSize(28)
                    .allSatisfy(c -> assertThat(c.get("promptId").isNull()).isTrue());
            // its tokens and cost are the run's
            double judgeCost = app.count("""
                    SELECT round(sum(s.cost_usd) * 1e8) FROM response s JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ? AND c.kind = 'judge'""", run) / 1e8;
            assertThat(judgeCost).isPositive();
            double total = app.count("""
                    SELECT round(sum(s.cost_usd) * 1e8) FROM response s JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ?""", run) / 1e8;
            assertThat(done.get("costUsd").asDouble()).isCloseTo(total, org.assertj.core.data.Offset.offset(1e-7));
            // the analyzer's sentiment is untouched
            assertThat(app.count("""
                    SELECT count(*) FROM mention m JOIN response s ON s.id = m.response_id JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ? AND m.sentiment IS NOT NULL""", run)).isPositive();

            // the same answers again (the simulator answers a prompt alike on one day): judged from the cache
            long again = app.startRun("{\"providers\": [\"openai\"]}");
            JsonNode second = app.awaitRun(again, Duration.ofSeconds(60));
            assertThat(second.get("cellsTotal").asInt()).isEqualTo(28);
            assertThat(app.count("""
                    SELECT count(*) FROM judgement j JOIN response s ON s.id = j.response_id JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ? AND j.cached_from IS NOT NULL""", again)).isEqualTo(28);

            JsonNode judge = app.get("/api/metrics?sentimentSource=judge").json();
            assertThat(judge.get("sentimentSource").asText()).isEqualTo("judge");
            double expected = app.count("""
                    SELECT round(avg(coalesce(js.sentiment_score, m.sentiment_score)) * 1e9)
                      FROM mention m JOIN entity e ON e.id = m.entity_id AND e.kind = 'brand'
                      JOIN analysis a ON a.response_id = m.response_id AND a.error IS NULL
                      LEFT JOIN judged_sentiment js ON js.response_id = m.response_id AND js.entity_id = m.entity_id
                     WHERE m.mentioned""") / 1e9;
            assertThat(judge.get("groups").get(0).get("avgSentiment").asDouble())
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(app.get("/api/metrics?sentimentSource=analyzer").json().get("sentimentSource").asText())
                    .isEqualTo("analyzer");
            TestApp.Reply bad = app.get("/api/metrics?sentimentSource=oracle");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("error").get("field").asText()).isEqualTo("sentimentSource");
            assertThat(new Invariants(app.app().bean(dev.sightline.store.Jdbc.class), 6, Duration.ofSeconds(4),
                    Duration.ofSeconds(64)).check().violations()).isEmpty();
        }
    }

    @Test
    void aJudgeThatDoesNotAnswerTheJsonAskedForLeavesTheAnalyzersSentiment() {
        Map<String, String> settings = new java.util.HashMap<>();
        try (ProseProvider prose = new ProseProvider("Mostly positive, I would say.")) {
            settings.putAll(prose.settings("prose"));
            settings.put("sightline.analysis.judge", "prose");
            try (TestApp app = TestApp.start("judge_fails", settings)) {
                long run = app.startRun("{\"providers\": [\"anthropic\"], \"promptTags\": [\"stage:decision\"]}");
                JsonNode done = app.awaitRun(run, Duration.ofSeconds(60));
                // a judge that failed does not fail the run: its answers stand, with the analyzer's sentiment
                assertThat(done.get("status").asText()).isEqualTo("completed");
                long answers = app.count("SELECT count(*) FROM cell WHERE run_id = ? AND kind = 'sweep'", run);
                assertThat(app.count("""
                        SELECT count(*) FROM judgement j JOIN response s ON s.id = j.response_id JOIN cell c ON c.id = s.cell_id
                         WHERE c.run_id = ? AND j.status = 'failed' AND j.raw_answer = 'Mostly positive, I would say.'
                           AND j.error LIKE '%not the JSON asked for%'""", run)).isEqualTo(answers);
                assertThat(app.count("SELECT count(*) FROM judged_sentiment")).isZero();
                JsonNode judge = app.get("/api/metrics?sentimentSource=judge").json().get("groups").get(0);
                JsonNode analyzer = app.get("/api/metrics?sentimentSource=analyzer").json().get("groups").get(0);
                assertThat(judge.get("avgSentiment")).isEqualTo(analyzer.get("avgSentiment"));
            }
        }
    }
}
