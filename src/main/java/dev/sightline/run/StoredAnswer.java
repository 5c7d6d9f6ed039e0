package dev.sightline.run;

import java.math.BigDecimal;

/**
 * The columns of one successful call's {@code response} row, from provider to finish reason: what
 * {@link CellRepository#storeSucceeded} writes for a cell whose lease still holds.
 *
 * @param citationsJson the normalised citations as a JSON array (stored as jsonb)
 */
public record StoredAnswer(String provider, String kind, String modelRequested, String modelServed, int httpStatus,
                           String rawBody, String text, String citationsJson, long tokensIn, long tokensOut,
                           int searchCalls, BigDecimal costUsd, long latencyMs, String requestId, String finishReason) {
}
