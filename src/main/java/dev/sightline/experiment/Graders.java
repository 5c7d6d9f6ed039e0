package dev.sightline.experiment;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import dev.sightline.analysis.Analysis;
import dev.sightline.analysis.CitedSource;
import dev.sightline.analysis.EntityResult;
import dev.sightline.values.EntityKind;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;
import dev.sightline.values.TrackedEntity;

/**
 * Rule graders: checks of an answer's text ({@code contains}, {@code not-contains}, {@code regex}, {@code is-json}
 * with an optional JSON Schema, {@code max-length}) and of the analyzer's reading of it ({@code mentions-brand},
 * {@code brand-rank-at-most}, {@code cites-domain}, {@code sentiment-is}). Parsed and checked when an experiment is
 * created (every error names {@code graders[i].field}), stored in their normal form, applied to each answer.
 */
public final class Graders {

    public static final Set<String> TYPES = Set.of("contains", "not-contains", "regex", "is-json", "max-length",
            "mentions-brand", "brand-rank-at-most", "cites-domain", "sentiment-is");
    private static final Set<String> FIELDS = Set.of("type", "value", "caseSensitive", "schema", "entity");
    private static final Set<String> SENTIMENTS = Set.of("positive", "neutral", "negative", "mixed");
    /** A regex gets this long per answer; a pattern that backtracks for ever is a grading error, not a stuck thread. */
    private static final long REGEX_NANOS = 1_000_000_000L;
    private static final int MAX_GRADERS = 20;

    /** Loaded on first use only (the meta-schema takes a while to read), not by every grading. */
    private static final class Schemas {
        // users' schemas are never fetched from anywhere: only the meta-schemas bundled with the library resolve
        static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012());
        /** The 2020-12 meta-schema: a user's schema must be one (the validator itself is lenient about it). */
        static final Schema META = REGISTRY.getSchema(
                SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    }

    /** One rule grader in its normal form, ready to apply. */
    public record Rule(String type, JsonNode value, boolean caseSensitive, JsonNode schema, String entity,
                       Pattern pattern, Schema compiledSchema) {

        ObjectNode json() {
            ObjectNode o = Json.object().put("type", type);
            if (value != null) {
                o.set("value", value);
            }
            if (type.equals("contains") || type.equals("not-contains") || type.equals("regex")) {
                o.put("caseSensitive", caseSensitive);
            }
            if (schema != null) {
                o.set("schema", schema);
            }
            if (entity != null) {
                o.put("entity", entity);
            }
            return o;
        }
    }

    /** What a grader decided: a pass or a fail with its reason, or an error (no decision). */
    public record Grade(String grader, Boolean pass, Double score, String reason, String error) {

        static Grade pass(String grader, String reason) {
            return new Grade(grader, true, 1.0, reason, null);
        }

        static Grade fail(String grader, String reason) {
            return new Grade(grader, false, 0.0, reason, null);
        }

        static Grade error(String grader, String error) {
            return new Grade(grader, null, null, null, error);
        }

        static Grade of(String grader, boolean pass, String reason) {
            return pass ? pass(grader, reason) : fail(grader, reason);
        }
    }

    private Graders() {
    }

