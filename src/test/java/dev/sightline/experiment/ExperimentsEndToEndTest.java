package dev.sightline.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.admin.Invariants;
import dev.sightline.testing.ProseProvider;
import dev.sightline.testing.TestApp;

/**
 * Experiments over HTTP, from prompt and dataset to the graded grid: every cell is a provider call of the same
 * pipeline, graded by rules and by a grader prompt (itself a call), summarised per model with its interval, polled
 * incrementally, exported, graded by hand, re-run and compared.
 */
class ExperimentsEndToEndTest {

    static TestApp app;

    static final String CSV = """
            persona,team,need
            founder,a 10-person startup,a cheap CRM
            sales manager,a 40-person sales team,forecasting
            agency owner,"a 15-person agency, remote","clients, projects and invoices"
            consultant,a solo consultancy,a simple CRM
            """;

    /** A provider that answers every request in prose, as a model that ignores the format it was asked for. */
    static ProseProvider prose;

    @BeforeAll
    static void start() {
        prose = new ProseProvider("I think this answer is quite good overall.");
        app = TestApp.start("experiments", prose.settings("prose"));
    }

    @AfterAll
    static void stop() {
        app.close();
        prose.close();
    }

    @Test
    void anExperimentRunsThroughThePipelineAndIsGradedByRulesAndAGraderPrompt() {
        long version = version(prompt("pitch", "generator"),
                "I am a {{persona}} at {{team}}. We need {{need}}. Which CRM should we choose?");
        long grader = version(prompt("pitch-grader", "grader"),
                "Question: {{input}}\nAnswer: {{output}}\nDoes it suit a {{persona}}?");
        long dataset = upload("buyers", "text/csv", CSV).get("id").asLong();

        TestApp.Reply created = app.post("/api/experiments", """
                {"promptVersionId": %d, "datasetId": %d,
                 "models": [{"provider": "openai", "temperature": 0.2}, {"provider": "anthropic", "maxTokens": 500}],
                 "graders": [{"type": "contains", "value": "CRM"}, {"type": "mentions-brand"},
                             {"type": "max-length", "value": 20000}],
                 "graderPromptVersionId": %d, "graderProvider": "gemini", "samples": 2}""".formatted(version, dataset,
                grader));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("cellsTotal").asInt()).isEqualTo(2 * 4 * 2);
        assertThat(created.json().get("estimatedCostUsd").asDouble()).isPositive();
        assertThat(app.count("SELECT count(*) FROM event WHERE type = 'experiment.created' "
                + "AND (payload->>'experimentId')::bigint = ?", id)).isEqualTo(1);

