package dev.sightline.analysis;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance test: runs the analyzer over each labelled corpus, prints every miss, the quality numbers (for the
 * whole corpus and for its full-length answers) and the sentiment confusion matrix, and holds each corpus to the
 * agreed floors.
 */
class AnalyzerQualityTest {

    /** The tuning half of issue 12's independently labelled set (the other half is held out). */
    static final Path TUNING = Path.of("src/test/resources/corpus/tuning.json");
    /**
     * 160 more answers in eight markets the tuning half does not have, labelled the same way; measured first with
     * analyzer 1.3.0 as unseen data, then developed on one half and checked on the other (README).
     */
    static final Path TUNING2 = Path.of("src/test/resources/corpus/tuning2.json");
    /**
     * 150 answers in ten more markets (robot vacuums, travel and pet insurance, site builders, e-signature, video
     * calls, security and mirrorless cameras, online courses, European rail), written and labelled for a fourth round
     * and read again by a second labeller (README); analyzer 1.5.0 measured 0.701 here before that round.
     */
    static final Path TUNING3 = Path.of("src/test/resources/corpus/tuning3.json");
    /**
     * 150 answers in ten more markets (smartwatches, food delivery, antivirus, tax software, 3D printers, HR software,
     * car rental, music streaming, stand mixers, air purifiers), written and labelled twice like {@link #TUNING3}:
     * analyzer 1.6.0 measured 0.617 here before the sentiment model was trained on it with the other sets.
     */
    static final Path TUNING4 = Path.of("src/test/resources/corpus/tuning4.json");
    /**
     * 150 answers in ten more markets (fitness apps, e-scooters, mortgage lenders, cloud data warehouses, sunscreen,
     * smart speakers, dishwashers, European airlines, CI/CD, observability), made like {@link #TUNING4}: analyzer
     * 1.5.0 measured 0.632 here, 1.7.0's model trained on the four sets before it 0.678.
     */
    static final Path TUNING5 = Path.of("src/test/resources/corpus/tuning5.json");
    /**
     * 450 answers in thirty more markets (thermostats, dating apps, help desks, tyres, meditation, espresso machines,
     * identity, grocery delivery, drones, kids' coding; standing desks, form builders, 3D printers, dog food, databases,
     * luggage, crypto exchanges, scheduling, home insurance, knives; EV chargers, translation, office chairs, web
     * analytics, bikes, podcast hosting, sleep trackers, smart locks, strollers, CDNs), made like {@link #TUNING4},
     * many with brands that are common words (Away, August, Level, Calm, Front, Branch, Neon, Tally, Global).
     * Analyzer 1.7.0, which had not seen them, measured sentiment 0.799, 0.795 and 0.786 and list rank 0.938, 0.904
     * and 0.897 on them (README).
     */
    static final Path TUNING6 = Path.of("src/test/resources/corpus/tuning6.json");
    static final Path TUNING7 = Path.of("src/test/resources/corpus/tuning7.json");
    static final Path TUNING8 = Path.of("src/test/resources/corpus/tuning8.json");
    /** The held-out half: measured, never tuned on (README reports these numbers). */
    static final Path HELD_OUT = Path.of("src/test/resources/corpus/heldout.json");

    @Test
    void corpusQuality() {
        List<Corpus.Entry> corpus = Corpus.load(Corpus.DEFAULT);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(140);
        CorpusQuality.Report report = CorpusQuality.measure(corpus);
        report.print("answers.json");
        assertThat(report.full().answers).as("full-length answers").isGreaterThanOrEqualTo(30);
        assertFloors(report.all());
    }

    @Test
    void tuningCorpusQuality() {
        List<Corpus.Entry> corpus = Corpus.load(TUNING);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(160);
        CorpusQuality.Report report = CorpusQuality.measure(corpus);
        report.print("tuning.json");
        assertFloors(report.all());
    }

    @Test
    void tuning2CorpusQuality() {
        // the target is 0.87; analyzer 1.3.0 measured 0.655 here, 1.4.0 0.802, 1.5.0 0.838, 1.6.0 0.836, 1.7.0 0.917
        // (its model trained on it too; 0.853 trained on the others alone): this floor guards against going back
        measureTuningSet(TUNING2, 160, 0.83);
    }

    @Test
    void tuning3CorpusQuality() {
        // 1.5.0 measured 0.701 here, 1.6.0 (tuned on it) 0.780 (0.787 with the last rules), 1.7.0 0.890 (the model
        // trained on it; 0.815 trained on the other sets alone): this floor guards against going back
        measureTuningSet(TUNING3, 150, 0.77);
    }

