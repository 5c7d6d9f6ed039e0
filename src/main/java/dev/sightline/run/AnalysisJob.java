package dev.sightline.run;

import java.util.List;

import dev.sightline.values.Citation;

/** A stored response waiting for analysis. */
public record AnalysisJob(long responseId, long runId, long workspaceId, String text, List<Citation> citations) {
}
