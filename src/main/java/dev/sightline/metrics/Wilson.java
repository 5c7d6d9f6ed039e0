package dev.sightline.metrics;

/**
 * The Wilson score interval of a proportion. Unlike the normal approximation it stays inside [0, 1] and is
 * usable for the small samples a day of answers gives (5 of 5 mentions is not "100% ± 0").
 */
public final class Wilson {

    /** The two-sided 95% quantile of the standard normal distribution. */
    public static final double Z95 = 1.959963984540054;

    public record Interval(double low, double high) {
    }

    private Wilson() {
    }

    /** The 95% interval of {@code hits} out of {@code n}; null when n is 0 (nothing to estimate from). */
    public static Interval interval95(long hits, long n) {
        if (n <= 0) {
            return null;
        }
        if (hits < 0 || hits > n) {
            throw new IllegalArgumentException("hits " + hits + " outside 0.." + n);
        }
        return interval95((double) hits / n, n, hits == 0, hits == n);
    }

    /**
     * The 95% interval of proportion {@code p} on an effective sample size {@code n} (not necessarily whole);
     * {@code none} and {@code all} pin the bound that is exactly 0 or 1.
     */
    public static Interval interval95(double p, double n, boolean none, boolean all) {
        double z2 = Z95 * Z95;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double margin = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
        // at 0 of n and n of n the bound is exactly 0 or 1; floating point would leave 1e-17 there
        double low = none ? 0 : Math.max(0, centre - margin);
        double high = all ? 1 : Math.min(1, centre + margin);
        return new Interval(low, high);
    }
}
