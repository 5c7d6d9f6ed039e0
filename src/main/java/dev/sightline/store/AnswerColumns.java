package dev.sightline.store;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * An answer's text and native citations as the response row keeps them (V19): one {@code answer} column, deflated by
 * the app. PostgreSQL compresses a value only in rows over 2 kB, and most answers are shorter, so their text and
 * citations were stored as written (0.9 and 0.5 kB an answer on the history benchmark).
 *
 * <p>Format 1: a byte {@code 1}, then a raw deflate stream, with {@code answer-dictionary-1.txt} as its preset
 * dictionary (generic answer phrasing and citation JSON; never edited, a new dictionary is a new format), of the
 * text's UTF-8 length as a 4-byte big-endian number, the text, and the citations as a JSON array. Rows stored
 * before V19 keep {@code answer_text} and {@code citations} and have no {@code answer}; {@link #read} takes either.
 */
public final class AnswerColumns {

    /** The columns {@link #read} needs, from a query that names the response row {@code s} (spaces around). */
    public static final String SELECT = " s.answer, s.answer_text, s.citations::text AS citations ";

    static final byte FORMAT_1 = 1;
    private static final byte[] DICTIONARY_1 = Deflate.dictionary("answer-dictionary-1.txt");

    /** @param citationsJson the provider's citations as a JSON array of {@code Citation} */
    public record Answer(String text, String citationsJson) {
    }

    private AnswerColumns() {
    }

    public static byte[] encode(String text, String citationsJson) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] c = (citationsJson == null ? "[]" : citationsJson).getBytes(StandardCharsets.UTF_8);
        byte[] plain = ByteBuffer.allocate(4 + t.length + c.length).putInt(t.length).put(t).put(c).array();
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 16);
        out.write(FORMAT_1);
        Deflate.deflate(plain, DICTIONARY_1, out);
        return out.toByteArray();
    }

    public static Answer decode(byte[] stored) {
        if (stored.length == 0 || stored[0] != FORMAT_1) {
            throw new IllegalStateException("unknown stored answer format " + (stored.length == 0 ? "(empty)"
                    : String.valueOf(stored[0])));
        }
        ByteBuffer plain = ByteBuffer.wrap(Deflate.inflate(stored, 1, stored.length - 1, DICTIONARY_1,
                "stored answer"));
        int length = plain.remaining() < 4 ? -1 : plain.getInt();
        if (length < 0 || length > plain.remaining()) {
            throw new IllegalStateException("corrupt stored answer: text length " + length);
        }
        return new Answer(new String(plain.array(), 4, length, StandardCharsets.UTF_8),
                new String(plain.array(), 4 + length, plain.remaining() - length, StandardCharsets.UTF_8));
    }

    /**
     * The answer of a row selected with {@link #SELECT}, stored in either form; text null when the row has none (no
     * response, in an outer join).
     */
    public static Answer read(ResultSet rs) throws SQLException {
        byte[] stored = rs.getBytes("answer");
        if (stored != null) {
            return decode(stored);
        }
        String citations = rs.getString("citations");
        return new Answer(rs.getString("answer_text"), citations == null ? "[]" : citations);
    }

}
