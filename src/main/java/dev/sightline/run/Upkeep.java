package dev.sightline.run;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's timer duties besides dispatching: extend its own leases, rescue other nodes' expired leases, and
 * finalise runs whose last cell finished on a node that died before it could. A duty that fails logs once that
 * the database is unavailable, and once that it is back.
 */
public final class Upkeep {

    private static final Logger LOG = LoggerFactory.getLogger(Upkeep.class);

    private final Dispatcher dispatcher;
    private final CellRepository cells;
    private final RunRepository runs;
    private final int maxAttempts;
    private final long heartbeatEveryNanos;
    private final CallMetrics metrics;
    private volatile long lastHeartbeat = System.nanoTime();
    private volatile boolean databaseDown;

    public Upkeep(Dispatcher dispatcher, CellRepository cells, RunRepository runs, int maxAttempts, Duration lease,
                  CallMetrics metrics) {
        this.metrics = metrics;
        this.dispatcher = dispatcher;
        this.cells = cells;
        this.runs = runs;
        this.maxAttempts = maxAttempts;
        this.heartbeatEveryNanos = lease.toNanos() / 3;
    }

    /** Called every second; extends leases every third of the lease duration. */
    public void extendLeases() {
        if (System.nanoTime() - lastHeartbeat < heartbeatEveryNanos) {
            return;
        }
        lastHeartbeat = System.nanoTime();
        guarded("extending leases", dispatcher::heartbeat, false);
    }

    /** @return how many cells went back to the queue (the route then claims at once) */
    public int rescueExpiredLeases() {
        int[] n = {0};
        guarded("rescuing expired leases", () -> {
            List<CellRepository.Rescued> rescued = cells.rescueExpired(maxAttempts);
            if (!rescued.isEmpty()) {
                LOG.warn("Returned {} cells with expired leases to the queue", rescued.size());
                metrics.rescued(rescued.size());
                runs.finalizeRuns(rescued.stream().mapToLong(CellRepository.Rescued::runId).distinct().toArray());
            }
            n[0] = rescued.size();
        }, true);
        return n[0];
    }

    public void finalizeRuns() {
        guarded("finalising runs", () -> runs.finalizeRuns(null)
                .forEach(f -> LOG.info("Run {} finished: {}", f.runId(), f.status())), true);
    }

    /**
     * A step of a dispatch, analysis or upkeep route failed (routeConfiguration {@code upkeep}): one line, once per
     * database outage; what the step was doing is picked up again by the next tick.
     */
    public void failed(org.apache.camel.Exchange exchange) {
        Exception e = exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Exception.class);
        String where = exchange.getFromRouteId();
        String message = e == null ? "?" : e.getMessage();
        if (isDatabaseError(e)) {
            if (!databaseDown) {
                LOG.warn("Database unavailable while running route {}: {}; retrying", where, message);
            }
            databaseDown = true;
        } else {
            LOG.warn("Route {} failed: {}", where, e == null ? "?" : e.toString());
        }
    }

    private static boolean isDatabaseError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException || c instanceof dev.sightline.store.Jdbc.DataAccessException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs a duty; a failure marks the database down. Only duties that always query may mark it up again: a
     * heartbeat with nothing to extend succeeds without asking the database, so its success proves nothing.
     */
    private void guarded(String what, Runnable r, boolean alwaysQueries) {
        try {
            r.run();
            if (databaseDown && alwaysQueries) {
                databaseDown = false;
                LOG.info("Database reachable again");
            }
        } catch (RuntimeException e) {
            if (!databaseDown) {
                LOG.warn("Database unavailable while {}: {}; retrying", what, e.getMessage());
            }
            databaseDown = true;
        }
    }
}
