package dev.sightline.values;

/**
 * The fixed instructions Sightline sends when it needs an answer in JSON: a grader prompt's verdict and the
 * sentiment judge's. The simulator recognises them by these texts and answers in the format they ask for.
 */
public final class StructuredReplies {

    /** Appended to every rendered grader prompt. */
    public static final String GRADER_INSTRUCTION = """


            Reply with one JSON object and nothing else: {"pass": true or false, "score": a number from 0 to 1, \
            "reason": "one sentence"}""";

    /** The judge prompt's first line. */
    public static final String JUDGE_OPENING = "You are a sentiment judge for brand monitoring.";

    /** Between these lines of the judge prompt: the entities to judge, one per line as "- name (aliases: ...)". */
    public static final String JUDGE_ENTITIES_START = "Entities:";
    public static final String JUDGE_ANSWER_START = "<answer>";
    public static final String JUDGE_ANSWER_END = "</answer>";

    private StructuredReplies() {
    }
}
