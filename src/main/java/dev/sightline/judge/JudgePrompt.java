package dev.sightline.judge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.values.Json;
import dev.sightline.values.StructuredReplies;
import dev.sightline.values.TrackedEntity;

/**
 * The judge's fixed prompt, the JSON Schema its reply must match, and the reading of that reply. The definitions are
 * the ones the analyzer's labels use (README, "How rank and sentiment are decided").
 */
public final class JudgePrompt {

    /** Part of every cache key: a changed prompt or schema is a new judgement. */
    public static final String VERSION = "judge-1";

    static final String SCHEMA = """
            {"type": "object", "required": ["entities"], "additionalProperties": false,
             "properties": {"entities": {"type": "array", "items": {
               "type": "object", "required": ["name", "sentiment", "score"], "additionalProperties": false,
               "properties": {
                 "name": {"type": "string"},
                 "sentiment": {"enum": ["positive", "neutral", "negative", "mixed", "not_mentioned"]},
                 "score": {"type": "number", "minimum": -1, "maximum": 1}}}}}}""";

    private static final java.util.Set<String> SENTIMENTS = java.util.Set.of("positive", "neutral", "negative",
            "mixed", "not_mentioned");

    private JudgePrompt() {
    }

    public static String build(List<TrackedEntity> entities, String answer) {
        StringBuilder b = new StringBuilder(answer.length() + 2048);
        b.append(StructuredReplies.JUDGE_OPENING).append('\n').append("""
                For each entity below, decide how the answer talks about it:
                - positive: it says something good about the entity (a strength, a recommendation) and nothing bad
                - negative: only weaknesses, warnings or advice against it
                - mixed: at least one clear strength and at least one clear weakness of that entity
                - neutral: it is mentioned with no judgement (a name in a list, a factual statement)
                - not_mentioned: the answer does not mention it
                A judgement must be about that entity: in a comparison each side gets its own.
                score: from -1 (only bad) to 1 (only good); 0 for neutral and not_mentioned.

                """);
        b.append(StructuredReplies.JUDGE_ENTITIES_START).append('\n');
        for (TrackedEntity e : entities) {
            b.append("- ").append(e.name());
            if (!e.aliases().isEmpty()) {
                b.append(" (aliases: ").append(String.join(", ", e.aliases())).append(')');
            }
            b.append('\n');
        }
        b.append('\n').append(StructuredReplies.JUDGE_ANSWER_START).append('\n').append(answer).append('\n')
                .append(StructuredReplies.JUDGE_ANSWER_END).append("\n\n")
                .append("Reply with one JSON object and nothing else, matching this JSON Schema:\n")
                .append(SCHEMA.replaceAll("\\s+", " "));
        return b.toString().replace('\0', '\uFFFD');
    }

    /** The answer's hash with everything else that decides the judgement: prompt version, judge, entities. */
    public static String cacheKey(String judge, List<TrackedEntity> entities, String answer) {
        StringBuilder b = new StringBuilder(VERSION).append('\n').append(judge).append('\n');
        entities.forEach(e -> b.append(e.name()).append('|').append(String.join("|", e.aliases())).append('\n'));
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b.toString().getBytes(StandardCharsets.UTF_8));
            md.update(answer.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One entity as judged. */
    public record Judged(long entityId, String name, String sentiment, double score) {
    }

    /** A reply read: the entities judged (not_mentioned ones left out), or why the reply is not usable. */
    public record Reading(List<Judged> judged, String error) {
    }

    public static Reading read(String reply, List<TrackedEntity> entities) {
        JsonNode doc;
        try {
            doc = StructuredReplies.read(reply);
        } catch (JsonProcessingException e) {
            return failed("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (doc == null || doc.isMissingNode()) {
            return failed("empty reply");
        }
        String wrong = mismatch(doc);
        if (wrong != null) {
            return failed("does not match the schema: " + wrong);
        }
        Map<String, TrackedEntity> byName = new TreeMap<>();
        entities.forEach(e -> byName.put(e.name().toLowerCase(Locale.ROOT), e));
        List<Judged> out = new java.util.ArrayList<>();
        int known = 0;
        for (JsonNode j : doc.get("entities")) {
            TrackedEntity e = byName.get(j.get("name").asText().strip().toLowerCase(Locale.ROOT));
            if (e == null) {
                continue;
            }
            known++;
            String s = j.get("sentiment").asText();
            if (!s.equals("not_mentioned")) {
                out.add(new Judged(e.id(), e.name(), s, j.get("score").asDouble()));
            }
        }
        if (known == 0 && !entities.isEmpty()) {
            return failed("it names none of the entities it was asked about");
        }
        return new Reading(out, null);
    }

    /**
     * What in the reply breaks {@link #SCHEMA}, or null. Checked by hand: the schema is fixed and small, and a
     * validator library takes seconds to load on the analysis route's thread.
     */
    static String mismatch(JsonNode doc) {
        if (!doc.isObject() || doc.size() != 1 || !doc.path("entities").isArray()) {
            return "$: an object with one property, \"entities\", an array";
        }
        int i = 0;
        for (JsonNode e : doc.get("entities")) {
            String at = "$.entities[" + i++ + "]";
            if (!e.isObject()) {
                return at + ": an object";
            }
            for (var it = e.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("name") && !f.equals("sentiment") && !f.equals("score")) {
                    return at + "." + f + ": not in the schema";
                }
            }
            if (!e.path("name").isTextual()) {
                return at + ".name: a string";
            }
            if (!e.path("sentiment").isTextual() || !SENTIMENTS.contains(e.get("sentiment").asText())) {
                return at + ".sentiment: one of " + new java.util.TreeSet<>(SENTIMENTS);
            }
            JsonNode score = e.path("score");
            if (!score.isNumber() || score.asDouble() < -1 || score.asDouble() > 1) {
                return at + ".score: a number from -1 to 1";
            }
        }
        return null;
    }

    private static Reading failed(String why) {
        return new Reading(List.of(), "the judge's reply is not the JSON asked for: " + why);
    }
}
