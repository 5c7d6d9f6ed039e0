package dev.sightline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import dev.sightline.store.Jdbc;

/** A one-off of the pricing prompts on openai, as {@code --once} runs it, for the tests of what a one-off does. */
final class PricingOneOff {

    /** Work on the started app before its run is planned (set up the database, say). */
    interface Before {
        void accept(SightlineApp app) throws Exception;
    }

    /** What the one-off printed, and its run. */
    record Result(String printed, long runId) {
    }

    private PricingOneOff() {
    }

    static Result run(Properties settings) throws Exception {
        return run(settings, app -> { });
    }

    /** Runs it to the end and requires it to exit OK. */
    static Result run(Properties settings, Before before) throws Exception {
        SightlineApp app = new SightlineApp(settings, SightlineApp.Mode.ONCE);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            app.start();
            before.accept(app);
            int exit = new OnceRunner(app, new PrintStream(printed, true, StandardCharsets.UTF_8))
                    .run(List.of("openai"), List.of("topic:pricing"), 1, false, false);
            assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isEqualTo(Sightline.OK);
            long runId = app.bean(Jdbc.class).queryOne("SELECT max(id) FROM run", rs -> rs.getLong(1)).orElseThrow();
            return new Result(printed.toString(StandardCharsets.UTF_8), runId);
        } finally {
            app.stop();
        }
    }
}
