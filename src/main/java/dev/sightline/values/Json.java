package dev.sightline.values;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one ObjectMapper of the application (thread-safe once configured): ISO-8601 timestamps, exact decimals,
 * nothing after the document; and null-tolerant readers for JSON trees that come from outside.
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The text as a JSON object, or null when it is empty, not JSON, truncated, or not an object. */
    public static JsonNode parseObject(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(text);
            return root != null && root.isObject() ? root : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Where a parser stands, as {@code brand.aliases[1]} (null at the top): for errors that name the field. */
    public static String path(JsonStreamContext ctx) {
        StringBuilder sb = new StringBuilder();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                sb.insert(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                sb.insert(0, c.getCurrentName());
                if (c.getParent() != null && !c.getParent().inRoot()) {
                    sb.insert(0, '.');
                }
            }
        }
        // an object inside an array reads "[1].name", without the dot before the index
        return sb.isEmpty() ? null : sb.toString().replace(".[", "[");
    }

    /** Text of a string node; null for anything else. */
    public static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    public static boolean hasText(JsonNode node) {
        return node != null && node.isTextual();
    }

    /** A count from a number node (or a numeric string); 0 when absent or not a count. */
    public static long count(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return 0;
        }
        if (node.isNumber()) {
            return Math.max(0, node.asLong());
        }
        if (node.isTextual()) {
            try {
                return Math.max(0, Long.parseLong(node.asText().strip()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
