package dev.sightline.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.values.StructuredReplies;

/**
 * Reads a grader prompt's answer: a JSON object {@code {"pass": bool, "score": 0..1, "reason": "..."}}, alone or in
 * one fenced code block. Anything else is a grading error (the caller keeps the raw text), never a pass.
 */
final class GraderReply {

    static final String GRADER = "prompt";

    private GraderReply() {
    }

    static Graders.Grade parse(String answer) {
        JsonNode doc;
        try {
            doc = StructuredReplies.read(answer);
        } catch (JsonProcessingException e) {
            return error("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (doc == null || !doc.isObject()) {
            return error("not a JSON object");
        }
        JsonNode pass = doc.get("pass");
        if (pass == null || !pass.isBoolean()) {
            return error("\"pass\" must be true or false");
        }
        JsonNode score = doc.get("score");
        Double s = null;
        if (score != null && !score.isNull()) {
            if (!score.isNumber() || score.asDouble() < 0 || score.asDouble() > 1) {
                return error("\"score\" must be a number from 0 to 1");
            }
            s = score.asDouble();
        }
        JsonNode reason = doc.get("reason");
        if (reason != null && !reason.isNull() && !reason.isTextual()) {
            return error("\"reason\" must be a string");
        }
        return new Graders.Grade(GRADER, pass.asBoolean(), s != null ? s : pass.asBoolean() ? 1.0 : 0.0,
                reason == null || reason.isNull() ? null : reason.asText(), null);
    }

    private static Graders.Grade error(String why) {
        return Graders.Grade.error(GRADER, "the grader's answer is not the JSON {pass, score, reason} it was asked "
                + "for: " + why);
    }
}
