package dev.sightline.provider.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.sightline.provider.Answer;
import dev.sightline.store.RawBodies;
import dev.sightline.values.Json;

/**
 * A provider's raw body as {@code response_body} keeps it (V22, {@link RawBodies}): deflated against the wire formats'
 * fixed text, the cited URLs and the answer, it comes back byte for byte, in every wire format, and takes less room
 * than without the wire formats; bodies stored before keep being read.
 */
class StoredBodiesTest {

    @ParameterizedTest
    @CsvSource({"openai-chat, success-citations.json", "openai-responses, success-web-search.json",
            "anthropic, success-web-search.json", "gemini, success-grounded.json", "perplexity, success-citations.json"})
    void aBodyComesBackByteForByteAndSmallerThanWithoutTheWireFormats(String kind, String file) {
        // as a provider sends it on the wire (compact) and as the pipeline stores its answer
        String body = Json.write(Fixtures.json(Fixtures.body(kind, file)));
        Answer answer = Fixtures.answer(Fixtures.settings(kind, "model-x", true, null), kind, file);
        String citations = Json.write(answer.citations());
        assertThat(answer.text()).isNotBlank();

        byte[] stored = RawBodies.compress(body, answer.text(), citations);
        assertThat(RawBodies.decompress(RawBodies.DEFLATE_ANSWER_2, stored, answer.text(), citations)).isEqualTo(body);

        byte[] before = deflateAnswer(body, answer.text(), citations);
        assertThat(RawBodies.decompress(RawBodies.DEFLATE_ANSWER, before, answer.text(), citations))
                .as("a body stored before V22").isEqualTo(body);
        assertThat(stored.length).as("%s stored in %d bytes, %d before", kind, stored.length, before.length)
                .isLessThan(before.length * 3 / 4);
    }

    @Test
    void aLongAnswerAndAPlainBodyRoundTrip() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 100_000; i++) {
            text.append("Option ").append(i).append(" \u00e9l\u00e9gant ").append(Integer.toHexString(i * 7919))
                    .append('\n');
        }
        String body = "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":" + Json.write(text.toString())
                + "}}]}";
        byte[] stored = RawBodies.compress(body, text.toString(), "[]");
        assertThat(RawBodies.decompress(RawBodies.DEFLATE_ANSWER_2, stored, text.toString(), "[]")).isEqualTo(body);
        assertThat(stored.length).isLessThan(body.length() / 2);

        assertThat(RawBodies.decompress(RawBodies.PLAIN, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "", "[]"))
                .isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> RawBodies.decompress("zstd", stored, "", "[]"))
                .hasMessageContaining("unknown raw body encoding zstd");
    }

    /** Bodies stored as deflate-answer-2 can only be read with the dictionary they were written with. */
    @Test
    void theWireFormatsDictionaryNeverChanges() throws Exception {
        try (InputStream in = RawBodies.class.getResourceAsStream("body-dictionary-2.txt")) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            assertThat(HexFormat.of().formatHex(digest)).isEqualTo("5d0e04a7bb4d24f43520987489fe25d3a6810abde12b0d5709ab19a9c31639b6");
        }
    }

    /** The encoding V7 wrote, spelled out here independently of {@link RawBodies}: URLs, then the answer as JSON. */
    private static byte[] deflateAnswer(String body, String text, String citations) {
        StringBuilder dictionary = new StringBuilder();
        Fixtures.json(citations).forEach(c -> dictionary.append(c.path("url").asText("")).append('\n'));
        dictionary.append(Json.write(text));
        Deflater d = new Deflater(6, true);
        try {
            d.setDictionary(dictionary.toString().getBytes(StandardCharsets.UTF_8));
            d.setInput(body.getBytes(StandardCharsets.UTF_8));
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }
}
