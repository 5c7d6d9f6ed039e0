package dev.sightline.jobs;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** A stored job as clients see it; {@code result} is JSON text (brand profiles), null until there is one. */
public record Job(long id, long workspaceId, String kind, JsonNode params, String status, int progress, String step,
                  int stepNumber, int stepsTotal, int itemsTotal, String result, String error, String idempotencyKey,
                  String requestHash, Instant cancelRequestedAt, Instant createdAt, Instant startedAt,
                  Instant finishedAt, Instant updatedAt) {

    public static final String PAGE_ANALYSIS = "page-analysis";
    public static final String BRAND_PROFILE = "brand-profile";

    public boolean isOpen() {
        return status.equals("queued") || status.equals("running");
    }
}