        JsonNode done = await(id);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("counts").get("succeeded").asInt()).isEqualTo(16);
        // one grader call per answer, on the grader's provider, counted among the experiment's calls
        assertThat(done.get("graderCalls").get("succeeded").asInt()).isEqualTo(16);
        assertThat(done.get("calls").get("total").asInt()).isEqualTo(32);
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND kind = 'grader' AND provider = 'gemini'",
                done.get("runId").asLong())).isEqualTo(16);
        // the cells asked what their row and model say
        assertThat(app.count("""
                SELECT count(*) FROM cell c JOIN experiment_cell ec ON ec.cell_id = c.id
                 WHERE ec.experiment_id = ? AND c.prompt_text LIKE 'I am a agency owner at a 15-person agency, remote.%'
                """, id)).isEqualTo(4);
        assertThat(app.count("""
                SELECT count(*) FROM cell c JOIN experiment_cell ec ON ec.cell_id = c.id
                 WHERE ec.experiment_id = ? AND c.provider = 'anthropic' AND c.max_tokens = 500
                   AND c.temperature IS NULL""", id)).isEqualTo(8);

        JsonNode summary = done.get("summary");
        assertThat(summary).hasSize(2);
        for (JsonNode m : summary) {
            assertThat(m.get("n").asInt()).isEqualTo(8);
            assertThat(m.get("rows").asInt()).isEqualTo(4);
            assertThat(m.get("method").asText()).isEqualTo("wilson-design-effect");
            double rate = m.get("passRate").asDouble();
            assertThat(m.get("passRateLow").asDouble()).isBetween(0.0, rate);
            assertThat(m.get("passRateHigh").asDouble()).isBetween(rate, 1.0);
            assertThat(m.get("tokensIn").asLong()).isPositive();
            assertThat(m.get("graderTokensIn").asLong()).isPositive();
            assertThat(m.get("latencyP50Ms").asDouble()).isPositive();
            assertThat(m.get("latencyP95Ms").asDouble()).isGreaterThanOrEqualTo(m.get("latencyP50Ms").asDouble());
        }

        // the grid, polled in pages; every answer has its four grades
        JsonNode page = app.get("/api/experiments/" + id + "/cells?limit=10").json();
        assertThat(page.get("cells")).hasSize(10);
        long next = page.get("nextAfter").asLong();
        JsonNode rest = app.get("/api/experiments/" + id + "/cells?limit=10&after=" + next).json();
        assertThat(rest.get("cells")).hasSize(6);
        assertThat(rest.get("nextAfter").isNull()).isTrue();
        JsonNode cell = page.get("cells").get(0);
        assertThat(cell.get("grades")).hasSize(4);
        assertThat(cell.get("grades").get(3).get("grader").asText()).isEqualTo("prompt");
        assertThat(cell.get("verdict").asText()).isIn("pass", "fail");
        assertThat(cell.get("verdictSource").asText()).isEqualTo("auto");
        String serverTime = page.get("serverTime").asText();

        // a manual grade wins, says so, keeps history, and shows in the next incremental poll
        long cellId = cell.get("id").asLong();
        String flip = cell.get("verdict").asText().equals("pass") ? "fail" : "pass";
        TestApp.Reply graded = put("/api/experiments/" + id + "/cells/" + cellId + "/grade",
                "{\"grade\": \"" + flip + "\", \"note\": \"checked by hand\"}");
        assertThat(graded.status()).as(graded.body()).isEqualTo(200);
        assertThat(graded.json().get("verdict").asText()).isEqualTo(flip);
        assertThat(graded.json().get("verdictSource").asText()).isEqualTo("manual");
        JsonNode changed = app.get("/api/experiments/" + id + "/cells?updatedSince=" + serverTime).json();
        assertThat(changed.get("cells")).extracting(c -> c.get("id").asLong()).contains(cellId);
        put("/api/experiments/" + id + "/cells/" + cellId + "/grade", "{\"grade\": \"unset\"}");
        JsonNode detail = app.get("/api/experiments/" + id + "/cells/" + cellId).json();
        assertThat(detail.get("verdictSource").asText()).isEqualTo("auto");
        assertThat(detail.get("manualGrades")).hasSize(2);
        assertThat(detail.get("prompt").asText()).startsWith("I am a founder");
        assertThat(detail.get("answer").asText()).isNotBlank();
        assertThat(detail.get("graderPrompt").asText()).contains("Does it suit a founder?")
                .contains("\"pass\": true or false");

        // CSV of the whole grid
        TestApp.Reply csv = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/experiments/" + id
                + "/cells")).header("Accept", "text/csv").GET(), TestApp.TOKEN);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body().split("\r\n")[0]).startsWith("cellId,row,sample,modelIndex,provider");
        assertThat(csv.body()).contains("\"I am a agency owner at a 15-person agency, remote.");

        // events: created, cells finished (with the experiment's id), graded, completed
        JsonNode events = app.get("/api/experiments/" + id + "/events?limit=1000").json().get("events");
        assertThat(events).extracting(e -> e.get("type").asText())
                .contains("experiment.created", "cell.finished", "cell.graded", "experiment.completed");
        assertThat(app.count("""
                SELECT count(*) FROM event WHERE type = 'cell.finished' AND (payload->>'experimentId')::bigint = ?""",
                id)).isPositive();

        // a re-run replaces one cell in the grid and reopens the experiment, which finishes again
        TestApp.Reply rerun = app.post("/api/experiments/" + id + "/cells/" + cellId + "/rerun", "");
        assertThat(rerun.status()).as(rerun.body()).isEqualTo(202);
        long newCell = rerun.json().get("rerun").get(0).get("cellId").asLong();
        JsonNode again = await(id);
        assertThat(again.get("status").asText()).isEqualTo("completed");
        assertThat(again.get("cellsTotal").asInt()).isEqualTo(16);
        assertThat(app.count("SELECT count(*) FROM cell WHERE id = ? AND replaced_by = ?", cellId, newCell))
                .isEqualTo(1);
        assertThat(app.get("/api/experiments/" + id + "/cells/" + newCell).json().get("grades")).hasSize(4);
        assertThat(app.post("/api/experiments/" + id + "/cells/" + cellId + "/rerun", "").status()).isEqualTo(409);

        // the same dataset with another prompt version: the difference per model with its interval
        long v2 = version(prompt("pitch-2", "generator"), "As a {{persona}} ({{team}}), which CRM for {{need}}?");
        TestApp.Reply second = app.post("/api/experiments", """
                {"promptVersionId": %d, "datasetId": %d, "models": [{"provider": "openai", "temperature": 0.2}],
                 "graders": [{"type": "contains", "value": "CRM"}]}""".formatted(v2, dataset));
        long id2 = second.json().get("id").asLong();
        await(id2);
        JsonNode compare = app.get("/api/experiments/compare?a=" + id + "&b=" + id2).json();
        assertThat(compare.get("models")).hasSize(1);
        JsonNode diff = compare.get("models").get(0);
        assertThat(diff.get("provider").asText()).isEqualTo("openai");
        assertThat(diff.get("rows").asInt()).isEqualTo(4);
        assertThat(diff.get("differenceLow").asDouble()).isLessThanOrEqualTo(diff.get("difference").asDouble());
        assertThat(diff.get("differenceHigh").asDouble()).isGreaterThanOrEqualTo(diff.get("difference").asDouble());
        assertThat(compare.get("unmatched").get("a").get(0).asText()).isEqualTo("anthropic max=500");

        assertThat(new Invariants(app.app().bean(dev.sightline.store.Jdbc.class), 6, Duration.ofSeconds(4),
                Duration.ofSeconds(64)).check().violations()).isEmpty();
    }

    @Test
    void aGraderReplyThatIsNotJsonIsAGradingErrorWithItsRawTextNeverAPass() {
        long version = version(prompt("raw", "generator"), "Which CRM is best?");
        long grader = version(prompt("raw-grader", "grader"), "Grade this: {{output}}");
        TestApp.Reply created = app.post("/api/experiments", """
                {"promptVersionId": %d, "models": ["openai"], "graderPromptVersionId": %d,
                 "graderProvider": "prose"}""".formatted(version, grader));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode done = await(created.json().get("id").asLong());
        assertThat(done.get("verdicts").get("error").asInt()).isEqualTo(1);
        assertThat(done.get("verdicts").get("pass").asInt()).isZero();
        JsonNode cell = app.get("/api/experiments/" + done.get("id").asLong() + "/cells").json().get("cells").get(0);
        assertThat(cell.get("verdict").asText()).isEqualTo("error");
        JsonNode g = cell.get("grades").get(0);
        assertThat(g.get("pass").isNull()).isTrue();
        assertThat(g.get("error").asText()).contains("not the JSON {pass, score, reason}");
        assertThat(g.get("rawAnswer").asText()).isEqualTo("I think this answer is quite good overall.");
        // an error is not a pass: the rate counts it among the graded, as not passed
        assertThat(done.get("summary").get(0).get("passRate").asDouble()).isZero();
        assertThat(done.get("summary").get(0).get("n").asInt()).isEqualTo(1);
    }

    static long prompt(String name, String type) {
        TestApp.Reply r = app.post("/api/prompts", "{\"name\": \"" + name + "\", \"type\": \"" + type + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    static long version(long prompt, String body) {
        Map<String, String> b = new HashMap<>();
        b.put("body", body);
        TestApp.Reply r = app.post("/api/prompts/" + prompt + "/versions", dev.sightline.values.Json.write(b));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
        return r.json().get("id").asLong();
    }

    static JsonNode upload(String name, String contentType, String body) {
        TestApp.Reply r = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/datasets?name=" + name))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)), TestApp.TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    static TestApp.Reply put(String path, String body) {
        return app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).header("Content-Type",
                "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)), TestApp.TOKEN);
    }

    static JsonNode await(long id) {
        JsonNode[] last = new JsonNode[1];
        TestApp.await("experiment " + id + " to finish", Duration.ofSeconds(60), () -> {
            last[0] = app.get("/api/experiments/" + id).json();
            String s = last[0].get("status").asText();
            return !s.equals("running") && !s.equals("cancelling");
        });
        return last[0];
    }
}
