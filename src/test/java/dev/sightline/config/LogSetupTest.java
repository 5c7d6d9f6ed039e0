package dev.sightline.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

/**
 * The app's logging set up in code: what the jar's start gets (the tests themselves log through logback-test.xml,
 * which this set-up defers to, as it does to -Dlogback.configurationFile).
 */
class LogSetupTest {

    @Test
    void oneConsoleOnStandardErrorTheLibrariesQuietAndTheWireLogsOffWhateverTheLevel() {
        LoggerContext lc = new LoggerContext();
        LogSetup.apply(lc, Level.TRACE);
        var root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var console = (ConsoleAppender<?>) root.getAppender("CONSOLE");
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(console.isStarted()).isTrue();
        assertThat(lc.getLogger("dev.sightline.run.RunService").getEffectiveLevel()).isEqualTo(Level.TRACE);
        assertThat(lc.getLogger("org.apache.camel.component.seda.SedaConsumer").getEffectiveLevel())
                .isEqualTo(Level.WARN);
        assertThat(lc.getLogger("org.apache.camel.impl.engine.AbstractCamelContext").getEffectiveLevel())
                .isEqualTo(Level.INFO);
        // request headers carry API keys: never logged, even with the app at TRACE
        assertThat(lc.getLogger("org.apache.hc.client5.http.wire").getEffectiveLevel()).isEqualTo(Level.OFF);
        assertThat(lc.getLogger("org.apache.hc.client5.http.headers.x").getEffectiveLevel()).isEqualTo(Level.OFF);
    }

    /** What the app's console writes for one event of {@code logger}. */
    static String written(String logger, Level level, String message, Throwable failure, Object... args) {
        LoggerContext lc = new LoggerContext();
        LogSetup.apply(lc, Level.INFO);
        var console = (ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>) lc.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
        var event = new ch.qos.logback.classic.spi.LoggingEvent("x", lc.getLogger(logger), level, message, failure,
                args);
        return new String(console.getEncoder().encode(event), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aLineBreakInAMessageCannotForgeALogLine() {
        String line = written("dev.sightline.api.Datasets", Level.INFO, "Dataset '{}' stored", null,
                "x' stored\n11:59:59.999 ERROR [main] d.s.a.ApiAuth - forged\r\nend");
        assertThat(line.lines()).hasSize(1);
        assertThat(line).contains("x' stored\\n11:59:59.999 ERROR [main] d.s.a.ApiAuth - forged\\nend' stored");
    }

    @Test
    void aLineBreakInAnExceptionsMessageCannotForgeALogLineEither() {
        var failure = new IllegalStateException("bad value 'x\n11:59:59.999 ERROR [main] d.s.a.ApiAuth - forged'",
                new IllegalArgumentException("inner\r\n11:59:59.998 INFO  [main] d.s.a.ApiAuth - forged too"));
        String out = written("dev.sightline.http.ErrorPages", Level.ERROR, "HTTP 500 failed", failure);
        java.util.List<String> lines = out.lines().toList();
        // one line of the event's own, then the stack trace: every other line a frame, a cause or indented
        assertThat(lines.get(0)).endsWith("HTTP 500 failed");
        assertThat(lines.stream().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))).hasSize(1);
        assertThat(lines).contains("java.lang.IllegalStateException: bad value 'x",
                "\t11:59:59.999 ERROR [main] d.s.a.ApiAuth - forged'");
        assertThat(lines.stream().filter(l -> l.startsWith("Caused by: java.lang.IllegalArgumentException"))).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("java.lang.IllegalStateException"))).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("\tat "))).isNotEmpty();
    }

    @Test
    void theAppsLevelComesFromSightlineLogLevelAndDefaultsToInfo() {
        String before = System.getProperty("SIGHTLINE_LOG_LEVEL");
        try {
            System.setProperty("SIGHTLINE_LOG_LEVEL", "DEBUG");
            assertThat(LogSetup.level()).isEqualTo(Level.DEBUG);
            System.setProperty("SIGHTLINE_LOG_LEVEL", "loud");
            assertThat(LogSetup.level()).isEqualTo(Level.INFO);
        } finally {
            if (before == null) {
                System.clearProperty("SIGHTLINE_LOG_LEVEL");
            } else {
                System.setProperty("SIGHTLINE_LOG_LEVEL", before);
            }
        }
    }

    @Test
    void aLogbackFileOnTheClassPathOrNamedOnTheCommandLineIsUsedInstead() {
        // logback-test.xml is on the tests' class path
        assertThat(new LogSetup().configure(new LoggerContext())).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
