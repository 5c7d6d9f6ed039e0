package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/** Workspace A's token cannot read, trigger or cancel anything of workspace B; tokens are stored hashed. */
class TenantIsolationTest {

    static TestApp app;
    static String tokenB;
    static long workspaceB;

    @BeforeAll
    static void start() throws Exception {
        Path other = Files.createTempFile("workspace-b", ".yaml");
        Files.writeString(other, """
                workspace: {slug: acme-storage, name: Acme Storage, category: cloud storage}
                brand: {name: Acme Drive, domains: [acmedrive.example]}
                competitors:
                  - {name: Dropbox, domains: [dropbox.com]}
                prompts:
                  - text: Which cloud storage is best for a small design studio?
                    tags: [topic:storage]
                """);
        app = TestApp.start("tenants", Map.of("sightline.workspace.file", "examples/demo.yaml," + other));
        workspaceB = app.app().bean(dev.sightline.workspace.WorkspaceRepository.class).findBySlug("acme-storage").orElseThrow().id();
        tokenB = app.app().bean(dev.sightline.workspace.TokenService.class).create(workspaceB, "b").token();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    TestApp.Reply as(String token, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + path));
        b = switch (method) {
            case "POST" -> b.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            case "DELETE" -> b.DELETE();
            default -> b.GET();
        };
        return app.send(b, token);
    }

    @Test
    void anotherWorkspacesRunsAreInvisible() {
        long runA = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
        app.awaitRun(runA, Duration.ofSeconds(30));

        assertThat(as(tokenB, "GET", "/api/runs/" + runA, null).status()).isEqualTo(404);
        assertThat(as(tokenB, "GET", "/api/runs/" + runA + "/cells", null).status()).isEqualTo(404);
        assertThat(as(tokenB, "POST", "/api/runs/" + runA + "/cancel", null).status()).isEqualTo(404);
        assertThat(as(tokenB, "GET", "/api/runs", null).json().get("runs")).isEmpty();

        var created = as(tokenB, "POST", "/api/runs", "{\"providers\":[\"gemini\"]}");
        assertThat(created.status()).isEqualTo(202);
        long runB = created.json().get("id").asLong();
        assertThat(created.json().get("workspace").asText()).isEqualTo("acme-storage");
        assertThat(created.json().get("cellsTotal").asInt()).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM cell c JOIN prompt p ON p.id = c.prompt_id WHERE c.run_id = ? AND p.workspace_id <> ?",
                runB, workspaceB)).isZero();
        assertThat(app.get("/api/runs/" + runB).status()).isEqualTo(404);
        assertThat(app.get("/api/runs").json().get("runs").findValuesAsText("id")).doesNotContain(String.valueOf(runB));
    }

    @Test
    void anotherWorkspacesPromptsDatasetsAndExperimentsAreInvisible() {
        long prompt = app.post("/api/prompts", "{\"name\": \"a-only\", \"type\": \"generator\"}").json()
                .get("id").asLong();
        long version = app.post("/api/prompts/" + prompt + "/versions", "{\"body\": \"Which CRM for a {{team}}?\"}")
                .json().get("id").asLong();
        TestApp.Reply upload = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/datasets?name=a"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("team\nstartup\n")),
                TestApp.TOKEN);
        long dataset = upload.json().get("id").asLong();
        long experiment = app.post("/api/experiments", "{\"promptVersionId\": " + version + ", \"datasetId\": " + dataset
                + ", \"models\": [\"openai\"]}").json().get("id").asLong();

        assertThat(as(tokenB, "GET", "/api/prompts/" + prompt, null).status()).isEqualTo(404);
        assertThat(as(tokenB, "GET", "/api/prompts", null).json().get("prompts")).isEmpty();
        assertThat(as(tokenB, "POST", "/api/prompts/" + prompt + "/versions", "{\"body\": \"x\"}").status())
                .isEqualTo(404);
        assertThat(as(tokenB, "GET", "/api/datasets/" + dataset + "/rows", null).status()).isEqualTo(404);
        assertThat(as(tokenB, "GET", "/api/datasets", null).json().get("datasets")).isEmpty();
        for (String path : new String[] {"", "/cells", "/events", "/cells/1"}) {
            assertThat(as(tokenB, "GET", "/api/experiments/" + experiment + path, null).status()).as(path)
                    .isEqualTo(404);
        }
        assertThat(as(tokenB, "POST", "/api/experiments/" + experiment + "/rerun-failed", null).status())
                .isEqualTo(404);
        assertThat(as(tokenB, "GET", "/api/experiments/compare?a=" + experiment + "&b=" + experiment, null).status())
                .isEqualTo(400);
        // B cannot build on A's prompt versions or datasets either
        var borrowed = as(tokenB, "POST", "/api/experiments", "{\"promptVersionId\": " + version
                + ", \"models\": [\"openai\"]}");
        assertThat(borrowed.status()).isEqualTo(400);
        assertThat(borrowed.json().get("error").get("field").asText()).isEqualTo("promptVersionId");
        // an experiment's run is not a sweep: GET /api/runs/{id} does not show it
        long run = app.get("/api/experiments/" + experiment).json().get("runId").asLong();
        assertThat(app.get("/api/runs/" + run).status()).isEqualTo(404);
    }

    @Test
    void tokensAreCreatedListedRevokedAndStoredHashed() {
        var created = app.post("/api/tokens", "{\"name\":\"ci\"}");
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().get("token").asText();
        long id = created.json().get("id").asLong();
        assertThat(as(token, "GET", "/api/runs", null).status()).isEqualTo(200);

        var list = app.get("/api/tokens");
        assertThat(list.body()).doesNotContain(token);
        assertThat(list.json().get("tokens").findValuesAsText("name")).contains("ci", "bootstrap");
        // a token is told apart by its first characters, never more than a quarter of it
        for (var t : list.json().get("tokens")) {
            String known = t.get("name").asText().equals("ci") ? token
                    : t.get("name").asText().equals("bootstrap") ? TestApp.TOKEN : null;
            if (known != null) {
                assertThat(t.get("prefix").asText()).as(t.toString()).isNotEmpty().hasSizeLessThanOrEqualTo(
                        Math.min(8, known.length() / 4));
                assertThat(known).startsWith(t.get("prefix").asText());
            }
        }
        assertThat(app.count("SELECT count(*) FROM api_token t WHERE t::text LIKE ?", "%" + token + "%")).isZero();
        assertThat(app.count("SELECT count(*) FROM api_token t WHERE t::text LIKE ?", "%" + TestApp.TOKEN + "%")).isZero();

        // B cannot revoke A's token
        assertThat(as(tokenB, "DELETE", "/api/tokens/" + id, null).status()).isEqualTo(404);
        assertThat(as(token, "GET", "/api/runs", null).status()).isEqualTo(200);

        assertThat(app.delete("/api/tokens/" + id).status()).isEqualTo(204);
        assertThat(as(token, "GET", "/api/runs", null).status()).isEqualTo(401);
    }

    @Test
    void bodiesOverOneMegabyteAre413() {
        String big = "{\"providers\":[\"" + "x".repeat(1_100_000) + "\"]}";
        long runs = app.count("SELECT count(*) FROM run");
        var r = app.post("/api/runs", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(app.count("SELECT count(*) FROM run")).isEqualTo(runs);
    }

    /**
     * A read-only token (for a dashboard on a wall, a BI export, a colleague who looks) reads everything of its
     * workspace, opens event streams and analyses text, and is answered 403 for anything that changes what is stored:
     * starting or cancelling runs, prompts, tokens (not even its own revocation), re-analysis.
     */
    @Test
    void aReadOnlyTokenReadsEverythingAndChangesNothing() {
        var created = app.post("/api/tokens", "{\"name\":\"wall\",\"access\":\"read\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("access").asText()).isEqualTo("read");
        String reader = created.json().get("token").asText();
        long readerId = created.json().get("id").asLong();
        long run = app.startRun("{\"providers\":[\"openai\"],\"promptTags\":[\"topic:pricing\"]}");
        app.awaitRun(run, Duration.ofSeconds(30));

        for (String path : new String[] {"/api/runs", "/api/runs/" + run, "/api/runs/" + run + "/cells",
                "/api/runs/" + run + "/report", "/api/metrics", "/api/citations/domains", "/api/prompts", "/api/tokens",
                "/api/health"}) {
            assertThat(as(reader, "GET", path, null).status()).as(path).isEqualTo(200);
        }
        assertThat(as(reader, "GET", "/api/tokens", null).json().get("tokens").findValuesAsText("access"))
                .contains("full", "read");
        assertThat(as(reader, "POST", "/api/events/tickets", null).status()).isEqualTo(201);
        assertThat(as(reader, "POST", "/api/analyze", "{\"brand\":{\"name\":\"Pipedrive\"},"
                + "\"text\":\"Pipedrive is a solid CRM.\"}").status()).isEqualTo(200);

        long runs = app.count("SELECT count(*) FROM run");
        long tokens = app.count("SELECT count(*) FROM api_token");
        long prompts = app.count("SELECT count(*) FROM prompt");
        String[][] writes = {
                {"POST", "/api/runs", "{\"providers\":[\"gemini\"]}"},
                {"POST", "/api/runs/" + run + "/cancel", null},
                {"POST", "/api/runs/" + run + "/reanalyze", null},
                {"POST", "/api/tokens", "{\"name\":\"escalate\",\"access\":\"full\"}"},
                {"DELETE", "/api/tokens/" + readerId, null},
                {"POST", "/api/prompts", "{\"name\": \"p\", \"type\": \"generator\"}"}};
        for (String[] w : writes) {
            TestApp.Reply r = as(reader, w[0], w[1], w[2]);
            assertThat(r.status()).as(w[0] + " " + w[1]).isEqualTo(403);
            assertThat(r.json().get("error").get("field").asText()).isEqualTo("Authorization");
            assertThat(r.json().get("error").get("message").asText()).contains("may only read");
        }
        assertThat(app.count("SELECT count(*) FROM run")).isEqualTo(runs);
        assertThat(app.count("SELECT count(*) FROM api_token")).isEqualTo(tokens);
        assertThat(app.count("SELECT count(*) FROM prompt")).isEqualTo(prompts);
        assertThat(app.count("SELECT count(*) FROM api_token WHERE id = ? AND revoked_at IS NULL", readerId)).isEqualTo(1);

        // full access is the default; an access that does not exist is refused by name
        assertThat(app.post("/api/tokens", "{\"name\":\"by-default\"}").json().get("access").asText())
                .isEqualTo("full");
        TestApp.Reply bad = app.post("/api/tokens", "{\"name\":\"x\",\"access\":\"admin\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").get("field").asText()).isEqualTo("access");
        assertThat(app.count("SELECT count(*) FROM api_token WHERE name = 'x'")).isZero();
    }
}
