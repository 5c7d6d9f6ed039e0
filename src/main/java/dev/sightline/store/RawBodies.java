package dev.sightline.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.values.Json;

/**
 * Raw provider bodies as stored in {@code response_body}: deflated with a preset dictionary made of what the
 * response row holds anyway, the cited URLs and the answer text as JSON writes it (encoding {@value #DEFLATE_ANSWER}),
 * so the copies of text and citations every body carries cost a few bytes per run instead of being stored twice.
 * Bodies stored before V7 are {@value #PLAIN} UTF-8.
 */
public final class RawBodies {

    public static final String DEFLATE_ANSWER = "deflate-answer";
    public static final String PLAIN = "plain";
    /** Deflate looks back at most 32 KB: a longer answer's tail is the part its body is most likely to repeat. */
    private static final int WINDOW = 32 * 1024;

    private RawBodies() {
    }

    /** @param citationsJson the response's citations (a JSON array of objects with a url) */
    public static byte[] compress(String body, String answerText, String citationsJson) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length() / 4));
        Deflate.deflate(body.getBytes(StandardCharsets.UTF_8), dictionary(answerText, citationsJson), out);
        return out.toByteArray();
    }

    public static String decompress(String encoding, byte[] stored, String answerText, String citationsJson) {
        if (PLAIN.equals(encoding)) {
            return new String(stored, StandardCharsets.UTF_8);
        }
        if (!DEFLATE_ANSWER.equals(encoding)) {
            throw new IllegalArgumentException("unknown raw body encoding " + encoding);
        }
        return new String(Deflate.inflate(stored, 0, stored.length, dictionary(answerText, citationsJson), "raw body"),
                StandardCharsets.UTF_8);
    }

    /** Cited URLs, then the answer as a JSON string: deflate matches best what comes last. */
    private static byte[] dictionary(String answerText, String citationsJson) {
        StringBuilder b = new StringBuilder();
        JsonNode citations = null;
        try {
            citations = citationsJson == null ? null : Json.MAPPER.readTree(citationsJson);
        } catch (JsonProcessingException e) {
            // no URLs then: the answer text alone still helps
        }
        if (citations != null && citations.isArray()) {
            citations.forEach(c -> b.append(c.path("url").asText("")).append('\n'));
        }
        b.append(Json.write(answerText == null ? "" : answerText));
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= WINDOW) {
            return bytes;
        }
        byte[] tail = new byte[WINDOW];
        System.arraycopy(bytes, bytes.length - WINDOW, tail, 0, WINDOW);
        return tail;
    }
}
