package dev.sightline.values;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

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

    private static final Pattern FENCED = Pattern.compile("^```(?:json)?\\s*\\n(.*)\\n\\s*```$", Pattern.DOTALL);

    private StructuredReplies() {
    }

    /**
     * A model's JSON reply: the whole text, or the one fenced code block it is wrapped in.
     *
     * @throws JsonProcessingException when that is not one JSON document
     */
    public static JsonNode read(String reply) throws JsonProcessingException {
        String text = reply == null ? "" : reply.strip();
        Matcher m = FENCED.matcher(text);
        if (m.matches()) {
            text = m.group(1).strip();
        }
        return Json.MAPPER.readTree(text);
    }
}
