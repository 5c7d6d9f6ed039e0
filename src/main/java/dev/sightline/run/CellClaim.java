package dev.sightline.run;

import java.util.UUID;

/**
 * A cell this node has leased. Every later write about it is fenced by {@code leaseToken}.
 *
 * @param attempts the attempt this claim is (1 for the first call)
 */
public record CellClaim(long cellId, long runId, long workspaceId, long promptId, String promptText, String provider,
                        int sample, int attempts, UUID leaseToken) {
}
