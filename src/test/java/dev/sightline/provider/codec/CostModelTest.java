package dev.sightline.provider.codec;

import dev.sightline.provider.Answer;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.provider.Secret;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CostModelTest {

    private final CostModel costs = new CostModel();

    private static ProviderSettings priced(String in, String out, String perRequest, String perSearch,
            boolean webSearch, int maxTokens) {
        return new ProviderSettings("p", "openai-responses", "gpt-4.1-mini", "http://x/v1", Secret.empty(), webSearch,
                null, maxTokens, 60, 1, Duration.ofSeconds(30), dec(in), dec(out), dec(perRequest), dec(perSearch),
                true, null);
    }

    private static BigDecimal dec(String s) {
        return s == null ? null : new BigDecimal(s);
    }

    private static Answer answer(long in, long out, int searches) {
        return new Answer("text", List.of(), "m", "m", in, out, searches, "id", "stop", 0, null);
    }

    @Test
    void tokensArePricedPerMillion() {
        assertThat(costs.cost(priced("0.15", "0.60", null, null, false, 1000), answer(1000, 500, 0)))
                .isEqualTo(new BigDecimal("0.00045000"));
    }

    @Test
    void requestAndSearchFeesAreAdded() {
        assertThat(costs.cost(priced("0.40", "1.60", "0.005", "0.01", true, 1000), answer(328, 87, 2)))
                .isEqualTo(new BigDecimal("0.02527040"));
    }

    @Test
    void missingPricesCountAsZero() {
        assertThat(costs.cost(priced(null, null, null, null, false, 1000), answer(5000, 5000, 3)))
                .isEqualTo(new BigDecimal("0E-8"));
    }

    @Test
    void roundsHalfUpToEightPlaces() {
        assertThat(costs.cost(priced("0.0025", null, null, null, false, 1000), answer(3, 0, 0)))
                .isEqualTo(new BigDecimal("0.00000001"));
        assertThat(costs.cost(priced("0.0024", null, null, null, false, 1000), answer(3, 0, 0)))
                .isEqualTo(new BigDecimal("0.00000001"));
        assertThat(costs.cost(priced("0.0016", null, null, null, false, 1000), answer(3, 0, 0)))
                .isEqualTo(new BigDecimal("0E-8"));
    }

    @Test
    void estimateAssumesFourCharsPerTokenAndAtMost700OutputTokens() {
        String prompt = "x".repeat(401);  // ceil(401/4) = 101, plus 10 overhead = 111 tokens in
        assertThat(costs.estimate(priced("0.15", "0.60", null, null, false, 1000), prompt))
                .isEqualTo(new BigDecimal("0.00043665"));  // 111 * 0.15 + 700 * 0.60, per million
    }

    @Test
    void estimateUsesALowerTokenLimitAndOneSearch() {
        String prompt = "x".repeat(40);  // 10 + 10 = 20 tokens in
        assertThat(costs.estimate(priced("1", "1", "0.005", "0.01", true, 300), prompt))
                .isEqualTo(new BigDecimal("0.01532000"));  // (20 + 300) / 1e6 + 0.005 + 0.01
    }
}
