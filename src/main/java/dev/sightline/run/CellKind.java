package dev.sightline.run;

/**
 * What a cell's call is for. Sweep and experiment cells ask a model a question and their answers are analysed; grader
 * and judge cells are calls about another cell's answer (its {@code parent_cell_id}), added to that answer's run when
 * it is analysed. All of them are provider calls of the one queue.
 */
public final class CellKind {

    public static final String SWEEP = "sweep";
    public static final String EXPERIMENT = "experiment";
    public static final String GRADER = "grader";
    public static final String JUDGE = "judge";

    private CellKind() {
    }

    /** An answer to a question (analysed like any answer), not a call about another answer. */
    public static boolean isAnswer(String kind) {
        return SWEEP.equals(kind) || EXPERIMENT.equals(kind);
    }
}
