package dev.sightline.api;

import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/** Reading a JSON request body; every error names the field. */
public final class Body {

    private Body() {
    }

    /** Parses a request body that must be a JSON object (empty body: an empty object). */
    public static JsonNode object(Exchange ex, Set<String> allowed) {
        JsonNode node = read(ex, null);
        if (node == null) {
            return Json.MAPPER.createObjectNode();
        }
        if (!node.isObject()) {
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

    /**
     * The request body as JSON, null when it is empty. The bytes must be UTF-8 and no string may hold NUL or an
     * unpaired surrogate ({@code "\ud800"}); either is refused naming the field it is in. {@code field} names a
     * malformed document as a whole (null: none).
     */
    public static JsonNode read(Exchange ex, String field) {
        byte[] bytes = ex.getMessage().getBody(byte[].class);
        if (bytes == null || bytes.length == 0 || new String(bytes, StandardCharsets.ISO_8859_1).isBlank()) {
            return null;
        }
        JsonNode node;
        try (JsonParser p = Json.MAPPER.createParser(bytes)) {
            node = Json.MAPPER.readTree(p);
            if (p.nextToken() != null) {
                throw Rejection.invalid(field, "malformed JSON: content after the end of the document");
            }
        } catch (CharConversionException e) {
            throw Rejection.invalid(field, "the request body is not valid UTF-8");
        } catch (JsonProcessingException e) {
            JsonParser parser = e instanceof JsonParseException pe ? pe.getProcessor() : null;
            String at = parser == null ? null : Json.path(parser.getParsingContext());
            if (e.getOriginalMessage() != null && e.getOriginalMessage().contains("Invalid UTF-8")) {
                throw Rejection.invalid(at == null ? field : at, (at == null ? "the request body" : at)
                        + " is not valid UTF-8");
            }
            throw Rejection.invalid(field, "malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw Rejection.invalid(field, "unreadable request body: " + e.getMessage());
        }
        checkStrings(node, "");
        return node;
    }

    private static void checkStrings(JsonNode node, String at) {
        if (node.isTextual()) {
            ApiRequest.check(at.isEmpty() ? "body" : at, node.asText());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkStrings(node.get(i), at + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
                ApiRequest.check(child, e.getKey());
                checkStrings(e.getValue(), child);
            }
        }
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
