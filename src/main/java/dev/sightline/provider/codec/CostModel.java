package dev.sightline.provider.codec;

import dev.sightline.provider.Answer;
import dev.sightline.provider.ProviderSettings;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** What a call costs in USD, from the configured prices (never from prices in code). */
public final class CostModel {

    static final int SCALE = 8;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000L);

    /**
     * Estimate assumptions, deliberately rough: about 4 characters per token for English prose, plus a fixed
     * overhead for the chat framing (role markers, system prompt wrapper); answers to buyer questions run a few
     * hundred tokens, so at most 700 are assumed, fewer when the configured limit is lower; a web-search provider
     * is assumed to search once.
     */
    static final int CHARS_PER_TOKEN = 4;
    static final int MESSAGE_OVERHEAD_TOKENS = 10;
    static final int TYPICAL_ANSWER_TOKENS = 700;

    public BigDecimal cost(ProviderSettings s, Answer a) {
        return price(s, a.tokensIn(), a.tokensOut(), a.searchCalls());
    }

    /** One call before it is made, for budget checks. */
    public BigDecimal estimate(ProviderSettings s, String promptText) {
        return estimate(s, promptText == null ? 0 : promptText.length());
    }

    /** One call before it is made, from the length of its prompt in characters. */
    public BigDecimal estimate(ProviderSettings s, long chars) {
        long tokensIn = (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + MESSAGE_OVERHEAD_TOKENS;
        long tokensOut = s.maxTokens() > 0 ? Math.min(s.maxTokens(), TYPICAL_ANSWER_TOKENS) : TYPICAL_ANSWER_TOKENS;
        return price(s, tokensIn, tokensOut, s.webSearch() ? 1 : 0);
    }

    private static BigDecimal price(ProviderSettings s, long tokensIn, long tokensOut, long searchCalls) {
        BigDecimal total = BigDecimal.valueOf(tokensIn).multiply(orZero(s.priceInputPerMTok()))
                .add(BigDecimal.valueOf(tokensOut).multiply(orZero(s.priceOutputPerMTok())))
                .divide(MILLION)
                .add(orZero(s.pricePerRequest()))
                .add(BigDecimal.valueOf(searchCalls).multiply(orZero(s.pricePerSearch())));
        return total.setScale(SCALE, RoundingMode.HALF_UP);
    }

    private static BigDecimal orZero(BigDecimal d) {
        return d == null ? BigDecimal.ZERO : d;
    }
}
