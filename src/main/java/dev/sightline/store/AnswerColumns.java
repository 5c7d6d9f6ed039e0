package dev.sightline.store;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.values.Json;

/**
 * An answer's text and native citations as the response row keeps them: one {@code answer} column, deflated by the
 * app (V19), and the citations' URLs as ids of {@code cited_url} in {@code citation_urls} (V29). PostgreSQL
 * compresses a value only in rows over 2 kB, and most answers are shorter, so their text and citations were stored as
 * written (0.9 and 0.5 kB an answer on the history benchmark).
 *
 * <p>Format 1: a byte {@code 1}, then a raw deflate stream, with {@code answer-dictionary-1.txt} as its preset
 * dictionary (generic answer phrasing and citation JSON; never edited, a new dictionary is a new format), of the
 * text's UTF-8 length as a 4-byte big-endian number, the text, and the citations as a JSON array.
 *
 * <p>Format 2 (V29, written whenever a citation had a URL until format 4): the same, except that each citation's
 * {@code url} is a number n, the answer's n-th distinct citation URL, whose {@code cited_url} id is
 * {@code citation_urls[n + 1]}.
 * Gemini's grounding redirect URLs are random tokens deflate cannot shrink, about 1 kB of a Gemini answer, and the
 * analysis stores every cited URL in {@code cited_url} anyway.
 *
 * <p>Formats 3 and 4 (what is written now): formats 1 and 2 with {@code answer-dictionary-3.txt} as the dictionary,
 * 32 kB (deflate's window) of answer phrasing where the first held 2 kB: the segments zstd's dictionary trainer found
 * recurring across the labelled tuning sets' answers, then {@code answer-dictionary-1.txt} (how it was made:
 * {@code bench/make-answer-dictionary.sh}). The held-out answers, which it was not made from, deflate 20% smaller
 * (601 to 483 bytes an answer), the simulator's 19% (420 to 342).
 *
 * <p>Rows stored before V19 keep {@code answer_text} and {@code citations} and have no {@code answer}; {@link #read}
 * takes every form.
 */
public final class AnswerColumns {

    /**
     * The columns {@link #read} needs, from a query that names the response row {@code s} (spaces around): the
     * citation URLs in the order of {@code citation_urls}, each found by its key (a join could be planned as a hash of
     * all of cited_url for each answer).
     */
    public static final String SELECT = """
             s.answer, s.answer_text, s.citations::text AS citations,
             ARRAY(SELECT (SELECT k.url FROM cited_url k WHERE k.id = u.id)
                     FROM unnest(s.citation_urls) WITH ORDINALITY AS u(id, n) ORDER BY u.n) AS citation_urls \
            """;

    static final byte FORMAT_1 = 1;
    static final byte FORMAT_2 = 2;
    static final byte FORMAT_3 = 3;
    static final byte FORMAT_4 = 4;
    private static final byte[] DICTIONARY_1 = Deflate.dictionary("answer-dictionary-1.txt");
    private static final byte[] DICTIONARY_3 = Deflate.dictionary("answer-dictionary-3.txt");

    /** @param citationsJson the provider's citations as a JSON array of {@code Citation} */
    public record Answer(String text, String citationsJson) {
    }

    /**
     * What to store of an answer.
     *
     * @param answer the {@code answer} column
     * @param urls   the citation URLs whose {@code cited_url} ids go, in this order, in {@code citation_urls}; empty
     *               for format 1
     */
    public record Stored(byte[] answer, List<String> urls) {
    }

    private AnswerColumns() {
    }

    /**
     * Format 4 when a citation has a URL (its URLs moved out, in {@link Stored#urls}), else format 3. Citations that
     * are not a JSON array of objects are kept as they are, in format 3.
     */
    public static Stored encode(String text, String citationsJson) {
        String citations = citationsJson == null ? "[]" : citationsJson;
        Map<String, Integer> urls = new LinkedHashMap<>();
        String numbered = numberUrls(citations, urls);
        if (numbered == null) {
            return new Stored(deflate(FORMAT_3, text, citations), List.of());
        }
        return new Stored(deflate(FORMAT_4, text, numbered), List.copyOf(urls.keySet()));
    }

