package dev.sightline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.processor.aggregate.AggregateProcessor;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * Calls that answer faster than the analysis keeps up must not pile their answers up in memory: past
 * {@code sightline.analysis.max-backlog} answers waiting for analysis the node claims no cell, and claims again once
 * the analysis catches up; nothing is lost or called twice.
 */
class AnalysisBacklogTest {

    @Test
    void aNodeStopsClaimingWhileItsAnswersWaitForAnalysisAndGoesOnWhenTheyAreAnalysed() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("sightline.analysis.max-backlog", "50",
                "sightline.store.consumers", "10"));
        for (String p : new String[] {"openai", "anthropic", "gemini", "perplexity"}) {
            settings.put("sightline.providers." + p + ".requests-per-minute", "100000");
        }
        try (TestApp app = TestApp.start("backlog", settings)) {
            // the batches the aggregator completed count too (AnswerBacklog reads them by the node's id)
            assertThat(app.app().context().getProcessor("batch-answers",
                    AggregateProcessor.class)).isNotNull();
            // the analysis stops taking answers: everything stored waits in its queue
            app.app().context().getRouteController().suspendRoute("batch-stored-answers");
            long id = app.startRun("{\"samples\": 3}");
            long total = app.count("SELECT count(*) FROM cell WHERE run_id = ?", id);
            assertThat(total).isEqualTo(28 * 4 * 3);

            String held = "SELECT count(*) FROM cell WHERE run_id = ? AND status = 'leased'";
            String answered = "SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'";
            TestApp.await("the node to stop claiming with 50 answers waiting", Duration.ofSeconds(30),
                    () -> app.count(answered, id) >= 50 && app.count(held, id) == 0);
            app.dispatchNow();
            assertThat(app.count(held, id)).as("cells claimed while the analysis is behind").isZero();
            // at most the backlog, what the 4 providers' lanes held when it was reached (5 consumers, 1 ahead) and
            // the answers the store consumers had taken from their queue but not yet handed to the analysis (the
            // gate counts queues: 94 was seen once against the 90 without them)
            long stored = app.count(answered, id);
            assertThat(stored).isBetween(50L, 50L + 4 * 5 * 2 + 10L);
            assertThat(app.count("SELECT count(*) FROM analysis_queue")).isEqualTo(stored);

            app.app().context().getRouteController().resumeRoute("batch-stored-answers");
            assertThat(app.awaitRun(id, Duration.ofSeconds(60)).get("status").asText()).isEqualTo("completed");
            assertThat(app.count(answered, id)).isEqualTo(total);
            assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND attempts <> 1", id)).isZero();
            assertThat(app.count("SELECT count(*) FROM analysis a JOIN response s ON s.id = a.response_id"
                    + " JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ? AND a.error IS NULL", id)).isEqualTo(total);
        }
    }
}
