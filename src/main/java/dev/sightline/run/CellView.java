package dev.sightline.run;

import java.time.Instant;

/** A cell as the API shows it. */
public record CellView(long id, long promptId, String provider, int sample, String status, int attempts,
                       Instant nextAttemptAt, String lastError, Long responseId, Instant updatedAt) {
}
