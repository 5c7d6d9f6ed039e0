package dev.sightline.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/** Reading a JSON request body; every error names the field. */
public final class Body {

    private Body() {
    }

    /** Parses a request body that must be a JSON object (empty body: an empty object). */
    public static JsonNode object(String body, Set<String> allowed) {
        if (body == null || body.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw Rejection.invalid(null, "malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
        }
        if (node == null || !node.isObject()) {
            throw Rejection.invalid(null, "the request body must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw Rejection.invalid(f, "unknown field '" + f + "' (allowed: " + String.join(", ",
                        new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        return node;
    }

    public static List<String> strings(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw Rejection.invalid(field, field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual() || e.asText().isBlank()) {
                throw Rejection.invalid(field + "[" + i + "]", field + "[" + i + "] must be a non-empty string");
            }
            out.add(e.asText());
        }
        return out;
    }

    public static Integer integer(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw Rejection.invalid(field, field + " must be an integer");
        }
        return n.asInt();
    }

    public static Boolean bool(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw Rejection.invalid(field, field + " must be true or false");
        }
        return n.asBoolean();
    }

    public static String text(JsonNode parent, String field, boolean required) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw Rejection.invalid(field, field + " is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw Rejection.invalid(field, field + " must be a string");
        }
        return n.asText();
    }
}
