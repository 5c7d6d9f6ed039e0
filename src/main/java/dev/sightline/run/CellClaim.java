package dev.sightline.run;

import java.util.UUID;

/**
 * A cell this node has leased. Every later write about it is fenced by {@code leaseToken}.
 *
 * @param promptText  what the call asks: the buyer prompt of a sweep cell, the rendered prompt of an experiment cell,
 *                    the grader's or judge's prompt
 * @param attempts    the attempt this claim is (1 for the first call)
 * @param kind        {@code sweep}, {@code experiment}, {@code grader} or {@code judge} (see {@link CellKind})
 * @param temperature the model's temperature for this cell; null: the provider's setting
 * @param maxTokens   the output limit for this cell; null: the provider's setting
 */
public record CellClaim(long cellId, long runId, long workspaceId, long promptId, String promptText, String provider,
                        int sample, int attempts, UUID leaseToken, String kind, Double temperature,
                        Integer maxTokens) {

    /** A sweep cell's claim. */
    public CellClaim(long cellId, long runId, long workspaceId, long promptId, String promptText, String provider,
                     int sample, int attempts, UUID leaseToken) {
        this(cellId, runId, workspaceId, promptId, promptText, provider, sample, attempts, leaseToken, CellKind.SWEEP,
                null, null);
    }
}
