package dev.sightline.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import dev.sightline.values.Citation;

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

    @Test
    void aReplyWithoutAKeyComesBackAsItIsAndOneWithAKeyAsAMaskedCopy() {
        Citation cited = new Citation("https://example.com/crm", "Best CRM", "example.com", "native");
        ProviderResult clean = ProviderResult.ok(new Answer("Pipedrive suits small teams.", List.of(cited), "gpt-4o",
                "gpt-4o-2024", 10, 20, 0, "req-1", "stop", 400, BigDecimal.ONE));
        assertThat(scrubber.scrub(clean)).isSameAs(clean);

        // a key in any field, the citations' included, is masked in a copy; the rest is kept
        Citation leaking = new Citation("https://example.com/?k=sk-live-ABCdef123456", "Best CRM", "example.com",
                "native");
        ProviderResult leaky = ProviderResult.ok(new Answer("Pipedrive suits small teams.", List.of(cited, leaking),
                "gpt-4o", "gpt-4o-2024", 10, 20, 0, "req-1", "stop", 400, BigDecimal.ONE));
        ProviderResult masked = scrubber.scrub(leaky);
        assertThat(masked).isNotSameAs(leaky).isNotEqualTo(leaky);
        assertThat(masked.answer().citations()).containsExactly(cited,
                new Citation("https://example.com/?k=***", "Best CRM", "example.com", "native"));
        assertThat(masked.answer().text()).isEqualTo("Pipedrive suits small teams.");
        ProviderResult inText = ProviderResult.ok(new Answer("echo sk-live-ABCdef123456", List.of(), "gpt-4o",
                null, 1, 1, 0, null, null, 1, BigDecimal.ZERO));
        assertThat(scrubber.scrub(inText).answer().text()).isEqualTo("echo ***");

        ProviderResult failed = ProviderResult.failed(new ProviderFailure(ProviderFailure.Type.PERMANENT, 401,
                "invalid_api_key", "Incorrect API key provided: sk-live-ABCdef123456", Duration.ZERO));
        assertThat(scrubber.scrub(failed).failure().message()).isEqualTo("Incorrect API key provided: ***");
        ProviderResult failedClean = ProviderResult.failed(new ProviderFailure(ProviderFailure.Type.PERMANENT, 404,
                "model_not_found", "no such model", null));
        assertThat(scrubber.scrub(failedClean)).isSameAs(failedClean);
    }
}
