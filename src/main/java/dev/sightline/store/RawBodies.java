package dev.sightline.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.values.Json;

/**
 * Raw provider bodies as stored in {@code response_body}: deflated with a preset dictionary made of what the
 * response row holds anyway, the cited URLs and the answer text as JSON writes it, so the copies of text and
 * citations every body carries cost a few bytes instead of being stored twice.
 *
 * <p>Encoding {@value #DEFLATE_ANSWER_2} (V22, what is written now) puts {@code body-dictionary-2.txt} before them:
 * the four wire formats' keys and fixed values, and Gemini's search suggestions stylesheet, which every body repeats
 * and deflate otherwise spells out in each one (a body took 554 bytes on average on the history benchmark, 250 with
 * it). That file is never edited: a new dictionary is a new encoding. Bodies stored from V7 to V22 are
 * {@value #DEFLATE_ANSWER} (no such prefix); before V7, {@value #PLAIN} UTF-8.
 */
public final class RawBodies {

    public static final String DEFLATE_ANSWER = "deflate-answer";
    public static final String DEFLATE_ANSWER_2 = "deflate-answer-2";
    public static final String PLAIN = "plain";
    /** Deflate looks back at most 32 KB: a longer answer's tail is the part its body is most likely to repeat. */
    private static final int WINDOW = 32 * 1024;
    private static final byte[] WIRE_FORMATS_2 = Deflate.dictionary("body-dictionary-2.txt");

    private RawBodies() {
    }

    /**
     * The body in encoding {@value #DEFLATE_ANSWER_2}.
     *
     * @param citationsJson the response's citations (a JSON array of objects with a url)
     */
    public static byte[] compress(String body, String answerText, String citationsJson) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length() / 4));
        Deflate.deflate(body.getBytes(StandardCharsets.UTF_8), dictionary(WIRE_FORMATS_2, answerText, citationsJson),
                out);
        return out.toByteArray();
    }

    public static String decompress(String encoding, byte[] stored, String answerText, String citationsJson) {
        byte[] prefix;
        if (PLAIN.equals(encoding)) {
            return new String(stored, StandardCharsets.UTF_8);
        } else if (DEFLATE_ANSWER_2.equals(encoding)) {
            prefix = WIRE_FORMATS_2;
        } else if (DEFLATE_ANSWER.equals(encoding)) {
            prefix = new byte[0];
        } else {
            throw new IllegalArgumentException("unknown raw body encoding " + encoding);
        }
        return new String(Deflate.inflate(stored, 0, stored.length, dictionary(prefix, answerText, citationsJson),
                "raw body"), StandardCharsets.UTF_8);
    }

    /**
     * The encoding's fixed prefix, the cited URLs, then the answer as a JSON string: deflate matches best what comes
     * last, and looks back at most {@value #WINDOW} bytes, so a long answer pushes the prefix out first.
     */
    private static byte[] dictionary(byte[] prefix, String answerText, String citationsJson) {
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
        byte[] own = b.toString().getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[prefix.length + own.length];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        System.arraycopy(own, 0, bytes, prefix.length, own.length);
        if (bytes.length <= WINDOW) {
            return bytes;
        }
        byte[] tail = new byte[WINDOW];
        System.arraycopy(bytes, bytes.length - WINDOW, tail, 0, WINDOW);
        return tail;
    }

}
