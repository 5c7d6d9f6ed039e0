package dev.sightline.metrics;

/**
 * The visibility interval with the prompt as the unit. Answers to one prompt are not independent draws (the samples
 * of one run, the days, the providers all answer the same question), so the Wilson interval is taken on the
 * effective sample size n / deff, with Kish's design effect deff = 1 + (m - 1) * icc for clusters of size-weighted
 * mean m = sum(m_i^2) / n and the one-way ANOVA estimate of the intra-prompt correlation (clamped to [0, 1]).
 * Every prompt answered once: deff is exactly 1 and the interval the plain Wilson one. A group of one prompt has
 * nothing to tell prompts apart: its answers are the units (plain Wilson).
 */
public final class PromptInterval {

    public static final String CLUSTERED = "wilson-prompt-design-effect";
    public static final String PLAIN = "wilson";

    /**
     * @param effectiveN   n / deff, the sample size the interval was computed with
     * @param designEffect deff (1 for the plain method)
     */
    public record Result(double low, double high, String method, double effectiveN, double designEffect) {
    }

    private PromptInterval() {
    }

    /**
     * @param hits           answers mentioning the entity
     * @param n              answers
     * @param prompts        prompts among them
     * @param sumSquaredSizes sum over prompts of m_i^2
     * @param sumSquaredHits sum over prompts of y_i^2 / m_i
     * @return null when n is 0
     */
    public static Result visibility(long hits, long n, long prompts, long sumSquaredSizes, double sumSquaredHits) {
        if (n <= 0) {
            return null;
        }
        if (prompts < 2) {
            Wilson.Interval w = Wilson.interval95(hits, n);
            return new Result(w.low(), w.high(), PLAIN, n, 1.0);
        }
        double deff = 1.0;
        if (n > prompts) {
            double ssb = sumSquaredHits - (double) hits * hits / n;
            double ssw = hits - sumSquaredHits;
            double msb = ssb / (prompts - 1);
            double msw = ssw / (n - prompts);
            double m0 = (n - (double) sumSquaredSizes / n) / (prompts - 1);
            double denom = msb + (m0 - 1) * msw;
            double icc = denom <= 0 ? 0 : Math.max(0, Math.min(1, (msb - msw) / denom));
            deff = 1 + ((double) sumSquaredSizes / n - 1) * icc;
        }
        double effective = n / deff;
        Wilson.Interval w = Wilson.interval95((double) hits / n, effective, hits == 0, hits == n);
        return new Result(w.low(), w.high(), CLUSTERED, effective, deff);
    }
}
