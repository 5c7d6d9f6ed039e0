package dev.sightline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.sightline.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * {@code --once} never waits silently: when the day's budget holds the run's cells back it says so and ends with
 * exit 5, naming the cap and the cells left; {@code --wait-for-budget} is the way to wait.
 */
class OnceBudgetTest {

    @Test
    void aRunPausedByTheBudgetEndsTheCommandWithExitFiveAndSaysWhy() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "-Dsightline.db.url=" + TestPostgres.newDatabase("once_budget"), "-Dsightline.db.user=postgres",
                // the demo workspace's first answers spend more than this cap (--force starts the run over its
                // estimate): the rest of the run waits for the next day
                "-Dsightline.budget.daily-usd=0.0001",
                "-Dsightline.simulator.latency-median=20ms", "-Dsightline.simulator.latency-p99=40ms",
                "dev.sightline.Sightline", "--once", "--force"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(Sightline.PAUSED_BUDGET);
        assertThat(out).contains("paused_budget").contains("reached its cap of $0.0001").contains("pending cells")
                .contains("--wait-for-budget");
    }
}
