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
                Periods p = Periods.cover(from, to);
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
                most = Math.max(most, p.size());
            }
        }
        // at most 4 days and 4 blocks of 8 at each edge, and the 64-day blocks between (7 in 420 days)
        assertThat(most).isLessThanOrEqualTo(16 + 7);
    }

    @Test
    void alignedBlocksAreReadWhole() {
        LocalDate start = Periods.largestStart(LocalDate.of(2026, 6, 1));
        Periods p = Periods.cover(start, start.plusDays(127));
        assertThat(p.spans()).containsExactly(64, 64);
        assertThat(p.signs()).containsExactly(1, 1);
        // a ragged edge 6 days into an 8-day block is the block less 2 days
        Periods edge = Periods.cover(start, start.plusDays(64 + 5));
        assertThat(edge.size()).isEqualTo(4);
    }
}
