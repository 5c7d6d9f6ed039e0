package dev.sightline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.values.Json;

class AnswerColumnsTest {

    private static final String CITATIONS = """
            [{"url":"https://www.g2.com/products/hubspot/reviews","title":"HubSpot Reviews 2026 | G2","domain":null,\
            "source":"citations"},{"url":"https://zapier.com/blog/best-crm-app/","title":"The best CRM apps",\
            "domain":null,"source":"citations"}]""";

    @Test
    void textAndCitationsComeBackExactlyAsStored() {
        String text = "Here are the best CRMs for a 10-person startup:\n\n1. **HubSpot** \u2014 free tier, "
                + "\u00e9l\u00e9gant; \u4e2d\u6587 and \ud83d\ude80 too.\n2. **Pipedrive**: visual pipeline [1][2].";
        AnswerColumns.Stored stored = AnswerColumns.encode(text, CITATIONS);
        assertThat(stored.answer()[0]).isEqualTo(AnswerColumns.FORMAT_4);
        assertThat(stored.urls()).containsExactly("https://www.g2.com/products/hubspot/reviews",
                "https://zapier.com/blog/best-crm-app/");
        assertThat(AnswerColumns.decode(stored.answer(), stored.urls()))
                .isEqualTo(new AnswerColumns.Answer(text, CITATIONS));
        assertThat(stored.answer().length)
                .isLessThan((text.getBytes(StandardCharsets.UTF_8).length + CITATIONS.length()) / 2);
    }

    /**
     * Gemini's grounding URLs are random tokens: stored as cited_url ids (V29), not again in the answer. A URL cited
     * twice is one id; citations without a URL keep what they had.
     */
    @Test
    void citationUrlsAreStoredOnceAsIdsAndComeBackInPlace() {
        String token = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQF"
                + "x9Kq0_7Tb3pWm4Vn2Lr8Yc6Hs1Jd5Gf3Ek9Qa2Zw7Xu4Io6Pl8Mn0Bv1Cx3Dz5Ey7Fw9Gt2Hr4Js6Kq8Lp0Mo2Nn4Om6Pl8";
        String citations = "[{\"url\":\"" + token + "1\",\"title\":\"zoho.com\",\"domain\":\"zoho.com\","
                + "\"source\":\"grounding_chunk\"},{\"url\":\"" + token + "2\",\"title\":\"Caf\u00e9 \u4e2d\u6587\","
                + "\"domain\":null,\"source\":\"grounding_chunk\"},{\"url\":\"" + token + "1\",\"title\":null,"
                + "\"domain\":\"zoho.com\",\"source\":\"grounding_chunk\"},{\"url\":null,\"title\":\"no link\","
                + "\"domain\":null,\"source\":\"citations\"}]";
        AnswerColumns.Stored stored = AnswerColumns.encode("Zoho [1][2].", citations);
        assertThat(stored.urls()).containsExactly(token + "1", token + "2");
        assertThat(new String(Deflate.inflate(stored.answer(), 1, stored.answer().length - 1,
                Deflate.dictionary("answer-dictionary-3.txt"), "answer"), StandardCharsets.UTF_8))
                .doesNotContain("vertexaisearch").contains("{\"url\":0,").contains("{\"url\":1,");
        assertThat(AnswerColumns.decode(stored.answer(), stored.urls()))
                .isEqualTo(new AnswerColumns.Answer("Zoho [1][2].", citations));
        // less than the URLs alone, where format 1 spelled them out
        assertThat(stored.answer().length).isLessThan(AnswerColumns.encode("Zoho [1][2].", "[]").answer().length
                + 100);
    }

    @Test
    void citationsWithoutUrlsOrNotAnArrayKeepTheirUrls() {
        for (String citations : new String[] {"[]", "[{\"title\":\"no link\"}]", "{\"url\":\"https://a.example/\"}",
                "[\"url\"]"}) {
            AnswerColumns.Stored stored = AnswerColumns.encode("text", citations);
            assertThat(stored.answer()[0]).as(citations).isEqualTo(AnswerColumns.FORMAT_3);
            assertThat(stored.urls()).isEmpty();
            assertThat(AnswerColumns.decode(stored.answer(), List.of()))
                    .isEqualTo(new AnswerColumns.Answer("text", citations));
        }
    }

