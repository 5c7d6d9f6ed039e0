package dev.sightline.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

class EvidencePackTest {

    @Test
    void offsetsComeBackAsTheyWereInAFewBytes() {
        int[] mention = {90, 97, 88, 177};
        assertThat(Evidence.unpack(Evidence.pack(mention))).containsExactly(mention);
        assertThat(Evidence.pack(mention)).hasSizeLessThanOrEqualTo(6);
        assertThat(Evidence.unpack(Evidence.pack(new int[0]))).isEmpty();
        int[] far = {0, Integer.MAX_VALUE, 1, Integer.MAX_VALUE - 1, 70_000, 70_004, 69_950, 70_100};
        assertThat(Evidence.unpack(Evidence.pack(far))).containsExactly(far);
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            int[] v = r.ints(4 * (1 + r.nextInt(5)), 0, 1 << (1 + r.nextInt(30))).toArray();
            assertThat(Evidence.unpack(Evidence.pack(v))).containsExactly(v);
        }
    }

    @Test
    void aDamagedValueIsRefused() {
        byte[] packed = Evidence.pack(new int[] {300, 400});
        byte[] cut = java.util.Arrays.copyOf(packed, 1);
        assertThatThrownBy(() -> Evidence.unpack(cut)).hasMessageContaining("damaged evidence offsets");
        assertThatThrownBy(() -> Evidence.unpack(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, 1})).hasMessageContaining("damaged evidence offsets");
    }
}
