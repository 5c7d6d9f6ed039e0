package dev.sightline.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * Bad input to prompts, datasets and experiments is refused with a 400 (413 past a size limit) whose body names the
 * field or the limit, and nothing is stored.
 */
class ExperimentInputTest {

    static TestApp app;
    static long generator;
    static long grader;
    static long dataset;

    @BeforeAll
    static void start() {
        app = TestApp.start("experiment_input", Map.of(
                "sightline.datasets.max-rows", "5",
                "sightline.datasets.max-columns", "4",
                "sightline.datasets.max-line-bytes", "2KB"));
        generator = version(prompt("q", "generator"), "Which CRM for a {{team}}?");
        grader = version(prompt("g", "grader"), "Is {{output}} good?");
        dataset = upload("text/csv", "team,size\nstartup,10\nagency,15\n").json().get("id").asLong();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void promptVersionsAreNewOnlyWhenTheBodyChangesAndListTheirPlaceholders() {
        long p = prompt("versions", "generator");
        TestApp.Reply first = app.post("/api/prompts/" + p + "/versions",
                "{\"body\": \"Best {{ category }} for {{team}}? And for {{team}} again.\"}");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("version").asInt()).isEqualTo(1);
        assertThat(first.json().get("variables")).extracting(JsonNode::asText).containsExactly("category", "team");
        TestApp.Reply same = app.post("/api/prompts/" + p + "/versions",
                "{\"body\": \"Best {{ category }} for {{team}}? And for {{team}} again.\"}");
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().get("id").asLong()).isEqualTo(first.json().get("id").asLong());
        assertThat(same.json().get("created").asBoolean()).isFalse();
        TestApp.Reply second = app.post("/api/prompts/" + p + "/versions", "{\"body\": \"Best CRM?\"}");
        assertThat(second.json().get("version").asInt()).isEqualTo(2);
        JsonNode prompt = app.get("/api/prompts/" + p).json();
        assertThat(prompt.get("versions")).hasSize(2);
        assertThat(prompt.get("latestVersion").asInt()).isEqualTo(2);
        // versions are immutable, even for the database's own users
        assertThat(catchSql("UPDATE prompt_version SET body = 'x' WHERE id = " + first.json().get("id").asLong()))
                .contains("immutable");
        assertError(app.post("/api/prompts", "{\"name\": \"versions\", \"type\": \"generator\"}"), 409, null);
        assertError(app.post("/api/prompts", "{\"name\": \"x\", \"type\": \"judge\"}"), 400, "type");
        assertError(app.post("/api/prompts/" + p + "/versions", "{\"body\": \"\"}"), 400, "body");
        assertError(app.post("/api/prompts/" + p + "/versions", "{\"body\": \"a\\u0000b\"}"), 400, "body");
    }

    @Test
    void badDatasetsAreRefusedNamingWhatIsWrongAndNothingIsStored() {
        long before = app.count("SELECT count(*) FROM dataset");
        long rows = app.count("SELECT count(*) FROM dataset_row");
        assertError(upload("text/csv", "team,,size\na,b,c\n"), 400, "columns[1]");
        assertThat(upload("text/csv", "team,size,team\na,b,c\n").json().get("error").get("message").asText())
                .contains("'team' is repeated");
        TestApp.Reply ragged = upload("text/csv", "team,size\nstartup,10\nagency,15,extra\n");
        assertError(ragged, 400, "body");
        assertThat(ragged.json().get("error").get("message").asText()).contains("row 2").contains("3 fields");
        assertError(upload("text/csv", "team,size\n\"unterminated,10\n"), 400, "body");
        byte[] latin1 = "team,size\ncaf\u00e9,10\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        TestApp.Reply notUtf8 = uploadBytes("text/csv", latin1);
        assertError(notUtf8, 400, "body");
        assertThat(notUtf8.json().get("error").get("message").asText()).contains("UTF-8");
        assertThat(uploadBytes("application/json", "[{\"team\": \"caf\u00e9\"}]".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1)).json().get("error").get("message").asText())
                .contains("UTF-8");
        assertError(upload("application/json", "{\"team\": \"a\"}"), 400, "body");
        assertError(upload("application/json", "[{\"team\": \"a\"}, 3]"), 400, "rows[1]");
        assertError(upload("application/json", "[{\"team\": \"a\", \"team\": \"b\"}]"), 400, "body");
        assertError(upload("application/json", "[{\"\": \"a\"}]"), 400, "rows[0]");
        assertError(upload("text/plain", "team\na\n"), 400, "Content-Type");
        assertError(upload("text/csv", "team\nok\na\u0000b\n"), 400, "rows[1]");
        assertError(upload("application/json", "[{\"team\": \"a\\u0000b\"}]"), 400, "rows[0]");
        // the limits, each named
        TestApp.Reply tooMany = upload("text/csv", "team\na\nb\nc\nd\ne\nf\n");
        assertError(tooMany, 413, "rows");
        assertThat(tooMany.json().get("error").get("message").asText()).contains("sightline.datasets.max-rows");
        TestApp.Reply wide = upload("text/csv", "a,b,c,d,e\n1,2,3,4,5\n");
        assertError(wide, 400, "columns");
        assertThat(wide.json().get("error").get("message").asText()).contains("sightline.datasets.max-columns");
        TestApp.Reply longLine = upload("text/csv", "team\n" + "x".repeat(3000) + "\n");
        assertError(longLine, 413, "body");
        assertThat(longLine.json().get("error").get("message").asText()).contains("sightline.datasets.max-line-bytes");
        TestApp.Reply longRow = upload("text/csv", "team\n\"" + "x\n".repeat(40_000) + "\"\n");
        assertError(longRow, 413, "body");
        assertThat(app.count("SELECT count(*) FROM dataset")).isEqualTo(before);
        assertThat(app.count("SELECT count(*) FROM dataset_row")).isEqualTo(rows);
    }

    @Test
    void datasetsKeepTheirRowsInOrderWithChecksumsAndPage() {
        JsonNode d = upload("application/json", """
                [{"team": "startup", "size": 10}, {"team": "agency", "notes": "remote, \\"fast\\""},
                 {"team": "\\u00e9quipe"}]""").json();
        assertThat(d.get("columns")).extracting(JsonNode::asText).containsExactly("team", "size", "notes");
        assertThat(d.get("rows").asInt()).isEqualTo(3);
        JsonNode page = app.get("/api/datasets/" + d.get("id").asLong() + "/rows?limit=2").json();
        assertThat(page.get("rows")).hasSize(2);
        assertThat(page.get("rows").get(0).get("index").asInt()).isZero();
        assertThat(page.get("rows").get(0).get("checksum").asText()).hasSize(64);
        assertThat(page.get("rows").get(1).get("data").get("notes").asText()).isEqualTo("remote, \"fast\"");
        JsonNode rest = app.get("/api/datasets/" + d.get("id").asLong() + "/rows?limit=2&after="
                + page.get("nextAfter").asInt()).json();
        assertThat(rest.get("rows").get(0).get("data").get("team").asText()).isEqualTo("\u00e9quipe");
        assertThat(rest.get("nextAfter").isNull()).isTrue();
        // a byte order mark is not part of the first column's name
        JsonNode bom = upload("text/csv", "\uFEFFteam,size\r\na,1\r\n").json();
        assertThat(bom.get("columns").get(0).asText()).isEqualTo("team");
    }

    @Test
    void badExperimentsAreRefusedNamingTheField() {
        long experiments = app.count("SELECT count(*) FROM experiment");
        long cells = app.count("SELECT count(*) FROM cell");
        String ok = "\"promptVersionId\": " + generator + ", \"datasetId\": " + dataset;
        assertError(create("{" + ok + ", \"models\": [{\"provider\": \"nobody\"}]}"), 400, "models[0].provider");
        assertError(create("{" + ok + ", \"models\": [\"openai\", \"anthropic\", \"gemini\", \"perplexity\", \"openai\"]}"),
                400, "models");
        assertError(create("{" + ok + ", \"models\": []}"), 400, "models");
        assertError(create("{" + ok + ", \"models\": [{\"provider\": \"openai\", \"temperature\": 3}]}"), 400,
                "models[0].temperature");
        assertError(create("{" + ok + ", \"models\": [{\"provider\": \"openai\", \"maxTokens\": 0}]}"), 400,
                "models[0].maxTokens");
        assertError(create("{" + ok + ", \"models\": [{\"provider\": \"openai\", \"top_p\": 1}]}"), 400,
                "models[0].top_p");
        // a grader prompt where a generator is needed, and the other way round
        assertError(create("{\"promptVersionId\": " + grader + ", \"datasetId\": " + dataset
                + ", \"models\": [\"openai\"]}"), 400, "promptVersionId");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"graderPromptVersionId\": " + generator + "}"), 400,
                "graderPromptVersionId");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"graderPromptVersionId\": " + grader
                + ", \"graderProvider\": \"nobody\"}"), 400, "graderProvider");
        // a placeholder without a column names the placeholder
        TestApp.Reply missing = create("{\"promptVersionId\": " + generator + ", \"models\": [\"openai\"]}");
        assertError(missing, 400, "promptVersionId");
        assertThat(missing.json().get("error").get("message").asText()).contains("{{team}}");
        long other = version(prompt("needs-region", "generator"), "CRM for {{team}} in {{region}}?");
        assertThat(create("{\"promptVersionId\": " + other + ", \"datasetId\": " + dataset
                + ", \"models\": [\"openai\"]}").json().get("error").get("message").asText()).contains("{{region}}")
                .contains("columns: team, size");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"graders\": [{\"type\": \"regex\", \"value\": \"(\"}]}"),
                400, "graders[0].value");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"graders\": [{\"type\": \"is-json\", "
                + "\"schema\": {\"type\": 12}}]}"), 400, "graders[0].schema");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"graders\": [{\"type\": \"smells-good\"}]}"), 400,
                "graders[0].type");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"graders\": [{\"type\": \"sentiment-is\", "
                + "\"value\": \"happy\"}]}"), 400, "graders[0].value");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"graders\": [{\"type\": \"mentions-brand\", "
                + "\"entity\": \"Nobody Inc\"}]}"), 400, "graders[0].entity");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"graders\": [{\"type\": \"max-length\"}]}"), 400,
                "graders[0].value");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"samples\": 0}"), 400, "samples");
        assertError(create("{" + ok + ", \"models\": [\"openai\"], \"colour\": \"red\"}"), 400, "colour");
        assertError(create("{\"promptVersionId\": 999999, \"models\": [\"openai\"]}"), 400, "promptVersionId");
        assertError(create("{" + ok.replace("\"datasetId\": " + dataset, "\"datasetId\": 999999")
                + ", \"models\": [\"openai\"]}"), 400, "datasetId");
        assertThat(app.count("SELECT count(*) FROM experiment")).isEqualTo(experiments);
        assertThat(app.count("SELECT count(*) FROM cell")).isEqualTo(cells);
        assertThat(app.get("/api/experiments/999999").status()).isEqualTo(404);
    }

    static void assertError(TestApp.Reply r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode error = r.json().get("error");
        if (field == null) {
            assertThat(error.get("field")).as(r.body()).isNull();
        } else {
            assertThat(error.get("field").asText()).as(r.body()).isEqualTo(field);
        }
    }

    static TestApp.Reply create(String body) {
        return app.post("/api/experiments", body);
    }

    static long prompt(String name, String type) {
        return app.post("/api/prompts", "{\"name\": \"" + name + "\", \"type\": \"" + type + "\"}").json()
                .get("id").asLong();
    }

    static long version(long prompt, String body) {
        return app.post("/api/prompts/" + prompt + "/versions", dev.sightline.values.Json.write(Map.of("body", body)))
                .json().get("id").asLong();
    }

    static TestApp.Reply upload(String contentType, String body) {
        return uploadBytes(contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static TestApp.Reply uploadBytes(String contentType, byte[] body) {
        return app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/datasets?name=d"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)), TestApp.TOKEN);
    }

    static String catchSql(String sql) {
        try {
            app.sql(sql);
            return "";
        } catch (AssertionError e) {
            return String.valueOf(e.getCause());
        }
    }
}
