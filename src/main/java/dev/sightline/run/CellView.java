package dev.sightline.run;

import java.time.Instant;

/**
 * A cell as the API shows it.
 *
 * @param promptId the buyer prompt of a sweep cell; null for a judge call (kind {@code judge})
 */
public record CellView(long id, Long promptId, String provider, int sample, String status, int attempts,
                       Instant nextAttemptAt, String lastError, Long responseId, Instant updatedAt, String kind) {
}
