package dev.sightline.metrics;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A range of days as the fewest rollup periods (sql/V7 rollup_period): blocks of 64 and 8 days aligned on
 * 2000-01-01 and single days, each added or taken away ({@code signs}): a range's edge 6 days into an 8-day block is
 * that block less 2 days rather than 6 days. Every count in the rollups is a sum, so a range's numbers are the signed
 * sum of its periods' rows, exactly; a year with ragged edges is read as 9 to 16 periods instead of up to 34. The
 * statements drop groups whose signed counts add up to no answers.
 */
record Periods(List<Integer> spans, List<LocalDate> starts, List<Integer> signs) {

    static final LocalDate ORIGIN = LocalDate.of(2000, 1, 1);
    private static final int[] SPANS = {64, 8, 1};

    /** The first day of the 64-day block holding {@code d}. */
    static LocalDate largestStart(LocalDate d) {
        return d.minusDays(Math.floorMod(ChronoUnit.DAYS.between(ORIGIN, d), SPANS[0]));
    }

    /** The last day of the 64-day block holding {@code d}. */
    static LocalDate largestEnd(LocalDate d) {
        return largestStart(d).plusDays(SPANS[0] - 1);
    }

    /** Every day of the range as a period of its own (span 1): what a grouping by day reads per provider. */
    static Periods days(LocalDate from, LocalDate to) {
        List<Integer> spans = new ArrayList<>();
        List<LocalDate> starts = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            spans.add(1);
            starts.add(d);
        }
        return new Periods(spans, starts, Collections.nCopies(spans.size(), 1));
    }

    int size() {
        return spans.size();
    }

    /**
     * The range [from, to] as the fewest periods, added or taken away, using only the blocks of 8 days that end on
     * or before {@code closedThrough} (the workspace's rollup_closed.through, sql/V18; null: none): a later one has no
     * rows yet. When every way needs such a block (the range ends after the closed day, inside its open 8-day block),
     * the days after the closed day are read one by one.
     */
    static Periods cover(LocalDate from, LocalDate to, LocalDate closedThrough) {
        Periods p = fewest(from, to, closedThrough);
        if (p != null) {
            return p;
        }
        if (closedThrough == null || closedThrough.isBefore(from)) {
            return days(from, to);
        }
        Periods closed = cover(from, closedThrough, closedThrough);
        Periods open = days(closedThrough.plusDays(1), to);
        List<Integer> spans = new ArrayList<>(closed.spans);
        List<LocalDate> starts = new ArrayList<>(closed.starts);
        List<Integer> signs = new ArrayList<>(closed.signs);
        spans.addAll(open.spans);
        starts.addAll(open.starts);
        signs.addAll(open.signs);
        return new Periods(spans, starts, signs);
    }

    /** The fewest signed periods for [from, to] with no 8-day block after {@code closedThrough}; null if none. */
    private static Periods fewest(LocalDate from, LocalDate to, LocalDate closedThrough) {
        long a = ChronoUnit.DAYS.between(ORIGIN, from);
        long b = ChronoUnit.DAYS.between(ORIGIN, to) + 1;
        long closedEnd = closedThrough == null ? Long.MIN_VALUE : ChronoUnit.DAYS.between(ORIGIN, closedThrough);
        Map<Long, Integer> best = null;
        for (Edge left : edges(a)) {
            for (Edge right : edges(b)) {
                // [a, b) = P(b) - P(a), P(x) = the 64-day blocks up to the edge's anchor + its signed blocks
                Map<Long, Integer> blocks = new TreeMap<>();
                long lo = Math.min(left.anchor, right.anchor);
                long hi = Math.max(left.anchor, right.anchor);
                int sign = right.anchor >= left.anchor ? 1 : -1;
                for (long k = lo; k < hi; k++) {
                    blocks.merge(key(64, k * 64), sign, Integer::sum);
                }
                right.blocks.forEach((key, c) -> blocks.merge(key, c, Integer::sum));
                left.blocks.forEach((key, c) -> blocks.merge(key, -c, Integer::sum));
                blocks.values().removeIf(c -> c == 0);
                // an 8-day block that ends after the closed day has no rows yet
                if (blocks.keySet().stream().anyMatch(k -> k % 100 == 8 && k / 100 + 7 > closedEnd)) {
                    continue;
                }
                if (best == null || blocks.size() < best.size()) {
                    best = blocks;
                }
            }
        }
        if (best == null) {
            return null;
        }
        List<Integer> spans = new ArrayList<>();
        List<LocalDate> starts = new ArrayList<>();
        List<Integer> signs = new ArrayList<>();
        best.forEach((key, c) -> {
            spans.add((int) (key % 100));
            starts.add(ORIGIN.plusDays(key / 100));
            signs.add(c);
        });
        return new Periods(spans, starts, signs);
    }

    /** A block as one sortable number: its first day's offset, then its span. */
    private static long key(int span, long start) {
        return start * 100 + span;
    }

    /** One way to reach day offset x from a 64-day boundary (anchor, in blocks of 64): the signed blocks between. */
    private record Edge(long anchor, Map<Long, Integer> blocks) {
    }

    /** The ways to reach x: its days from the 8-day boundary below or above, that one's blocks from below or above. */
    private static List<Edge> edges(long x) {
        List<Edge> out = new ArrayList<>();
        long k = Math.floorDiv(x, 64);
        int r = (int) (x - 64 * k);
        int j = r / 8;
        int i = r % 8;
        for (int d : i == 0 ? new int[] {0} : new int[] {i, i - 8}) {
            int e = d == i ? j : j + 1; // the 8-day boundary the days are counted from, in blocks of 8 above 64k
            for (int e8 : e == 0 ? new int[] {0} : new int[] {e, e - 8}) {
                long anchor = e8 == e ? k : k + 1;
                Map<Long, Integer> blocks = new TreeMap<>();
                long base8 = anchor * 64;
                for (int t = Math.min(0, e8); t < Math.max(0, e8); t++) {
                    blocks.merge(key(8, base8 + 8L * t), e8 > 0 ? 1 : -1, Integer::sum);
                }
                long base1 = base8 + 8L * e8;
                for (int t = Math.min(0, d); t < Math.max(0, d); t++) {
                    blocks.merge(key(1, base1 + t), d > 0 ? 1 : -1, Integer::sum);
                }
                out.add(new Edge(anchor, blocks));
            }
        }
        return out;
    }
}
