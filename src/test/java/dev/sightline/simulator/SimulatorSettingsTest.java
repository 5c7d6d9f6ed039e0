package dev.sightline.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code sightline.simulator.*} properties and the latency distribution they describe. */
class SimulatorSettingsTest {

    private static SimulatorSettings read(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return SimulatorSettings.fromProperties(k -> Optional.ofNullable(props.get(k)));
    }

    @Test
    void everyKeyIsOptional() {
        SimulatorSettings s = read();
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isZero();
        assertThat(s.day()).isNull();
        assertThat(s.faults()).isEmpty();
        assertThat(s.defaults()).isEqualTo(FaultProfile.DEFAULT);
        assertThat(s.defaults().latencyMedian()).isEqualTo(Duration.ofMillis(700));
        assertThat(s.defaults().latencyP99()).isEqualTo(Duration.ofMillis(2500));
        assertThat(s.defaults().retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.defaults().timeoutHold()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void globalAndPerKindKeys() {
        SimulatorSettings s = read(
                "sightline.simulator.host", "0.0.0.0",
                "sightline.simulator.port", "18080",
                "sightline.simulator.day", "2026-03-01",
                "sightline.simulator.latency-median", "PT0.2S",
                "sightline.simulator.latency-p99", "1s",
                "sightline.simulator.rate-429", "0.05",
                "sightline.simulator.retry-after", "1.5s",
                "sightline.simulator.kinds.anthropic.rate-overloaded", "0.2",
                "sightline.simulator.kinds.anthropic.timeout-hold", "1m",
                "sightline.simulator.kinds.gemini.latency-median", "0",
                "sightline.simulator.kinds.gemini.latency-p99", "0",
                "sightline.simulator.kinds.gemini.rate-malformed", "0.1",
                "sightline.simulator.kinds.gemini.rate-401", "0.01",
                "sightline.simulator.kinds.gemini.rate-500", "0.02",
                "sightline.simulator.kinds.gemini.rate-timeout", "0.03");
        assertThat(s.host()).isEqualTo("0.0.0.0");
        assertThat(s.port()).isEqualTo(18080);
        assertThat(s.day()).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(s.defaults().latencyMedian()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.defaults().rate429()).isEqualTo(0.05);
        assertThat(s.defaults().retryAfter()).isEqualTo(Duration.ofMillis(1500));
        FaultProfile anthropic = s.faultsFor("anthropic");
        assertThat(anthropic.rateOverloaded()).isEqualTo(0.2);
        assertThat(anthropic.timeoutHold()).isEqualTo(Duration.ofMinutes(1));
        assertThat(anthropic.rate429()).as("inherits the global value").isEqualTo(0.05);
        FaultProfile gemini = s.faultsFor("gemini");
        assertThat(gemini.latencyMedian()).isZero();
        assertThat(gemini.rateMalformed()).isEqualTo(0.1);
        assertThat(gemini.rate401()).isEqualTo(0.01);
        assertThat(gemini.rate500()).isEqualTo(0.02);
        assertThat(gemini.rateTimeout()).isEqualTo(0.03);
        assertThat(s.faultsFor("perplexity")).isSameAs(s.defaults());
        assertThat(s.faults()).containsOnlyKeys("anthropic", "gemini");
    }

    @Test
    void invalidValuesNameTheProperty() {
        assertThatThrownBy(() -> read("sightline.simulator.rate-429", "lots"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sightline.simulator.rate-429");
        assertThatThrownBy(() -> read("sightline.simulator.rate-500", "1.5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sightline.simulator.rate-500");
        assertThatThrownBy(() -> read("sightline.simulator.kinds.gemini.latency-p99", "10 parsecs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sightline.simulator.kinds.gemini.latency-p99");
        assertThatThrownBy(() -> read("sightline.simulator.latency-median", "2s", "sightline.simulator.latency-p99", "1s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sightline.simulator.latency-p99");
        assertThatThrownBy(() -> read("sightline.simulator.port", "70000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sightline.simulator.port");
        assertThatThrownBy(() -> read("sightline.simulator.day", "01/03/2026"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sightline.simulator.day");
        assertThatThrownBy(() -> read("sightline.simulator.retry-after", "-2s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sightline.simulator.retry-after");
        assertThatThrownBy(() -> read("sightline.simulator.kinds.anthropic.rate-429", "0.6",
                "sightline.simulator.kinds.anthropic.rate-500", "0.6"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sightline.simulator.kinds.anthropic.");
    }

    @Test
    void durationNotations() {
        assertThat(Durations.parse("700ms")).isEqualTo(Duration.ofMillis(700));
        assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("0")).isZero();
        assertThatThrownBy(() -> Durations.parse("5")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Durations.goStyle(Duration.ofMillis(120))).isEqualTo("120ms");
        assertThat(Durations.goStyle(Duration.ofSeconds(360))).isEqualTo("6m0s");
        assertThat(Durations.protoStyle(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }

    @Test
    void latencyIsLogNormalWithTheConfiguredMedianAndP99() {
        FaultProfile p = FaultProfile.NONE.withLatency(Duration.ofMillis(700), Duration.ofMillis(2500));
        long[] draws = new long[20_000];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = Simulator.latencyMs(p, 42L, i);
        }
        Arrays.sort(draws);
        long median = draws[draws.length / 2];
        long p99 = draws[(int) (draws.length * 0.99)];
        System.out.println("latency draws: median " + median + " ms, p99 " + p99 + " ms");
        assertThat(median).isBetween(650L, 750L);
        assertThat(p99).isBetween(2200L, 2800L);
        assertThat(draws[0]).isPositive();
        FaultProfile fixed = FaultProfile.NONE.withLatency(Duration.ofMillis(300), Duration.ofMillis(300));
        assertThat(Simulator.latencyMs(fixed, 1, 1)).isEqualTo(300);
        assertThat(Simulator.latencyMs(FaultProfile.NONE, 1, 1)).isZero();
    }
}
