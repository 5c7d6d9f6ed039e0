package dev.sightline.run;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer-driven duties of a node: extend its own leases, rescue other nodes' expired leases, analyse responses
 * a dead node stored but never analysed, and finalise runs whose last cell finished on a node that died before it
 * could.
 */
public final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final Dispatcher dispatcher;
    private final CellRepository cells;
    private final RunRepository runs;
    private final OrphanedAnalyses orphanedAnalyses;
    private final int maxAttempts;
    private final long heartbeatEveryNanos;
    private volatile long lastHeartbeat = System.nanoTime();
    private volatile boolean databaseDown;

    public Housekeeping(Dispatcher dispatcher, CellRepository cells, RunRepository runs,
                        OrphanedAnalyses orphanedAnalyses, int maxAttempts, Duration lease) {
        this.dispatcher = dispatcher;
        this.cells = cells;
        this.runs = runs;
        this.orphanedAnalyses = orphanedAnalyses;
        this.maxAttempts = maxAttempts;
        this.heartbeatEveryNanos = lease.toNanos() / 3;
    }

    /** Called every second; extends leases every third of the lease duration. */
    public void heartbeat() {
        if (System.nanoTime() - lastHeartbeat < heartbeatEveryNanos) {
            return;
        }
        lastHeartbeat = System.nanoTime();
        guarded("extending leases", dispatcher::heartbeat, false);
    }

    public void rescue() {
        guarded("rescuing expired leases", () -> {
            List<CellRepository.Rescued> rescued = cells.rescueExpired(maxAttempts);
            if (!rescued.isEmpty()) {
                LOG.warn("Returned {} cells with expired leases to the queue", rescued.size());
                runs.finalizeRuns(rescued.stream().mapToLong(CellRepository.Rescued::runId).distinct().toArray());
                dispatcher.dispatchAll();
            }
        }, true);
    }

    public void finalizeRuns() {
        guarded("finalising runs", () -> {
            int orphans = orphanedAnalyses.requeue();
            if (orphans > 0) {
                LOG.warn("Re-queued {} stored responses whose analysis was lost "
                        + "(their node stopped or their batch failed)", orphans);
            }
            runs.finalizeRuns(null).forEach(f -> LOG.info("Run {} finished: {}", f.runId(), f.status()));
        }, true);
    }

    public void dispatch() {
        guarded("dispatching", dispatcher::dispatchAll, false);
    }

    public boolean databaseDown() {
        return databaseDown;
    }

    /**
     * Runs a duty; a failure marks the database down. Only duties that always query may mark it up again: a
     * heartbeat with nothing to extend or a dispatch with no idle consumer succeeds without asking the database
     * (and the dispatcher logs and swallows its own failures), so their success proves nothing.
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