    /**
     * The graders of an experiment request, checked against the workspace's entities.
     *
     * @param field the request's field ({@code graders})
     */
    public static List<Rule> parse(JsonNode array, String field, List<TrackedEntity> entities) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw Rejection.invalid(field, field + " must be an array of {\"type\", \"value\"} objects");
        }
        if (array.size() > MAX_GRADERS) {
            throw Rejection.invalid(field, "at most " + MAX_GRADERS + " graders");
        }
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(parseOne(array.get(i), field + "[" + i + "]", entities));
        }
        return out;
    }

    /** Graders as stored with an experiment (already checked). */
    public static List<Rule> stored(JsonNode array) {
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(parseOne(array.get(i), "graders[" + i + "]", null));
        }
        return out;
    }

    public static ArrayNode json(List<Rule> rules) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        rules.forEach(r -> a.add(r.json()));
        return a;
    }

    private static Rule parseOne(JsonNode g, String f, List<TrackedEntity> entities) {
        if (g == null || !g.isObject()) {
            throw Rejection.invalid(f, f + " must be an object with a \"type\"");
        }
        for (var it = g.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw Rejection.invalid(f + "." + name, "unknown field '" + name + "' (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
            }
        }
        String type = g.path("type").isTextual() ? g.get("type").asText() : null;
        if (type == null || !TYPES.contains(type)) {
            throw Rejection.invalid(f + ".type", f + ".type must be one of " + new java.util.TreeSet<>(TYPES)
                    + (type == null ? "" : " (got '" + type + "')"));
        }
        JsonNode value = g.get("value");
        boolean caseSensitive = bool(g, f + ".caseSensitive", !type.equals("contains")
                && !type.equals("not-contains"));
        String entity = g.path("entity").isTextual() ? g.get("entity").asText() : null;
        if (g.has("entity") && !g.get("entity").isNull() && entity == null) {
            throw Rejection.invalid(f + ".entity", f + ".entity must be the name of the brand or a competitor");
        }
        Pattern pattern = null;
        Schema schema = null;
        switch (type) {
            case "contains", "not-contains" -> requireText(value, f + ".value");
            case "regex" -> {
                requireText(value, f + ".value");
                try {
                    pattern = Pattern.compile(value.asText(), caseSensitive ? 0
                            : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
                } catch (PatternSyntaxException e) {
                    throw Rejection.invalid(f + ".value", f + ".value is not a valid regular expression: "
                            + e.getDescription() + " near index " + e.getIndex());
                }
            }
            case "is-json" -> {
                JsonNode s = g.get("schema");
                if (s != null && !s.isNull()) {
                    if (!s.isObject()) {
                        throw Rejection.invalid(f + ".schema", f + ".schema must be a JSON Schema object");
                    }
                    List<com.networknt.schema.Error> wrong = Schemas.META.validate(s);
                    if (!wrong.isEmpty()) {
                        throw Rejection.invalid(f + ".schema", f + ".schema is not a JSON Schema (2020-12): "
                                + wrong.get(0).getInstanceLocation() + ": " + wrong.get(0).getMessage());
                    }
                    try {
                        schema = Schemas.REGISTRY.getSchema(s.toString());
                        schema.validate(Json.MAPPER.nullNode());
                    } catch (RuntimeException e) {
                        throw Rejection.invalid(f + ".schema", f + ".schema is not a usable JSON Schema: "
                                + e.getMessage());
                    }
                }
            }
            case "max-length", "brand-rank-at-most" -> {
                if (value == null || !value.isIntegralNumber() || value.asLong() < 1 || !value.canConvertToInt()) {
                    throw Rejection.invalid(f + ".value", f + ".value must be a whole number of at least 1");
                }
            }
            case "cites-domain" -> {
                requireText(value, f + ".value");
                String d = value.asText().strip().toLowerCase(Locale.ROOT);
                if (!d.matches("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")) {
                    throw Rejection.invalid(f + ".value", f + ".value must be a domain such as example.com");
                }
                value = Json.MAPPER.getNodeFactory().textNode(d);
            }
            case "sentiment-is" -> {
                if (value == null || !value.isTextual() || !SENTIMENTS.contains(value.asText())) {
                    throw Rejection.invalid(f + ".value", f + ".value must be one of " + new java.util.TreeSet<>(
                            SENTIMENTS));
                }
            }
            default -> {
                // mentions-brand: nothing more
            }
        }
        boolean aboutEntity = type.equals("mentions-brand") || type.equals("brand-rank-at-most")
                || type.equals("sentiment-is");
        if (entity != null && !aboutEntity) {
            throw Rejection.invalid(f + ".entity", f + ".entity only goes with mentions-brand, brand-rank-at-most "
                    + "and sentiment-is");
        }
        if (entity != null && entities != null && entities.stream().noneMatch(e -> e.name().equalsIgnoreCase(entity))) {
            throw Rejection.invalid(f + ".entity", "no tracked entity named '" + entity + "' (the brand and its "
                    + "competitors: " + String.join(", ", entities.stream().map(TrackedEntity::name).toList()) + ")");
        }
        return new Rule(type, value == null || value.isNull() ? null : value, caseSensitive,
                g.has("schema") && !g.get("schema").isNull() ? g.get("schema") : null, entity, pattern, schema);
    }

    private static boolean bool(JsonNode g, String f, boolean otherwise) {
        JsonNode n = g.get(f.substring(f.lastIndexOf('.') + 1));
        if (n == null || n.isNull()) {
            return otherwise;
        }
        if (!n.isBoolean()) {
            throw Rejection.invalid(f, f + " must be true or false");
        }
        return n.asBoolean();
    }

    private static void requireText(JsonNode v, String f) {
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw Rejection.invalid(f, f + " must be a non-empty string");
        }
    }

    /**
     * Applies a rule to an answer.
     *
     * @param analysis the analyzer's reading of the answer; null when the analyzer failed on it
     */
    public static Grade apply(Rule r, String text, Analysis analysis) {
        String t = r.type();
        return switch (t) {
            case "contains", "not-contains" -> {
                String needle = r.value().asText();
                boolean found = r.caseSensitive() ? text.contains(needle)
                        : text.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
                boolean pass = t.equals("contains") == found;
                yield Grade.of(t, pass, (found ? "contains '" : "does not contain '") + needle + "'");
            }
            case "regex" -> {
                try {
                    boolean found = r.pattern().matcher(new Deadline(text, System.nanoTime() + REGEX_NANOS)).find();
                    yield Grade.of(t, found, (found ? "matches /" : "does not match /") + r.value().asText() + "/");
                } catch (Deadline.Expired e) {
                    yield Grade.error(t, "the regular expression took longer than 1 s on this answer");
                } catch (StackOverflowError e) {
                    // java.util.regex recurses once per repetition of a group with alternatives ((.|\s)*): on a long
                    // answer that overflows the stack, which must stay this grade's failure, not the batch's
                    yield Grade.error(t, "the regular expression nests too deeply for this answer (a repeated group"
                            + " with alternatives, such as (.|\\s)*, recurses once per character)");
                }
            }
            case "is-json" -> isJson(r, text);
            case "max-length" -> {
                int length = text.codePointCount(0, text.length());
                int max = r.value().asInt();
                yield Grade.of(t, length <= max, length + " characters, at most " + max);
            }
            case "mentions-brand", "brand-rank-at-most", "sentiment-is" -> {
                if (analysis == null) {
                    yield Grade.error(t, "the analyzer failed on this answer");
                }
                EntityResult e = entity(analysis, r.entity());
                if (e == null) {
                    yield Grade.error(t, "the workspace has no entity " + (r.entity() == null ? "of kind brand"
                            : "named '" + r.entity() + "'"));
                }
                String name = e.entity().name();
                if (t.equals("mentions-brand")) {
                    yield Grade.of(t, e.mentioned(), name + (e.mentioned() ? " is mentioned" : " is not mentioned"));
                }
                if (t.equals("brand-rank-at-most")) {
                    int max = r.value().asInt();
                    yield e.listRank() == null ? Grade.fail(t, name + " has no list rank")
                            : Grade.of(t, e.listRank() <= max, name + " is ranked " + e.listRank() + ", at most "
                                    + max);
                }
                String want = r.value().asText();
                String got = e.sentiment() == null ? null : e.sentiment().json();
                yield got == null ? Grade.fail(t, name + " is not mentioned")
                        : Grade.of(t, want.equals(got), "sentiment towards " + name + " is " + got);
            }
            case "cites-domain" -> {
                if (analysis == null) {
                    yield Grade.error(t, "the analyzer failed on this answer");
                }
                String d = r.value().asText();
                boolean cited = analysis.citations().stream().anyMatch(c -> cites(c, d));
                yield Grade.of(t, cited, (cited ? "cites " : "does not cite ") + d);
            }
            default -> Grade.error(t, "unknown grader type " + t);
        };
    }

    private static Grade isJson(Rule r, String text) {
        JsonNode doc;
        try {
            doc = Json.MAPPER.readTree(text.strip());
        } catch (JsonProcessingException e) {
            return Grade.fail("is-json", "not JSON: " + e.getOriginalMessage());
        }
        if (doc == null || doc.isMissingNode()) {
            return Grade.fail("is-json", "empty answer");
        }
        if (r.compiledSchema() == null) {
            return Grade.pass("is-json", "valid JSON");
        }
        List<com.networknt.schema.Error> errors = r.compiledSchema().validate(doc);
        if (errors.isEmpty()) {
            return Grade.pass("is-json", "valid JSON that matches the schema");
        }
        List<String> first = errors.stream().limit(3).map(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .toList();
        return Grade.fail("is-json", "does not match the schema: " + String.join("; ", first)
                + (errors.size() > 3 ? " (and " + (errors.size() - 3) + " more)" : ""));
    }

    private static EntityResult entity(Analysis a, String name) {
        for (EntityResult e : a.entities()) {
            if (name == null ? e.entity().kind() == EntityKind.BRAND : e.entity().name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return null;
    }

    private static boolean cites(CitedSource c, String domain) {
        if (domain.equalsIgnoreCase(c.domain())) {
            return true;
        }
        try {
            String host = URI.create(c.url()).getHost();
            return host != null && (host.equalsIgnoreCase(domain)
                    || host.toLowerCase(Locale.ROOT).endsWith("." + domain));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The answer as a regex sees it, refusing to be read past a deadline (checked every few thousand reads). */
    private static final class Deadline implements CharSequence {

        static final class Expired extends RuntimeException {
            Expired() {
                super(null, null, false, false);
            }
        }

        private final CharSequence text;
        private final long deadline;
        private final int[] reads;

        Deadline(CharSequence text, long deadline) {
            this(text, deadline, new int[1]);
        }

        private Deadline(CharSequence text, long deadline, int[] reads) {
            this.text = text;
            this.deadline = deadline;
            this.reads = reads;
        }

        @Override
        public char charAt(int index) {
            if ((++reads[0] & 0xfff) == 0 && System.nanoTime() > deadline) {
                throw new Expired();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadline(text.subSequence(start, end), deadline, reads);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
