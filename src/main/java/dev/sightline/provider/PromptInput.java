package dev.sightline.provider;

/**
 * What one call asks.
 *
 * @param system optional system prompt (null or empty: none is sent)
 * @param user   the buyer's question
 * @param cellId the cell being answered
 * @param sample 1-based sample number
 */
public record PromptInput(String system, String user, long cellId, int sample) {

    /**
     * Sent to the built-in simulator only (never to a real provider): the cell, sample and workspace a request
     * belongs to, so it can vary answers per sample and count calls per cell and per workspace.
     */
    public static final String CELL_HEADER = "X-Sightline-Cell-Id";
    public static final String SAMPLE_HEADER = "X-Sightline-Sample";
    public static final String WORKSPACE_HEADER = "X-Sightline-Workspace";
}
