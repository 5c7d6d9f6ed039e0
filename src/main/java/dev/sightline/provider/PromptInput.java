package dev.sightline.provider;

/**
 * What one call asks.
 *
 * @param system optional system prompt (null or empty: none is sent)
 * @param user   the buyer's question
 * @param cellId the cell being answered; sent as header {@code X-Sightline-Cell-Id} so request logs (and the
 *               simulator) can tell which cell a call belongs to
 * @param sample 1-based sample number; sent as header {@code X-Sightline-Sample}
 */
public record PromptInput(String system, String user, long cellId, int sample) {

    public static final String CELL_HEADER = "X-Sightline-Cell-Id";
    public static final String SAMPLE_HEADER = "X-Sightline-Sample";
}
