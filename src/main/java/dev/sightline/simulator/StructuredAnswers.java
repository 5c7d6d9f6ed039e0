package dev.sightline.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.values.StructuredReplies;

/**
 * The simulated assistants' answers to Sightline's own JSON requests: a grader prompt gets a verdict
 * {@code {"pass", "score", "reason"}} (deterministic for the prompt, model and sample; most pass), the sentiment
 * judge gets each entity's sentiment, read from the words around its name in the answer it was shown.
 */
final class StructuredAnswers {

    private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?])\\s+|\\n+");
    private static final List<String> GOOD = List.of("best", "great", "excellent", "recommend", "strong", "easy",
            "popular", "leading", "top", "intuitive", "affordable", "reliable", "powerful", "favourite", "favorite",
            "solid", "ideal");
    private static final List<String> BAD = List.of("expensive", "lacks", "limited", "drawback", "steep", "complex",
            "clunky", "weak", "costly", "pricey", "dated", "avoid", "overkill", "slow", "frustrating", "downside");

    private StructuredAnswers() {
    }

    /** The answer to one of Sightline's JSON requests, or null when the prompt is a question like any other. */
    static Composition of(String prompt, String model, int sample) {
        if (prompt.startsWith(StructuredReplies.JUDGE_OPENING)) {
            return json(judge(prompt));
        }
        if (prompt.contains(StructuredReplies.GRADER_INSTRUCTION.strip())) {
            return json(verdict(prompt, model, sample));
        }
        return null;
    }

    private static Composition json(String text) {
        return new Composition(text, List.of(), List.of(), "json", List.of());
    }

    private static String verdict(String prompt, String model, int sample) {
        Rng r = new Rng(Rng.hash("grader", model, sample, prompt));
        boolean pass = r.chance(0.8);
        double score = pass ? 0.7 + 0.3 * r.nextDouble() : 0.4 * r.nextDouble();
        String reason = pass ? r.pick(List.of("The answer does what the prompt asks.",
                "The output is relevant and complete.", "The response meets the criteria."))
                : r.pick(List.of("The answer misses part of what was asked.", "The output is off topic in places.",
                "The response does not meet the criteria."));
        ObjectNode o = Wire.JSON.createObjectNode().put("pass", pass)
                .put("score", Math.round(score * 100) / 100.0).put("reason", reason);
        return o.toString();
    }

    private static String judge(String prompt) {
        int start = prompt.indexOf(StructuredReplies.JUDGE_ANSWER_START);
        int end = prompt.lastIndexOf(StructuredReplies.JUDGE_ANSWER_END);
        String answer = start >= 0 && end > start
                ? prompt.substring(start + StructuredReplies.JUDGE_ANSWER_START.length(), end) : "";
        List<String> sentences = List.of(SENTENCE.split(answer.toLowerCase(Locale.ROOT)));
        ArrayNode entities = Wire.JSON.createArrayNode();
        for (String[] names : entities(prompt)) {
            int good = 0;
            int bad = 0;
            boolean mentioned = false;
            for (String s : sentences) {
                if (!mentions(s, names)) {
                    continue;
                }
                mentioned = true;
                good += count(s, GOOD);
                bad += count(s, BAD);
            }
            String sentiment = !mentioned ? "not_mentioned" : good > 0 && bad > 0 ? "mixed" : good > 0 ? "positive"
                    : bad > 0 ? "negative" : "neutral";
            double score = mentioned ? (good - bad) / (good + bad + 0.5) : 0;
            entities.addObject().put("name", names[0]).put("sentiment", sentiment)
                    .put("score", Math.round(score * 100) / 100.0);
        }
        ObjectNode o = Wire.JSON.createObjectNode();
        o.set("entities", entities);
        return o.toString();
    }

    /** The entities listed in a judge prompt: each its name, then its aliases. */
    private static List<String[]> entities(String prompt) {
        List<String[]> out = new ArrayList<>();
        int from = prompt.indexOf(StructuredReplies.JUDGE_ENTITIES_START);
        if (from < 0) {
            return out;
        }
        for (String line : prompt.substring(from).split("\n")) {
            if (line.startsWith(StructuredReplies.JUDGE_ANSWER_START)) {
                break;
            }
            if (!line.startsWith("- ")) {
                continue;
            }
            String item = line.substring(2).strip();
            int paren = item.indexOf(" (aliases: ");
            List<String> names = new ArrayList<>();
            names.add(paren < 0 ? item : item.substring(0, paren));
            if (paren >= 0 && item.endsWith(")")) {
                for (String a : item.substring(paren + 11, item.length() - 1).split(",")) {
                    names.add(a.strip());
                }
            }
            out.add(names.toArray(String[]::new));
        }
        return out;
    }

    private static boolean mentions(String sentence, String[] names) {
        for (String n : names) {
            if (!n.isEmpty() && Pattern.compile("\\b" + Pattern.quote(n.toLowerCase(Locale.ROOT)) + "\\b")
                    .matcher(sentence).find()) {
                return true;
            }
        }
        return false;
    }

    private static int count(String sentence, List<String> words) {
        int n = 0;
        for (String w : words) {
            if (sentence.contains(w)) {
                n++;
            }
        }
        return n;
    }
}