    @Test
    void tuning4CorpusQuality() {
        // 1.6.0 measured 0.617 here; 1.7.0's model, trained on it among the others, 0.818 (0.697 when trained on
        // the other sets alone, README); 1.8.0's, trained on nine sets, 0.788 (0.701 on the other eight alone): this
        // floor guards against going back
        measureTuningSet(TUNING4, 150, 0.77);
    }

    @Test
    void tuning5CorpusQuality() {
        // list rank 0.958 (0.929 before sections of product lines made a list, 0.941 before an answer's title
        // heading stopped counting as an option): fresh answers find list shapes the rules do not know yet (README);
        // sentiment 0.632 with 1.5.0, 0.678 with a model not trained on it, 0.826 with the model trained on it too
        measureTuningSet(TUNING5, 150, 0.95, 0.78);
    }

    @Test
    void tuning6To8CorpusQuality() {
        // analyzer 1.8.0, its model trained on them too: sentiment 0.868, 0.880, 0.855 (0.819, 0.812, 0.827 trained
        // on the other sets alone); list rank 0.991, 0.974, 0.983 (1.7.0, before the rules were tuned on them: 0.938,
        // 0.904, 0.897)
        measureTuningSet(TUNING6, 150, 0.98, 0.84);
        measureTuningSet(TUNING7, 150, 0.96, 0.84);
        measureTuningSet(TUNING8, 150, 0.96, 0.83);
    }

    /** A later tuning set: its misses printed, the common floors and its own for sentiment. */
    private static void measureTuningSet(Path path, int answers, double sentimentFloor) {
        measureTuningSet(path, answers, 0.96, sentimentFloor);
    }

    private static void measureTuningSet(Path path, int answers, double rankFloor, double sentimentFloor) {
        List<Corpus.Entry> corpus = Corpus.load(path);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(answers);
        CorpusQuality.Report report = CorpusQuality.measure(corpus);
        report.print(path.getFileName().toString());
        CorpusQuality.Metrics m = report.all();
        assertThat(m.mentionF1()).as("mention F1").isGreaterThanOrEqualTo(0.98);
        assertThat(m.rankAccuracy()).as("list rank accuracy").isGreaterThanOrEqualTo(rankFloor);
        assertThat(m.domainF1()).as("cited-domain F1").isGreaterThanOrEqualTo(0.99);
        assertThat(m.sentimentAccuracy()).as("sentiment accuracy").isGreaterThanOrEqualTo(sentimentFloor);
    }

    /**
     * The held-out half: never tuned on. Only its totals and confusion matrix are printed, not its misses, so that
     * reading the test's output does not turn it into a second tuning set.
     */
    @Test
    void heldOutCorpusQuality() {
        List<Corpus.Entry> corpus = Corpus.load(HELD_OUT);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(160);
        CorpusQuality.Report report = CorpusQuality.measure(corpus);
        report.printTotals("heldout.json");
        assertThat(report.all().mentionF1()).as("mention F1").isGreaterThanOrEqualTo(0.98);
        // 0.961 with 1.7.0, 0.983 with 1.8.0 (common-word names opening options among named siblings)
        assertThat(report.all().rankAccuracy()).as("list rank accuracy").isGreaterThanOrEqualTo(0.97);
        assertThat(report.all().domainF1()).as("cited-domain F1").isGreaterThanOrEqualTo(0.99);
        // issue 12's target is 0.85; measured 0.735 with analyzer 1.3.0, 0.759 with 1.4.0 and again 0.759 with 1.5.0,
        // 0.765 with 1.6.0, 0.772 with 1.7.0's model trained on four tuning sets, 0.783 trained on all six, 0.803
        // with 1.8.0: this floor guards against going back
        assertThat(report.all().sentimentAccuracy()).as("sentiment accuracy").isGreaterThanOrEqualTo(0.79);
    }

    private static void assertFloors(CorpusQuality.Metrics m) {
        assertThat(m.mentionF1()).as("mention F1").isGreaterThanOrEqualTo(0.98);
        assertThat(m.rankAccuracy()).as("list rank accuracy").isGreaterThanOrEqualTo(0.96);
        assertThat(m.domainF1()).as("cited-domain F1").isGreaterThanOrEqualTo(0.99);
        // analyzer 1.5.0 measured 0.899 (answers.json) and 0.907 (tuning.json), 1.6.0 0.901 and 0.907, 1.7.0 0.921 and
        // 0.938 (its model trained on them too)
        assertThat(m.sentimentAccuracy()).as("sentiment accuracy").isGreaterThanOrEqualTo(0.89);
    }
}
