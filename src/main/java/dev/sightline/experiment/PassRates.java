package dev.sightline.experiment;

import java.util.List;

/**
 * Pass rates with their uncertainty, the dataset row as the unit: the samples of one row are not independent draws,
 * so a rate over rows x samples gets a Wilson 95% interval on the effective sample size (n over the design effect
 * of the clustering by row), and a difference between two experiments on the same rows gets Newcombe's interval for
 * paired proportions (method 10), on per-row pass rates.
 */
public final class PassRates {

    static final double Z95 = 1.959963984540054;

    /** One row's graded answers of one model: how many, and how many passed. */
    public record RowCount(int row, int graded, int passed) {
    }

    /**
     * @param n      graded answers
     * @param rows   rows they come from
     * @param nEff   effective sample size (n / design effect)
     * @param method how the interval was computed
     */
    public record Rate(int n, int passed, int rows, Double rate, Double low, Double high, double nEff, String method) {
    }

    public record Difference(double difference, double low, double high, int rows, boolean significant) {
    }

    private PassRates() {
    }

    public static Rate rate(List<RowCount> rows) {
        int n = 0;
        int passed = 0;
        int clusters = 0;
        boolean repeated = false;
        for (RowCount r : rows) {
            if (r.graded() > 0) {
                n += r.graded();
                passed += r.passed();
                clusters++;
                repeated |= r.graded() > 1;
            }
        }
        if (n == 0) {
            return new Rate(0, 0, 0, null, null, null, 0, "wilson");
        }
        double p = (double) passed / n;
        double nEff = n;
        String method = "wilson";
        if (repeated) {
            method = "wilson-design-effect";
            if (clusters < 2) {
                nEff = 1;
            } else if (p > 0 && p < 1) {
                double mean = (double) n / clusters;
                double sum = 0;
                for (RowCount r : rows) {
                    if (r.graded() > 0) {
                        double d = r.passed() - p * r.graded();
                        sum += d * d;
                    }
                }
                double clustered = sum / (clusters * (clusters - 1.0) * mean * mean);
                double independent = p * (1 - p) / n;
                nEff = n / Math.max(1.0, clustered / independent);
            } else {
                nEff = clusters; // every answer alike: at least the rows are independent
            }
        }
        double[] ci = wilson(p, nEff);
        return new Rate(n, passed, clusters, p, ci[0], ci[1], nEff, method);
    }

    /** The 95% Wilson interval of a proportion p over an effective sample size n. */
    static double[] wilson(double p, double n) {
        double z2 = Z95 * Z95;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denom;
        double margin = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
        return new double[] {p == 0 ? 0 : Math.max(0, centre - margin), p == 1 ? 1 : Math.min(1, centre + margin)};
    }

    /**
     * The difference a - b of pass rates over the rows graded in both, each row one pair of per-row rates; null when
     * no row was graded in both.
     */
    public static Difference difference(double[] a, double[] b) {
        int k = a.length;
        if (k == 0) {
            return null;
        }
        double pa = mean(a);
        double pb = mean(b);
        double[] ca = wilson(pa, k);
        double[] cb = wilson(pb, k);
        double phi = correlation(a, b, pa, pb);
        double d = pa - pb;
        double la = pa - ca[0];
        double ua = ca[1] - pa;
        double lb = pb - cb[0];
        double ub = cb[1] - pb;
        double low = d - Math.sqrt(Math.max(0, la * la - 2 * phi * la * ub + ub * ub));
        double high = d + Math.sqrt(Math.max(0, ua * ua - 2 * phi * ua * lb + lb * lb));
        low = Math.max(-1, low);
        high = Math.min(1, high);
        return new Difference(d, low, high, k, low > 0 || high < 0);
    }

    private static double correlation(double[] a, double[] b, double ma, double mb) {
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += sq(a[i] - ma);
            sbb += sq(b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sq(double x) {
        return x * x;
    }
}
