package dev.sightline.config;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The app's logging, set up in code (logback finds it through {@code META-INF/services}): one line per event on
 * standard error, {@code dev.sightline} at {@code SIGHTLINE_LOG_LEVEL} (INFO by default; a system property or an
 * environment variable), the libraries' chatter at WARN, and Apache HttpClient's wire and header logs, which print
 * request headers with the API keys in them, off whatever the root level is. Reading the same from an XML file cost
 * some 60 ms of a cold start, before anything else could begin. A file given with
 * {@code -Dlogback.configurationFile=...} (or a {@code logback-test.xml} on the class path) is used instead, as
 * logback would.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    /**
     * One event, one line: a line break inside a message (a dataset's or competitor's name, anything a request
     * carried) is written as {@code \n}, so no value can forge a log line of its own. A stack trace still follows
     * on lines of its own; a line of it that is no frame ({@code \tat ...}, {@code \t... n common frames}) or cause
     * ({@code Caused by: }), which only a line break in an exception's message makes, starts with a tab, so it cannot
     * pass for a log line either.
     */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - "
            + "%replace(%msg){'\\r\\n|\\r|\\n', '\\\\n'}%n"
            + "%replace(%ex){'(\\r\\n|\\r|\\n)(?!\\t|Caused by: |\\z)', '$1\t'}";

    /** Loggers other than {@code dev.sightline} and the root (INFO), with their levels. */
    static final Map<String, Level> LEVELS = Map.ofEntries(
            Map.entry("org.apache.camel", Level.WARN),
            Map.entry("org.apache.camel.main.MainSupport", Level.INFO),
            Map.entry("org.apache.camel.impl.engine.AbstractCamelContext", Level.INFO),
            // what a stop waits for, once a second, when exchanges are still in flight
            Map.entry("org.apache.camel.impl.engine.DefaultShutdownStrategy", Level.INFO),
            Map.entry("io.zonky", Level.WARN),
            Map.entry("org.flywaydb", Level.WARN),
            Map.entry("com.zaxxer.hikari", Level.WARN),
            Map.entry("org.quartz", Level.WARN),
            Map.entry("io.vertx", Level.WARN),
            Map.entry("io.netty", Level.WARN),
            Map.entry("org.apache.hc.client5.http.wire", Level.OFF),
            Map.entry("org.apache.hc.client5.http.headers", Level.OFF));

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, level());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void apply(LoggerContext context, Level sightline) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.getLogger("dev.sightline").setLevel(sightline);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    /** {@code SIGHTLINE_LOG_LEVEL} from the system properties, else the environment; INFO when absent or unknown. */
    static Level level() {
        String v = System.getProperty("SIGHTLINE_LOG_LEVEL", System.getenv("SIGHTLINE_LOG_LEVEL"));
        return Level.toLevel(v, Level.INFO);
    }
}
