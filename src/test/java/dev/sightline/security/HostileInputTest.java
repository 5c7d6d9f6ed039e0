package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;
import dev.sightline.workspace.WorkspaceFile;

/**
 * SQL fragments, quotes, emoji, 100 kB prompts, NUL bytes and invalid UTF-8: stored and analysed verbatim, or
 * refused with a clear error, and nothing else in the database changes.
 */
class HostileInputTest {

    static final String SQL_NAME = "Robert'); DROP TABLE run;--";
    static final String EMOJI_PROMPT = "Which CRM is best 🚀 for a \"quoted\" 'team' -- with ; semicolons /* and */ $$dollar$$?";
    static final String LONG_PROMPT = "Which CRM fits this long brief? " + "We sell B2B software to mid-market firms. ".repeat(2400);
    static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        Path ws = Files.createTempFile("hostile", ".yaml");
        Files.writeString(ws, """
                workspace: {slug: hostile, name: "Bobby Tables' CRM \\"Inc\\" 🚀"}
                brand: {name: "%s", aliases: ["Bob's CRM 🚀", "C++ (Pro) .* [x]"], domains: [bobby.example]}
                competitors:
                  - {name: "HubSpot", aliases: ["Hub'Spot\\\\"]}
                prompts:
                  - text: "%s"
                    tags: ["topic:émoji / a+b"]
                  - text: "%s"
                """.formatted(SQL_NAME, EMOJI_PROMPT.replace("\"", "\\\""), LONG_PROMPT), StandardCharsets.UTF_8);
        app = TestApp.start("hostile", Map.of("sightline.workspace.file", ws.toString()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void hostileTextIsStoredVerbatimAndRunsThroughThePipeline() {
        assertThat(app.count("SELECT count(*) FROM entity WHERE name = ?", SQL_NAME)).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM prompt WHERE text = ?", EMOJI_PROMPT)).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM prompt WHERE text = ?", LONG_PROMPT.strip())).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM prompt WHERE ? = ANY (tags)", "topic:émoji / a+b")).isEqualTo(1);
        assertThat(app.count("SELECT count(*) FROM workspace WHERE name = ?", "Bobby Tables' CRM \"Inc\" 🚀")).isEqualTo(1);

        long runId = app.startRun("{\"providers\":[\"openai\",\"anthropic\"]}");
        var run = app.awaitRun(runId, Duration.ofSeconds(60));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(app.count("SELECT count(*) FROM analysis a JOIN response s ON s.id = a.response_id JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ? AND a.error IS NULL", runId))
                .isEqualTo(4);
        assertThat(app.count("SELECT count(*) FROM run")).isEqualTo(1);
    }

    @Test
    void hostileApiInputIsRefusedAndChangesNothing() {
        long runs = app.count("SELECT count(*) FROM run");
        long prompts = app.count("SELECT count(*) FROM prompt");
        var tag = app.post("/api/runs", "{\"promptTags\":[\"'; DROP TABLE cell; --\"]}");
        assertThat(tag.status()).isEqualTo(400);
        assertThat(tag.json().get("error").get("field").asText()).isEqualTo("promptTags");

        byte[] invalidUtf8 = {'{', '"', 'p', 'r', 'o', 'v', 'i', 'd', 'e', 'r', 's', '"', ':', '[', '"', (byte) 0xC3, (byte) 0x28, '"', ']', '}'};
        var bad = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8)), TestApp.TOKEN);
        assertThat(bad.status()).isEqualTo(400);

        var nul = app.post("/api/tokens", "{\"name\":\"a\\u0000b\"}");
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.json().get("error").get("field").asText()).isEqualTo("name");

        var emoji = app.post("/api/tokens", "{\"name\":\"ci 🚀 'quoted' \\\"x\\\"\"}");
        assertThat(emoji.status()).isEqualTo(201);
        assertThat(app.get("/api/tokens").json().get("tokens").findValuesAsText("name")).contains("ci 🚀 'quoted' \"x\"");

        assertThat(app.count("SELECT count(*) FROM run")).isEqualTo(runs);
        assertThat(app.count("SELECT count(*) FROM prompt")).isEqualTo(prompts);
        assertThat(app.count("SELECT count(*) FROM cell")).isEqualTo(app.count("SELECT coalesce(sum(cells_total), 0) FROM run"));
    }

    @Test
    void workspaceFilesWithNulBytesOrInvalidUtf8AreRefusedNamingTheField() throws Exception {
        Path nul = Files.createTempFile("nul", ".yaml");
        Files.writeString(nul, "workspace: {slug: nul, name: N}\nbrand: {name: \"Acme\\0Corp\"}\nprompts: [\"hi\"]\n");
        assertThatThrownBy(() -> WorkspaceFile.read(nul)).hasMessageContaining("brand.name").hasMessageContaining("NUL");

        Path latin1 = Files.createTempFile("latin1", ".yaml");
        Files.write(latin1, "workspace: {slug: l, name: Caf\u00e9}\nbrand: {name: A}\nprompts: [x]\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> WorkspaceFile.read(latin1)).hasMessageContaining("not valid UTF-8");

        Path sqlTag = Files.createTempFile("sqltag", ".yaml");
        Files.writeString(sqlTag, "workspace: {slug: t, name: T}\nbrand: {name: A}\nprompts:\n  - {text: hi, tags: [\"x'; DELETE FROM prompt;--\"]}\n");
        assertThatThrownBy(() -> WorkspaceFile.read(sqlTag)).hasMessageContaining("prompts[0].tags[0]");

        long prompts = app.count("SELECT count(*) FROM prompt");
        assertThatThrownBy(() -> TestApp.start(app.jdbcUrl(), Map.of("sightline.workspace.file", nul.toString()), true))
                .hasMessageContaining("NUL");
        assertThat(app.count("SELECT count(*) FROM prompt")).isEqualTo(prompts);
        assertThat(app.count("SELECT count(*) FROM workspace")).isEqualTo(1);
    }
}
