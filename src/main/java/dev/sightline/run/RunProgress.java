package dev.sightline.run;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * A run with its cells counted by status (always adding up to cellsTotal), and what its responses cost so far.
 *
 * @param lastUpdate the latest change to any of its cells
 */
public record RunProgress(Run run, Map<String, Integer> counts, long tokensIn, long tokensOut, BigDecimal costUsd,
                          Instant lastUpdate, Instant now) {

    public static final java.util.List<String> STATUSES = java.util.List.of("pending", "leased", "succeeded",
            "failed", "cancelled");

    public int done() {
        return counts.getOrDefault("succeeded", 0) + counts.getOrDefault("failed", 0)
                + counts.getOrDefault("cancelled", 0);
    }

    public double percent() {
        int total = run.cellsTotal();
        return total == 0 ? 100.0 : Math.round(done() * 1000.0 / total) / 10.0;
    }

    /** Linear estimate from the pace so far; null before the first cell finishes or once the run is over. */
    public Instant estimatedCompletion() {
        if (run.isTerminal()) {
            return run.finishedAt();
        }
        int done = done();
        int total = run.cellsTotal();
        if (done == 0 || done >= total) {
            return null;
        }
        long elapsed = now.toEpochMilli() - run.createdAt().toEpochMilli();
        long remaining = (long) ((double) elapsed / done * (total - done));
        return now.plusMillis(remaining);
    }
}
