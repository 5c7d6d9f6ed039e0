package dev.sightline.telemetry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.store.Jdbc;

/**
 * Gauges read from the database, the same on every node: cells of running runs by status, due cells waiting per
 * provider, the analysis queue and its age, webhook deliveries waiting. One statement reads them all, at most once per
 * {@code sightline.metrics.refresh}, whatever the number of series or scrapes; in between, and while the database is
 * unreachable, scrapes see the last values read.
 */
final class DatabaseGauges {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseGauges.class);

    private static final String SNAPSHOT = """
            SELECT 'cells' AS kind, c.status AS k, count(*)::float8 AS v
              FROM run r JOIN cell c ON c.run_id = r.id WHERE r.status = 'running' GROUP BY c.status
            UNION ALL
            SELECT 'due', provider, count(*) FROM cell
             WHERE status = 'pending' AND next_attempt_at <= now() GROUP BY provider
            UNION ALL
            SELECT 'analysis', 'queued', count(*) FROM analysis_queue
            UNION ALL
            SELECT 'analysis', 'lag', coalesce(extract(epoch FROM now() - min(queued_at)), 0) FROM analysis_queue
            UNION ALL
            SELECT 'webhooks', status, count(*) FROM webhook_delivery
             WHERE status IN ('pending', 'sending') GROUP BY status
            UNION ALL
            SELECT 'runs', 'running', count(*) FROM run WHERE status = 'running'""";

    private static final List<String> CELL_STATUSES = List.of("pending", "leased", "succeeded", "failed", "cancelled");

    private final Jdbc jdbc;
    private final long refreshNanos;
    private volatile Map<String, Double> values = Map.of();
    private volatile long readAt;
    private volatile boolean failing;

    DatabaseGauges(Jdbc jdbc, Duration refresh) {
        this.jdbc = jdbc;
        this.refreshNanos = refresh.toNanos();
        this.readAt = System.nanoTime() - refreshNanos - 1;
    }

    void register(MeterRegistry registry, List<String> providers) {
        for (String s : CELL_STATUSES) {
            Gauge.builder("sightline.cells", () -> value("cells", s)).tag("status", s)
                    .description("Cells of running runs by status").register(registry);
        }
        for (String p : providers) {
            Gauge.builder("sightline.due.cells", () -> value("due", p)).tag("provider", p)
                    .description("Pending cells whose next attempt is due, waiting for a consumer").register(registry);
        }
        Gauge.builder("sightline.analysis.queue", () -> value("analysis", "queued"))
                .description("Stored answers waiting for analysis").register(registry);
        Gauge.builder("sightline.analysis.lag", () -> value("analysis", "lag")).baseUnit("seconds")
                .description("Age of the oldest stored answer waiting for analysis").register(registry);
        for (String s : List.of("pending", "sending")) {
            Gauge.builder("sightline.webhook.deliveries", () -> value("webhooks", s)).tag("status", s)
                    .description("Webhook deliveries not delivered yet").register(registry);
        }
        Gauge.builder("sightline.runs.running", () -> value("runs", "running"))
                .description("Runs not finished yet").register(registry);
    }

    private double value(String kind, String key) {
        if (System.nanoTime() - readAt > refreshNanos) {
            refresh();
        }
        return values.getOrDefault(kind + '\u0000' + key, 0.0);
    }

    private synchronized void refresh() {
        if (System.nanoTime() - readAt <= refreshNanos) {
            return; // another scrape thread read them meanwhile
        }
        try {
            Map<String, Double> read = new HashMap<>();
            jdbc.query(SNAPSHOT, rs -> read.put(rs.getString("kind") + '\u0000' + rs.getString("k"),
                    rs.getDouble("v")));
            values = read;
            if (failing) {
                LOG.info("Database gauges readable again");
            }
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("Database gauges unreadable, scrapes show the last values: {}", e.getMessage());
            }
            failing = true;
        }
        readAt = System.nanoTime();
    }
}
