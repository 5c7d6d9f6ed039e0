package dev.sightline.analysis;

import java.util.List;

import dev.sightline.provider.Citation;

/** A stored response waiting for analysis. */
public record AnalysisJob(long responseId, long runId, long workspaceId, String text, List<Citation> citations) {
}
