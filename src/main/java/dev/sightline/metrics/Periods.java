package dev.sightline.metrics;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A range of days as the fewest rollup periods (sql/V7 rollup_period): blocks of 64 and 8 days aligned on
 * 2000-01-01 where they fit, single days at the edges. Any range is at most 7 + 7 days, 7 + 7 blocks of 8 and the
 * blocks of 64 between them.
 */
record Periods(List<Integer> spans, List<LocalDate> starts) {

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
        return new Periods(spans, starts);
    }

    static Periods cover(LocalDate from, LocalDate to) {
        List<Integer> spans = new ArrayList<>();
        List<LocalDate> starts = new ArrayList<>();
        LocalDate d = from;
        while (!d.isAfter(to)) {
            long offset = ChronoUnit.DAYS.between(ORIGIN, d);
            for (int span : SPANS) {
                if (Math.floorMod(offset, span) == 0 && !d.plusDays(span - 1).isAfter(to)) {
                    spans.add(span);
                    starts.add(d);
                    d = d.plusDays(span);
                    break;
                }
            }
        }
        return new Periods(spans, starts);
    }
}