    /** The citations with each URL replaced by its number among {@code urls} (filled), or null if there is none. */
    private static String numberUrls(String citations, Map<String, Integer> urls) {
        if (!citations.contains("\"url\"")) {
            return null;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(citations);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (root == null || !root.isArray()) {
            return null;
        }
        for (JsonNode c : root) {
            if (c instanceof ObjectNode o && o.get("url") != null && o.get("url").isTextual()) {
                Integer n = urls.computeIfAbsent(o.get("url").textValue(), u -> urls.size());
                o.set("url", IntNode.valueOf(n));
            }
        }
        return urls.isEmpty() ? null : Json.write(root);
    }

    /** The answer in {@code format} (formats 1 and 2 too: what the writer before format 3 stored). */
    static byte[] deflate(byte format, String text, String citationsJson) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] c = citationsJson.getBytes(StandardCharsets.UTF_8);
        byte[] plain = ByteBuffer.allocate(4 + t.length + c.length).putInt(t.length).put(t).put(c).array();
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 16);
        out.write(format);
        Deflate.deflate(plain, dictionary(format), out);
        return out.toByteArray();
    }

    /** @param urls the citation URLs of {@code citation_urls}, in order (empty for formats 1 and 3) */
    public static Answer decode(byte[] stored, List<String> urls) {
        if (stored.length == 0 || stored[0] < FORMAT_1 || stored[0] > FORMAT_4) {
            throw new IllegalStateException("unknown stored answer format " + (stored.length == 0 ? "(empty)"
                    : String.valueOf(stored[0])));
        }
        ByteBuffer plain = ByteBuffer.wrap(Deflate.inflate(stored, 1, stored.length - 1, dictionary(stored[0]),
                "stored answer"));
        int length = plain.remaining() < 4 ? -1 : plain.getInt();
        if (length < 0 || length > plain.remaining()) {
            throw new IllegalStateException("corrupt stored answer: text length " + length);
        }
        String text = new String(plain.array(), 4, length, StandardCharsets.UTF_8);
        String citations = new String(plain.array(), 4 + length, plain.remaining() - length, StandardCharsets.UTF_8);
        return new Answer(text, numbered(stored) ? withUrls(citations, urls) : citations);
    }

    /** Formats 1 and 2 are deflated against the first dictionary, 3 and 4 against the third. */
    private static byte[] dictionary(byte format) {
        return format <= FORMAT_2 ? DICTIONARY_1 : DICTIONARY_3;
    }

    /** Formats 2 and 4: the citations' URLs are numbers into {@code citation_urls}. */
    private static boolean numbered(byte[] stored) {
        return stored.length > 0 && (stored[0] == FORMAT_2 || stored[0] == FORMAT_4);
    }

    private static String withUrls(String numbered, List<String> urls) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(numbered);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt stored answer: citations " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ArrayNode)) {
            throw new IllegalStateException("corrupt stored answer: citations not a JSON array");
        }
        for (JsonNode c : root) {
            JsonNode url = c.get("url");
            if (url != null && url.isInt()) {
                if (url.intValue() < 0 || url.intValue() >= urls.size()) {
                    throw new IllegalStateException("corrupt stored answer: citation URL " + url.intValue() + " of "
                            + urls.size() + " in citation_urls");
                }
                ((ObjectNode) c).put("url", urls.get(url.intValue()));
            }
        }
        return Json.write(root);
    }

    /**
     * The answer of a row selected with {@link #SELECT}, stored in any form; text null when the row has none (no
     * response, in an outer join).
     */
    public static Answer read(ResultSet rs) throws SQLException {
        byte[] stored = rs.getBytes("answer");
        if (stored != null) {
            return decode(stored, numbered(stored) ? urls(rs) : List.of());
        }
        String citations = rs.getString("citations");
        return new Answer(rs.getString("answer_text"), citations == null ? "[]" : citations);
    }

    private static List<String> urls(ResultSet rs) throws SQLException {
        Array array = rs.getArray("citation_urls");
        List<String> urls = new ArrayList<>();
        if (array != null) {
            for (Object u : (Object[]) array.getArray()) {
                urls.add((String) u);
            }
            array.free();
        }
        return urls;
    }

}
