package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/**
 * Experiment cells are cells: a node killed (SIGKILL) in the middle of an experiment loses nothing. Its leased cells
 * (answers and grader calls) are rescued and run by the survivor, the answers it stored but never graded are taken
 * over, every answer ends with exactly one stored response and all its grades, and the checker finds nothing.
 */
class ExperimentCrashTest {

    static Cluster cluster;
    static Node survivor;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("experiment-crash", TestPostgres.newDatabase("experiment_crash"), 2, false, Map.of(),
                Map.of());
        survivor = cluster.node("node-a");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledNodesExperimentCellsAndGraderCallsAreFinishedByTheSurvivor() {
        latency(Duration.ofMillis(300), Duration.ofMillis(600));
        Node victim = cluster.node("node-killed");
        long prompt = survivor.post("/api/prompts", "{\"name\": \"pitch\", \"type\": \"generator\"}").json()
                .get("id").asLong();
        long version = survivor.post("/api/prompts/" + prompt + "/versions",
                "{\"body\": \"Which CRM suits team {{team}} with {{size}} people?\"}").json().get("id").asLong();
        long graderPrompt = survivor.post("/api/prompts", "{\"name\": \"judge\", \"type\": \"grader\"}").json()
                .get("id").asLong();
        long grader = survivor.post("/api/prompts/" + graderPrompt + "/versions",
                "{\"body\": \"Q: {{input}} A: {{output}} Is it useful?\"}").json().get("id").asLong();
        StringBuilder rows = new StringBuilder("[");
        for (int i = 0; i < 30; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"team\": \"team ").append(i).append("\", \"size\": ")
                    .append(5 + i).append('}');
        }
        Node.Reply uploaded = survivor.post("/api/datasets?name=teams", rows.append(']').toString());
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        Node.Reply created = survivor.post("/api/experiments", """
                {"promptVersionId": %d, "datasetId": %d, "models": ["openai", {"provider": "anthropic",
                 "temperature": 0.5}], "graders": [{"type": "contains", "value": "CRM"}, {"type": "mentions-brand"}],
                 "graderPromptVersionId": %d, "graderProvider": "openai", "samples": 2}"""
                .formatted(version, uploaded.json().get("id").asLong(), grader));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        long experiment = created.json().get("id").asLong();
        long runId = created.json().get("runId").asLong();

        awaitDb("the victim to hold experiment leases mid-experiment", () -> cluster.count(
                "SELECT count(*) FROM cell WHERE run_id = ? AND lease_owner = 'node-killed'", runId) >= 3
                && cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND kind = 'grader'"
                        + " AND status = 'succeeded'", runId) >= 5);
        victim.kill();
        List<Long> orphaned = cluster.ids(
                "SELECT id FROM cell WHERE run_id = ? AND status = 'leased' AND lease_owner = 'node-killed'", runId);
        assertThat(orphaned).as("cells the dead node held").isNotEmpty();

        assertThat(cluster.awaitRun(runId, Duration.ofSeconds(90))).isEqualTo("completed");
        // 120 answers (2 models x 30 rows x 2 samples), one grader call each, every one with one response
        assertThat(cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND kind = 'experiment'"
                + " AND status = 'succeeded'", runId)).isEqualTo(120);
        assertThat(cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND kind = 'grader'"
                + " AND status = 'succeeded'", runId)).isEqualTo(120);
        cluster.assertOneResponsePerCell(runId);
        // every answer has its three grades: two rules and the grader prompt's
        assertThat(cluster.count("""
                SELECT count(*) FROM experiment_cell ec
                 WHERE ec.experiment_id = ? AND (SELECT count(*) FROM grade g WHERE g.cell_id = ec.cell_id) = 3""",
                experiment)).isEqualTo(120);
        assertThat(cluster.count("SELECT cells_total FROM run WHERE id = ?", runId)).isEqualTo(240);
        Node.Reply read = survivor.get("/api/experiments/" + experiment);
        assertThat(read.json().get("verdicts").get("pending").asInt()).isZero();
        assertThat(read.json().get("summary")).hasSize(2);
        cluster.assertInvariants();
    }

    private static void latency(Duration median, Duration p99) {
        cluster.latency(median, p99);
    }

    private static void awaitDb(String what, java.util.function.BooleanSupplier condition) {
        TestApp.await(what, Duration.ofSeconds(60), condition);
    }
}
