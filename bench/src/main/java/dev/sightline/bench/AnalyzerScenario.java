package dev.sightline.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sightline.analysis.AnalyzerBench;
import dev.sightline.analysis.AnalyzerInput;

/**
 * The analyzer measurement: the test tree's {@link AnalyzerBench} (the one {@code AnalyzerThroughput} and its test
 * use) over the labelled corpus, on one thread, {@code bench.analyzer.rounds} rounds of at least
 * {@code bench.analyzer.seconds} each after a warm-up; the median is the result.
 */
final class AnalyzerScenario {

    private AnalyzerScenario() {
    }

    static Map<String, Object> run() {
        List<AnalyzerInput> corpus = AnalyzerBench.corpus();
        List<AnalyzerInput> full = AnalyzerBench.fullLength(corpus);
        Duration round = Duration.ofMillis((long) (1000 * Double.parseDouble(System.getProperty("bench.analyzer.seconds", "2"))));
        int rounds = Integer.getInteger("bench.analyzer.rounds", 5);
        AnalyzerBench.Rates all = AnalyzerBench.measure(corpus, round, rounds);
        AnalyzerBench.Rates fullRates = AnalyzerBench.measure(full, round, rounds);

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", "analyzer");
        r.put("corpusAnswers", corpus.size());
        r.put("corpusAvgChars", corpus.stream().mapToLong(i -> i.text().length()).sum() / corpus.size());
        r.put("answersPerSecond", all.median());
        r.put("microsPerAnswer", 1e6 / all.median());
        r.put("rounds", all.rounds());
        r.put("answersPerCpuSecond", all.cpuMedian());
        r.put("fullLengthAnswers", full.size());
        r.put("fullLengthAnswersPerSecond", fullRates.median());
        r.put("slowestAnswers", slowest(corpus));
        return r;
    }

    /** The five slowest answers, each timed over 20 analyses. */
    private static List<Map<String, Object>> slowest(List<AnalyzerInput> corpus) {
        List<Map<String, Object>> timed = new ArrayList<>();
        long sink = 0;
        for (AnalyzerInput in : corpus) {
            long s = System.nanoTime();
            for (int k = 0; k < 20; k++) {
                sink += in.analyze().entities().size();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", in.id());
            m.put("chars", in.text().length());
            m.put("micros", Math.round((System.nanoTime() - s) / 20 / 1e3));
            timed.add(m);
        }
        if (sink < 0) {
            throw new IllegalStateException(); // keeps the work observable
        }
        timed.sort(Comparator.comparingLong((Map<String, Object> m) -> (Long) m.get("micros")).reversed());
        return timed.subList(0, Math.min(5, timed.size()));
    }
}