    @Test
    void emptyLongAndNullCitationsRoundTrip() {
        assertThat(roundTrip("", "[]")).isEqualTo(new AnswerColumns.Answer("", "[]"));
        assertThat(roundTrip("no citations", null)).isEqualTo(new AnswerColumns.Answer("no citations", "[]"));
        // a text longer than deflate's window and than one byte of length prefix can say many times over
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 300_000; i++) {
            b.append("Paragraph ").append(i).append(": ").append(Integer.toHexString(i * 31))
                    .append(" \u00e4\n");
        }
        String text = b.toString();
        assertThat(roundTrip(text, CITATIONS)).isEqualTo(new AnswerColumns.Answer(text, CITATIONS));
    }

    private static AnswerColumns.Answer roundTrip(String text, String citations) {
        AnswerColumns.Stored stored = AnswerColumns.encode(text, citations);
        return AnswerColumns.decode(stored.answer(), stored.urls());
    }

    @Test
    void aDamagedOrUnknownValueIsRefusedNamingWhatIsWrong() {
        AnswerColumns.Stored encoded = AnswerColumns.encode("HubSpot is a good choice for small teams.", CITATIONS);
        byte[] stored = encoded.answer();
        assertThatThrownBy(() -> AnswerColumns.decode(Arrays.copyOf(stored, stored.length / 2), encoded.urls()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stored answer");
        // citation_urls shorter than the URLs the answer numbers
        assertThatThrownBy(() -> AnswerColumns.decode(stored, encoded.urls().subList(0, 1)))
                .hasMessage("corrupt stored answer: citation URL 1 of 1 in citation_urls");
        byte[] other = stored.clone();
        other[0] = 5;
        assertThatThrownBy(() -> AnswerColumns.decode(other, List.of()))
                .hasMessageContaining("unknown stored answer format 5");
        assertThatThrownBy(() -> AnswerColumns.decode(new byte[0], List.of())).hasMessageContaining("format (empty)");
    }

    /** Rows stored with each format can only be read with the dictionary they were written with. */
    @Test
    void theDictionariesNeverChange() throws Exception {
        assertThat(sha256("answer-dictionary-1.txt"))
                .isEqualTo("4b109b3369b40de29fdd311b998d266c87c4ce19ad0e1229892e5ade883b2a84");
        assertThat(sha256("answer-dictionary-3.txt"))
                .isEqualTo("72df8657751fe9d4539fda0654457bcbd0f1dc0334755c0166be82c8a374d9ad");
    }

    private static String sha256(String resource) throws Exception {
        try (InputStream in = AnswerColumns.class.getResourceAsStream(resource)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }

    /** Rows written before format 3 (formats 1 and 2, the first dictionary) read back as they were written. */
    @Test
    void answersStoredInFormatsOneAndTwoStillReadBack() {
        String text = "1. **HubSpot** \u2014 free tier [1]\n2. **Zoho** [2]";
        byte[] formatOne = AnswerColumns.deflate(AnswerColumns.FORMAT_1, text, CITATIONS);
        // deflated against the first dictionary, as the writer before format 3 stored it
        assertThat(new String(Deflate.inflate(formatOne, 1, formatOne.length - 1,
                Deflate.dictionary("answer-dictionary-1.txt"), "answer"), StandardCharsets.UTF_8)).contains(text);
        assertThat(AnswerColumns.decode(formatOne, List.of())).isEqualTo(new AnswerColumns.Answer(text, CITATIONS));
        String numbered = CITATIONS.replace("\"https://www.g2.com/products/hubspot/reviews\"", "0")
                .replace("\"https://zapier.com/blog/best-crm-app/\"", "1");
        assertThat(AnswerColumns.decode(AnswerColumns.deflate(AnswerColumns.FORMAT_2, text, numbered),
                List.of("https://www.g2.com/products/hubspot/reviews", "https://zapier.com/blog/best-crm-app/")))
                .isEqualTo(new AnswerColumns.Answer(text, CITATIONS));
    }

    /**
     * The held-out answers of the labelled corpus, which the third dictionary was not made from
     * (bench/make-answer-dictionary.sh), take a fifth less room than with the first.
     */
    @Test
    void answersTheDictionaryWasNotMadeFromTakeLessRoom() throws Exception {
        JsonNode heldOut;
        try (InputStream in = AnswerColumnsTest.class.getResourceAsStream("/corpus/heldout.json")) {
            heldOut = Json.MAPPER.readTree(in);
        }
        long first = 0;
        long now = 0;
        for (JsonNode a : heldOut) {
            String text = a.get("text").asText();
            first += AnswerColumns.deflate(AnswerColumns.FORMAT_1, text, "[]").length;
            AnswerColumns.Stored stored = AnswerColumns.encode(text, "[]");
            assertThat(AnswerColumns.decode(stored.answer(), stored.urls()).text()).isEqualTo(text);
            now += stored.answer().length;
        }
        assertThat(heldOut.size()).isGreaterThan(100);
        assertThat((double) now / first).isLessThan(0.85);
    }
}
