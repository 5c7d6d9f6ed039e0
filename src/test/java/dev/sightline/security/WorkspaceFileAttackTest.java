package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.sightline.workspace.WorkspaceFile;

/**
 * A workspace file that means something other than it shows (YAML anchors and aliases, a key given twice), or
 * whose texts hide or forge what they say (ESC, RLO, CR), stops the start with one line naming the file and the
 * field; so do two files with the same workspace slug. Tab and newline stay allowed.
 */
class WorkspaceFileAttackTest {

    static Path yaml(String text) throws Exception {
        Path f = Files.createTempFile("workspace-attack", ".yaml");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    static String read(Path f) {
        try {
            WorkspaceFile.read(f);
            return null;
        } catch (WorkspaceFile.InvalidWorkspaceException e) {
            return e.getMessage();
        }
    }

    @Test
    void anchorsAndAliasesAreRefused() throws Exception {
        // without the check, the alias imports the text "n" as the competitor's name
        Path alias = yaml("""
                workspace: {slug: alias, name: A}
                brand: {name: &n Acme}
                competitors:
                  - {name: *n}
                prompts: [hi]
                """);
        assertThat(read(alias)).isNotNull().startsWith(alias + ": competitors[0].name: ")
                .contains("anchors and aliases");

        Path merge = yaml("""
                workspace: {slug: merge, name: M}
                brand: {name: Acme}
                prompts:
                  - &p {text: hi, tags: [a]}
                  - {<<: *p, text: ho}
                """);
        assertThat(read(merge)).isNotNull().startsWith(merge + ": prompts[0]: ").contains("anchors and aliases");
    }

    @Test
    void aKeyGivenTwiceIsRefused() throws Exception {
        Path inner = yaml("""
                workspace: {slug: twice, name: T}
                brand: {name: Acme, domains: [acme.example], name: Evil}
                prompts: [hi]
                """);
        assertThat(read(inner)).isEqualTo(inner + ": brand.name: the key is given twice");

        Path top = yaml("""
                workspace: {slug: twice, name: T}
                brand: {name: Acme}
                prompts: [hi]
                prompts: [other]
                """);
        assertThat(read(top)).isEqualTo(top + ": prompts: the key is given twice");
    }

    @Test
    void controlCharactersOtherThanTabAndNewlineAreRefused() throws Exception {
        String[][] cases = {
                {"prompts[0].text", "prompts:\n  - text: \"Which CRM \\e[31mis best?\"\n", "U+001B"},
                {"competitors[0].name", "competitors:\n  - {name: \"Hub\\u202ESpot\"}\nprompts: [hi]\n", "U+202E"},
                {"brand.aliases[0]", "prompts: [hi]\n", "U+000D"},
                {"prompts[0].tags[0]", "prompts:\n  - {text: hi, tags: [\"a\\u0007b\"]}\n", "U+0007"},
        };
        for (String[] c : cases) {
            String brand = c[0].startsWith("brand") ? "brand: {name: Acme, aliases: [\"Ac\\rme\"]}\n"
                    : "brand: {name: Acme}\n";
            Path f = yaml("workspace: {slug: ctl, name: C}\n" + brand + c[1]);
            assertThat(read(f)).as(c[0]).isNotNull().startsWith(f + ": " + c[0] + ": ").contains(c[2]);
        }
        Path fine = yaml("""
                workspace: {slug: fine, name: F}
                brand: {name: Acme}
                prompts:
                  - text: "Which CRM\\tis best?\\nFor a team of ten."
                """);
        assertThat(read(fine)).isNull();
        assertThat(WorkspaceFile.read(fine).prompts().get(0).text()).isEqualTo("Which CRM\tis best?\nFor a team of ten.");
    }

    @Test
    void theStartStopsWithOneLineNamingTheFileAndTheField() throws Exception {
        Path alias = yaml("workspace: {slug: a, name: A}\nbrand: {name: &n Acme}\ncompetitors: [{name: *n}]\nprompts: [hi]\n");
        ConfigErrorsTest.Outcome o = ConfigErrorsTest.launch("sightline.workspace.file=" + alias);
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains(alias.toString()).contains("competitors[0].name");
    }

    @Test
    void twoFilesWithTheSameSlugStopTheStart() throws Exception {
        Path first = yaml("workspace: {slug: same, name: First}\nbrand: {name: Acme}\nprompts: [hi]\n");
        Path second = yaml("workspace: {slug: same, name: Second}\nbrand: {name: Evil}\nprompts: [ho]\n");
        ConfigErrorsTest.Outcome o = ConfigErrorsTest.launch("sightline.workspace.file=" + first + "," + second);
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains(second.toString()).contains("workspace.slug")
                .contains(first.toString());
    }
}
