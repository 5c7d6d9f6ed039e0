package dev.sightline.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The two-proportion z-test against values computed by hand (pooled standard error, two-sided normal p). */
class TwoProportionTest {

    @Test
    void aTextbookExample() {
        // 50 of 100 against 65 of 100: pooled 0.575, se 0.069912, z 2.14553, p 0.031913
        TwoProportion.Result r = TwoProportion.test(50, 100, 65, 100);
        assertThat(r.before()).isEqualTo(0.5);
        assertThat(r.after()).isEqualTo(0.65);
        assertThat(r.z()).isCloseTo(2.14553, within(1e-4));
        assertThat(r.p()).isCloseTo(0.031913, within(1e-5));
        assertThat(TwoProportion.test(65, 100, 50, 100).z()).isCloseTo(-2.14553, within(1e-4));
    }

    @Test
    void noEvidenceWithoutVariationOrSamples() {
        assertThat(TwoProportion.test(0, 50, 0, 50).p()).isEqualTo(1);
        assertThat(TwoProportion.test(50, 50, 50, 50).p()).isEqualTo(1);
        assertThat(TwoProportion.test(0, 0, 5, 10).p()).isEqualTo(1);
        assertThat(TwoProportion.test(20, 40, 20, 40).p()).isCloseTo(1, within(1e-6));
    }

    @Test
    void theErrorFunctionIsAccurate() {
        assertThat(TwoProportion.erfc(0)).isCloseTo(1, within(1e-7));
        assertThat(TwoProportion.erfc(1.959963984540054 / Math.sqrt(2))).isCloseTo(0.05, within(1e-7));
        assertThat(TwoProportion.erfc(-1)).isCloseTo(1.8427007929, within(1e-7));
    }
}
