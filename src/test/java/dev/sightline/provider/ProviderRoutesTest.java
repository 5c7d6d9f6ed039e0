package dev.sightline.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.sightline.provider.ProviderRoutes.Throttle;

/** The throttle a provider's limit becomes: never more calls in a minute than the limit, and never a huge window. */
class ProviderRoutesTest {

    private static final long MINUTE = 61_000; // a minute plus the default margin

    @Test
    void aLimitUpToTheCapIsOneWindowOfAMinuteAndItsMargin() {
        assertThat(ProviderRoutes.throttle(1, MINUTE)).isEqualTo(new Throttle(1, MINUTE));
        assertThat(ProviderRoutes.throttle(500, MINUTE)).isEqualTo(new Throttle(500, MINUTE));
        assertThat(ProviderRoutes.throttle(1_000, MINUTE)).isEqualTo(new Throttle(1_000, MINUTE));
    }

    @Test
    void aLargerLimitIsTheSameRateOverAShorterWindow() {
        assertThat(ProviderRoutes.throttle(1_001, MINUTE)).isEqualTo(new Throttle(500, 30_500));
        assertThat(ProviderRoutes.throttle(30_000, MINUTE)).isEqualTo(new Throttle(1_000, 2_034));
        assertThat(ProviderRoutes.throttle(100_000, MINUTE)).isEqualTo(new Throttle(1_000, 610));
    }

    /**
     * Uses of one permit are a window apart, so within any minute plus margin a permit serves at most as many calls
     * as whole windows fit before the span reaches it; that many windows' permits stay within the limit.
     */
    @Test
    void noMinuteSeesMoreCallsThanTheLimitAndLittleOfItIsLost() {
        for (long minute : new long[] {60_000, 61_000, 65_432}) {
            for (int rpm = 1; rpm <= 250_000; rpm += rpm < 3_000 ? 1 : 97) {
                Throttle t = ProviderRoutes.throttle(rpm, minute);
                assertThat(t.permits()).as("permits for %d", rpm).isBetween(1, ProviderRoutes.MAX_PERMITS_PER_WINDOW);
                // k uses of a permit span (k - 1) windows; they fit in a minute only while (k - 1) * window < minute
                long usesPerMinute = (minute - 1) / t.windowMillis() + 1;
                assertThat(usesPerMinute * t.permits()).as("calls a minute for %d", rpm).isLessThanOrEqualTo(rpm);
                assertThat(usesPerMinute * t.permits()).as("calls a minute for %d", rpm)
                        .isGreaterThan(rpm - usesPerMinute);
            }
        }
    }
}
