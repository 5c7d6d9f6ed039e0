package dev.sightline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class AnswerColumnsTest {

    private static final String CITATIONS = """
            [{"url":"https://www.g2.com/products/hubspot/reviews","title":"HubSpot Reviews 2026 | G2","domain":null,\
            "source":"citations"},{"url":"https://zapier.com/blog/best-crm-app/","title":"The best CRM apps",\
            "domain":null,"source":"citations"}]""";

    @Test
    void textAndCitationsComeBackExactlyAsStored() {
        String text = "Here are the best CRMs for a 10-person startup:\n\n1. **HubSpot** \u2014 free tier, "
                + "\u00e9l\u00e9gant; \u4e2d\u6587 and \ud83d\ude80 too.\n2. **Pipedrive**: visual pipeline [1][2].";
        byte[] stored = AnswerColumns.encode(text, CITATIONS);
        assertThat(stored[0]).isEqualTo(AnswerColumns.FORMAT_1);
        assertThat(AnswerColumns.decode(stored)).isEqualTo(new AnswerColumns.Answer(text, CITATIONS));
        assertThat(stored.length).isLessThan((text.getBytes(StandardCharsets.UTF_8).length + CITATIONS.length()) / 2);
    }

    @Test
    void emptyLongAndNullCitationsRoundTrip() {
        assertThat(AnswerColumns.decode(AnswerColumns.encode("", "[]"))).isEqualTo(new AnswerColumns.Answer("", "[]"));
        assertThat(AnswerColumns.decode(AnswerColumns.encode("no citations", null)))
                .isEqualTo(new AnswerColumns.Answer("no citations", "[]"));
        // a text longer than deflate's window and than one byte of length prefix can say many times over
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 300_000; i++) {
            b.append("Paragraph ").append(i).append(": ").append(Integer.toHexString(i * 31))
                    .append(" \u00e4\n");
        }
        String text = b.toString();
        assertThat(AnswerColumns.decode(AnswerColumns.encode(text, CITATIONS)))
                .isEqualTo(new AnswerColumns.Answer(text, CITATIONS));
    }

    @Test
    void aDamagedOrUnknownValueIsRefusedNamingWhatIsWrong() {
        byte[] stored = AnswerColumns.encode("HubSpot is a good choice for small teams.", CITATIONS);
        assertThatThrownBy(() -> AnswerColumns.decode(Arrays.copyOf(stored, stored.length / 2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stored answer");
        byte[] other = stored.clone();
        other[0] = 2;
        assertThatThrownBy(() -> AnswerColumns.decode(other)).hasMessageContaining("unknown stored answer format 2");
        assertThatThrownBy(() -> AnswerColumns.decode(new byte[0])).hasMessageContaining("format (empty)");
    }

    /** Rows stored with format 1 can only be read with the dictionary they were written with. */
    @Test
    void theFormatOneDictionaryNeverChanges() throws Exception {
        try (InputStream in = AnswerColumns.class.getResourceAsStream("answer-dictionary-1.txt")) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            assertThat(HexFormat.of().formatHex(digest)).isEqualTo("4b109b3369b40de29fdd311b998d266c87c4ce19ad0e1229892e5ade883b2a84");
        }
    }
}
