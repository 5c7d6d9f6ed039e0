package dev.sightline.run;

import java.util.List;

import dev.sightline.values.Citation;

/**
 * A stored response waiting for analysis: an answer to analyse, or (kind grader / judge) a call's reply to read.
 *
 * @param cellId the cell whose response it is (0 when unknown)
 * @param kind   the cell's {@link CellKind}
 */
public record AnalysisJob(long responseId, long runId, long workspaceId, String text, List<Citation> citations,
                          long cellId, String kind) {

    /** A sweep answer. */
    public AnalysisJob(long responseId, long runId, long workspaceId, String text, List<Citation> citations) {
        this(responseId, runId, workspaceId, text, citations, 0, CellKind.SWEEP);
    }

    public boolean isAnswer() {
        return CellKind.isAnswer(kind);
    }
}
