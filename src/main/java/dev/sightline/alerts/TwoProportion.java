package dev.sightline.alerts;

/**
 * The two-proportion z-test: did a rate change between two samples by more than sampling noise explains? The test
 * pools both samples under the hypothesis that nothing changed; the p-value is two-sided.
 */
public final class TwoProportion {

    /**
     * @param before the earlier rate, {@code after} the later one
     * @param z      the test statistic, positive when the rate rose
     * @param p      two-sided p-value; 1 when the samples cannot show a change (an empty side, or 0% or 100% on both)
     */
    public record Result(double before, double after, double z, double p) {

        public double change() {
            return after - before;
        }
    }

    private TwoProportion() {
    }

    public static Result test(long hitsBefore, long nBefore, long hitsAfter, long nAfter) {
        if (nBefore <= 0 || nAfter <= 0) {
            return new Result(nBefore <= 0 ? Double.NaN : (double) hitsBefore / nBefore,
                    nAfter <= 0 ? Double.NaN : (double) hitsAfter / nAfter, 0, 1);
        }
        double p1 = (double) hitsBefore / nBefore;
        double p2 = (double) hitsAfter / nAfter;
        double pooled = (double) (hitsBefore + hitsAfter) / (nBefore + nAfter);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / nBefore + 1.0 / nAfter));
        if (se == 0) {
            return new Result(p1, p2, 0, 1);
        }
        double z = (p2 - p1) / se;
        return new Result(p1, p2, z, erfc(Math.abs(z) / Math.sqrt(2)));
    }

    /** The complementary error function, to a relative error below 1.2e-7 (Chebyshev fit, Numerical Recipes). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
