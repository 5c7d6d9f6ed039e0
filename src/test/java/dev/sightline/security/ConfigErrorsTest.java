package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestPostgres;

/** A wrong setting stops the app at start with exit code 2 and one line naming the setting. */
class ConfigErrorsTest {

    record Outcome(int exit, String stdout, List<String> errorLines) {
    }

    static Outcome launch(String... properties) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "-Dsightline.db.url=" + TestPostgres.newDatabase("config_errors"), "-Dsightline.db.user=postgres"));
        for (String p : properties) {
            cmd.add("-D" + p);
        }
        cmd.addAll(List.of("dev.sightline.Sightline", "--once"));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), out, err.lines().filter(l -> l.startsWith("sightline:")).toList());
    }

    @Test
    void invalidCron() throws Exception {
        Outcome o = launch("sightline.schedule.cron=0 0 25 * * ?");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.schedule.cron").contains("Hour");
    }

    @Test
    void unknownProviderKind() throws Exception {
        Outcome o = launch("sightline.providers.openai.kind=open-ai");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.providers.openai.kind=open-ai").contains("openai-chat");
    }

    @Test
    void missingKeyWithoutTheSimulator() throws Exception {
        Outcome o = launch("sightline.simulator.enabled=false");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.providers.").contains("api-key");
    }

    @Test
    void aJudgeThatIsNoProvider() throws Exception {
        Outcome o = launch("sightline.analysis.judge=oracle");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.analysis.judge=oracle").contains("openai");
    }

    @Test
    void aDatasetLimitThatIsNoSize() throws Exception {
        Outcome o = launch("sightline.datasets.max-line-bytes=a lot");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.datasets.max-line-bytes").contains("1MB");
    }
}
