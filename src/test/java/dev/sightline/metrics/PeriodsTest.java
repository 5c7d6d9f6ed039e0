package dev.sightline.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

/** A range read as signed rollup periods counts every day of the range once and no other day. */
class PeriodsTest {

    @Test
    void everyRangeIsCoveredExactlyByItsSignedPeriods() {
        LocalDate base = LocalDate.of(2025, 3, 1);
        int most = 0;
        for (int start = 0; start < 130; start += 3) {
            for (int length = 1; length <= 420; length += 7) {
                LocalDate from = base.plusDays(start);
                LocalDate to = from.plusDays(length - 1);
                Periods p = Periods.cover(from, to, LocalDate.MAX);
                assertCovers(p, from, to, LocalDate.MAX);
                most = Math.max(most, p.size());
            }
        }
        // at most 4 days and 4 blocks of 8 at each edge, and the 64-day blocks between (7 in 420 days)
        assertThat(most).isLessThanOrEqualTo(16 + 7);
    }

    /**
     * Blocks of 8 days have rows only once closed (sql/V18): a range is read with no 8-day block that ends after the
     * closed day (single days after it where nothing else will do).
     */
    @Test
    void no8DayBlockThatEndsAfterTheClosedDayIsRead() {
        LocalDate base = LocalDate.of(2025, 3, 1);
        int most = 0;
        for (int start = 0; start < 130; start += 5) {
            for (int length = 1; length <= 420; length += 11) {
                LocalDate from = base.plusDays(start);
                LocalDate to = from.plusDays(length - 1);
                // the newest day is the range's last, or a few days after it; the closed day is the one before it
                for (int after : new int[] {0, 1, 3, 9}) {
                    LocalDate closed = to.plusDays(after - 1);
                    Periods p = Periods.cover(from, to, closed);
                    assertCovers(p, from, to, closed);
                    most = Math.max(most, p.size());
                }
            }
        }
        // at most 7 blocks of 8 and 7 days below the closed day, 7 days after it, the 64-day blocks between
        assertThat(most).isLessThanOrEqualTo(16 + 7 + 7);
        assertThat(Periods.cover(base, base.plusDays(3), null).spans()).containsExactly(1, 1, 1, 1);
        LocalDate start = Periods.largestStart(LocalDate.of(2026, 6, 1));
        // the first 64 days and the next 8-day block closed, then single days
        Periods p = Periods.cover(start, start.plusDays(74), start.plusDays(71));
        assertThat(p.spans()).containsExactly(64, 8, 1, 1, 1);
        // a 64-day block is kept while open: the whole history up to the edge of its last block reads it whole
        assertThat(Periods.cover(start, start.plusDays(127), start.plusDays(70)).spans()).containsExactly(64, 64);
    }

    /** Every day of [from, to] counted once by the signed periods, no other day, no 8-day block after closed. */
    private static void assertCovers(Periods p, LocalDate from, LocalDate to, LocalDate closed) {
        for (int i = 0; i < p.size(); i++) {
            LocalDate end = p.starts().get(i).plusDays(p.spans().get(i) - 1);
            assertThat(p.spans().get(i) != 8 || !end.isAfter(closed))
                    .as("block %s of %s in [%s, %s], closed through %s", i, p, from, to, closed).isTrue();
        }
        for (LocalDate d = from.minusDays(130); !d.isAfter(to.plusDays(130)); d = d.plusDays(1)) {
            int count = 0;
            for (int i = 0; i < p.size(); i++) {
                LocalDate s = p.starts().get(i);
                if (!d.isBefore(s) && d.isBefore(s.plusDays(p.spans().get(i)))) {
                    count += p.signs().get(i);
                }
            }
            assertThat(count).as("%s in [%s, %s] read as %s", d, from, to, p)
                    .isEqualTo(d.isBefore(from) || d.isAfter(to) ? 0 : 1);
        }
    }

    @Test
    void alignedBlocksAreReadWhole() {
        LocalDate start = Periods.largestStart(LocalDate.of(2026, 6, 1));
        Periods p = Periods.cover(start, start.plusDays(127), LocalDate.MAX);
        assertThat(p.spans()).containsExactly(64, 64);
        assertThat(p.signs()).containsExactly(1, 1);
        // a ragged edge 6 days into an 8-day block is the block less 2 days
        Periods edge = Periods.cover(start, start.plusDays(64 + 5), LocalDate.MAX);
        assertThat(edge.size()).isEqualTo(4);
    }
}
