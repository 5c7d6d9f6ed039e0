package dev.sightline.run;

/**
 * The exchange properties and headers the pipeline's Java reads, named once. The route files list the ones
 * they use in their header comment; an integrator's step may read them but should not change them.
 */
public final class Pipeline {

    /** Property: the {@link CellClaim} a provider route works on, set when the cell is handed to its queue. */
    public static final String CLAIM = "sightline.claim";

    /** Header for {@code direct:dispatch}: claim only for this provider (absent: every provider). */
    public static final String PROVIDER = "sightline.provider";

    /** Property: {@code System.nanoTime()} the moment the provider request went out (call latency). */
    public static final String CALL_STARTED = "sightline.callStartedNanos";

    /** Property: the response id once the answer is stored (a later failing step must not retry the cell). */
    public static final String RESPONSE_ID = "sightline.responseId";

    /**
     * Property of an analysis batch: statements (classpath resources) that steps after the analysis want run after
     * {@code sql/statements/write-analyses.sql}, in the batch's transaction, because the batch holds rows for them.
     */
    public static final String STATEMENTS = "sightline.analysisStatements";

    /** Header on a written analysis batch: the ids of the runs it touched, for the finalizer. */
    public static final String RUN_IDS = "sightline.runIds";

    private Pipeline() {
    }
}
