package dev.sightline.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What the scrubber masks: every key, in any letter case, spelled plainly or with JSON escapes, and nothing else. */
class ScrubberTest {

    private final Scrubber scrubber = Scrubber.of(List.of(Secret.of("sk-live-ABCdef123456"),
            Secret.of("sk-live-ABCdef123456-long-form"), Secret.of("Äpfel-key-98765"), Secret.of("short")));

    @Test
    void keysAreMaskedInAnyCaseAndAsJsonEscapes() {
        assertThat(scrubber.scrub("echo: sk-live-ABCdef123456 and SK-LIVE-abcDEF123456."))
                .isEqualTo("echo: *** and ***.");
        // the longer key that contains the shorter is masked whole
        assertThat(scrubber.scrub("[sk-live-ABCdef123456-long-form]")).isEqualTo("[***]");
        assertThat(scrubber.scrub("{\"k\":\"\\u0073k-live-ABCdef123456\"}")).isEqualTo("{\"k\":\"***\"}");
        // a key that starts with a letter outside ASCII, plain and escaped
        assertThat(scrubber.scrub("x äpfel-KEY-98765 y \\u00c4pfel-key-98765")).isEqualTo("x *** y ***");
    }

    @Test
    void aTextWithoutAKeyComesBackAsItIs() {
        String text = "Sightline asks sk-live-ABC (not a key), \\n escapes and Äpfel stay; short is too short to mask";
        assertThat(scrubber.scrub(text)).isSameAs(text);
        assertThat(Scrubber.of(List.of()).scrub(text)).isSameAs(text);
    }
}
