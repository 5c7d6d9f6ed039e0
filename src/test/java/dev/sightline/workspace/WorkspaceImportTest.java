package dev.sightline.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sightline.store.Database;
import dev.sightline.store.Jdbc;
import dev.sightline.testing.TestPostgres;

/**
 * Importing a workspace file again: prompts it no longer lists are deactivated, new and changed ones are written, one
 * that comes back is active again, and an unchanged prompt is left as it is (a start that changes nothing writes
 * nothing); prompts keep the file's order.
 */
class WorkspaceImportTest {

    private static final String HEAD = """
            workspace: {slug: imports, name: Imports}
            brand: {name: Acme, aliases: [Acme CRM], domains: [acme.com]}
            competitors:
              - {name: Zento, domains: [zento.io]}
            prompts:
            """;

    private static WorkspaceFile file(String prompts) throws Exception {
        Path f = Files.createTempFile("workspace", ".yaml");
        Files.writeString(f, HEAD + prompts);
        return WorkspaceFile.read(f);
    }

    @Test
    void aSecondImportChangesOnlyWhatChanged() throws Exception {
        try (Database db = Database.open(new Database.Settings(TestPostgres.newDatabase("workspace_import"), "postgres",
                "", 2, Path.of("unused"), 0, Duration.ofSeconds(5)))) {
            Jdbc jdbc = new Jdbc(db.dataSource());
            WorkspaceRepository repo = new WorkspaceRepository(jdbc);
            repo.importFile(file("""
                      - {text: "Best CRM for a startup?", tags: [topic:crm]}
                      - {text: "Cheapest CRM?", tags: [topic:pricing]}
                      - "Which CRM integrates with Gmail?"
                    """));
            assertThat(jdbc.query("SELECT text FROM prompt ORDER BY id", rs -> rs.getString(1)))
                    .containsExactly("Best CRM for a startup?", "Cheapest CRM?", "Which CRM integrates with Gmail?");
            Map<String, Object> before = jdbc.queryOne("""
                    SELECT updated_at, xmin::text AS version FROM prompt WHERE text = 'Best CRM for a startup?'""",
                    rs -> Map.<String, Object>of("at", rs.getObject(1), "xmin", rs.getString(2))).orElseThrow();

            WorkspaceRepository.ImportResult second = repo.importFile(file("""
                      - {text: "Best CRM for a startup?", tags: [topic:crm]}
                      - {text: "Cheapest CRM?", tags: [topic:pricing, stage:decision]}
                      - "A CRM for agencies?"
                    """));
            assertThat(second.activePrompts()).isEqualTo(3);
            assertThat(second.deactivatedPrompts()).isEqualTo(1);
            assertThat(jdbc.query("SELECT text, active, tags FROM prompt ORDER BY id", rs -> rs.getString(1) + "|"
                    + rs.getBoolean(2) + "|" + List.of((String[]) rs.getArray(3).getArray())))
                    .containsExactly("Best CRM for a startup?|true|[topic:crm]",
                            "Cheapest CRM?|true|[topic:pricing, stage:decision]",
                            "Which CRM integrates with Gmail?|false|[]",
                            "A CRM for agencies?|true|[]");
            // the unchanged prompt's row was not rewritten
            assertThat(jdbc.queryOne("""
                    SELECT updated_at, xmin::text FROM prompt WHERE text = 'Best CRM for a startup?'""",
                    rs -> Map.<String, Object>of("at", rs.getObject(1), "xmin", rs.getString(2))).orElseThrow())
                    .isEqualTo(before);

            // a prompt that comes back is active again, with the file's tags
            repo.importFile(file("""
                      - {text: "Which CRM integrates with Gmail?", tags: [topic:integrations]}
                    """));
            assertThat(jdbc.query("SELECT text FROM prompt WHERE active ORDER BY id", rs -> rs.getString(1)))
                    .containsExactly("Which CRM integrates with Gmail?");
            assertThat(jdbc.queryOne("SELECT tags FROM prompt WHERE text = 'Which CRM integrates with Gmail?'",
                    rs -> List.of((String[]) rs.getArray(1).getArray())).orElseThrow())
                    .containsExactly("topic:integrations");
        }
    }
}
