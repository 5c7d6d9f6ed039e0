package dev.sightline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestPostgres;

/**
 * {@code java -jar sightline.jar --experiment FILE} in its own JVM, as CI would run it: the shipped example runs
 * offline on the simulator; the exit code is 0 when every graded answer passed, 3 when one did not, 2 for a bad file.
 */
class ExperimentCliTest {

    static String db;
    static Path dir;

    record Outcome(int exit, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws IOException {
        db = TestPostgres.newDatabase("experiment_cli");
        dir = Files.createDirectories(Path.of("target", "experiment-cli"));
        Files.copy(Path.of("experiments", "crm-buyers.csv"), dir.resolve("buyers.csv"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static Outcome run(String file) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "-Dsightline.db.url=" + db, "-Dsightline.db.user=postgres",
                "-Dsightline.simulator.latency-median=5ms", "-Dsightline.simulator.latency-p99=20ms",
                "-Dsightline.simulator.day=2026-11-20", "dev.sightline.Sightline", "--experiment", file));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), out, err);
    }

    static String file(String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f.toString();
    }

    @Test
    void theShippedExampleRunsOfflineAndPrintsTheGridsSummary() throws Exception {
        Outcome first = run("experiments/crm-pitch.yaml");
        assertThat(first.exit()).as(first.out() + first.err()).isIn(Sightline.OK, Sightline.RUN_HAD_FAILURES);
        assertThat(first.out()).contains("'crm-buyers.csv' imported: 8 rows, columns [persona, team, need]")
                .contains("24 cells (3 models x 8 rows x 1 sample)")
                .contains("pass rate").contains("95% interval")
                .contains("openai t=0.2").contains("anthropic max=800").contains("gemini");
        // again: the same prompt version and dataset are used, nothing is imported twice
        Outcome second = run("experiments/crm-pitch.yaml");
        assertThat(second.out()).doesNotContain("rows, columns").contains("24 cells");
    }

    @Test
    void exitCodesTellCiWhetherEveryGradedAnswerPassed() throws Exception {
        String passes = file("passes.yaml", """
                name: cli-passes
                prompt: "As a {{persona}} at {{team}}, which CRM for {{need}}?"
                dataset: buyers.csv
                models: [openai]
                graders: [{type: max-length, value: 100000}]
                """);
        Outcome ok = run(passes);
        assertThat(ok.exit()).as(ok.out() + ok.err()).isEqualTo(Sightline.OK);
        assertThat(ok.out()).contains("8/8").contains("100.0%");

        String fails = file("fails.yaml", """
                name: cli-fails
                prompt: "Which CRM for {{need}}?"
                dataset: buyers.csv
                models: [anthropic]
                graders: [{type: contains, value: "zz-never-in-an-answer"}]
                """);
        Outcome failed = run(fails);
        assertThat(failed.exit()).as(failed.out() + failed.err()).isEqualTo(Sightline.RUN_HAD_FAILURES);
        assertThat(failed.out()).contains("0/8").contains("Not passed").contains("does not contain 'zz-never");

        Outcome typo = run(file("typo.yaml", "name: x\nprompt: hi\nmodle: [openai]\n"));
        assertThat(typo.exit()).isEqualTo(Sightline.BAD_CONFIGURATION);
        assertThat(typo.err()).contains("unknown field 'modle'");
        Outcome provider = run(file("provider.yaml", "name: y\nprompt: hi\nmodels: [nobody]\n"));
        assertThat(provider.exit()).isEqualTo(Sightline.BAD_CONFIGURATION);
        assertThat(provider.out()).contains("models[0]: unknown provider 'nobody'");
    }
}
