package dev.sightline.analysis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnalyzerBenchTest {

    @Test
    void measuresTheCorpusAndItsFullLengthSubset() {
        List<AnalyzerInput> corpus = AnalyzerBench.corpus();
        List<AnalyzerInput> full = AnalyzerBench.fullLength(corpus);
        assertThat(full).hasSizeGreaterThanOrEqualTo(30)
                .allSatisfy(i -> assertThat(i.text().length()).isGreaterThanOrEqualTo(AnalyzerBench.FULL_LENGTH_CHARS));
        assertThat(AnalyzerBench.answersPerSecond(corpus, Duration.ofMillis(20))).isPositive();
        AnalyzerBench.Rates rates = AnalyzerBench.measure(full, Duration.ofMillis(10), 3);
        assertThat(rates.rounds()).hasSize(3);
        assertThat(rates.cpuMedian()).isPositive();
        assertThat(rates.min()).isPositive().isLessThanOrEqualTo(rates.median());
        assertThat(rates.median()).isLessThanOrEqualTo(rates.max());
    }
}
