package dev.sightline.analysis;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance test: runs the analyzer over the labelled corpora, prints every miss, the quality numbers (for the
 * whole corpus and for its full-length answers) and the sentiment confusion matrix, and holds each corpus to the
 * agreed floors.
 */
class AnalyzerQualityTest {

    static final Path TUNING = Path.of("src/test/resources/corpus/tuning.json");

    @Test
    void corpusQuality() {
        List<Corpus.Entry> corpus = Corpus.load(Corpus.DEFAULT);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(140);
        CorpusQuality.Report report = CorpusQuality.measure(corpus);
        report.print("answers.json");
        assertThat(report.full().answers).as("full-length answers").isGreaterThanOrEqualTo(30);
        assertThat(report.all().mentionF1()).as("mention F1").isGreaterThanOrEqualTo(0.97);
        assertThat(report.all().rankAccuracy()).as("list rank accuracy").isGreaterThanOrEqualTo(0.95);
        assertThat(report.all().domainF1()).as("cited-domain F1").isGreaterThanOrEqualTo(0.98);
        assertThat(report.all().sentimentAccuracy()).as("sentiment accuracy").isGreaterThanOrEqualTo(0.85);
    }
}
