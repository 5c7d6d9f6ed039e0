package dev.sightline.experiment;

/**
 * What one dataset may hold ({@code sightline.datasets.*}); beyond a limit the upload is refused naming it.
 *
 * @param maxLineBytes bytes on one line of the file, and in one row however many lines it spans
 */
public record DatasetLimits(int maxRows, int maxColumns, int maxLineBytes, long maxBytes) {

    public static final String ROWS = "sightline.datasets.max-rows";
    public static final String COLUMNS = "sightline.datasets.max-columns";
    public static final String LINE = "sightline.datasets.max-line-bytes";
    public static final String BYTES = "sightline.datasets.max-bytes";
}
