package dev.sightline.analysis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Prints answers analysed per second on one thread over the labelled corpus and over its full-length answers.
 * Not a test; run by hand: {@code AnalyzerThroughput [corpus.json] [seconds-per-round] [rounds]}.
 */
public final class AnalyzerThroughput {

    public static void main(String[] args) {
        List<AnalyzerInput> corpus = args.length > 0 ? AnalyzerBench.inputs(Path.of(args[0])) : AnalyzerBench.corpus();
        Duration round = Duration.ofMillis((long) (1000 * (args.length > 1 ? Double.parseDouble(args[1]) : 3)));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<AnalyzerInput> full = AnalyzerBench.fullLength(corpus);
        report("corpus", corpus, round, rounds);
        report("full-length", full, round, rounds);
    }

    private static void report(String label, List<AnalyzerInput> inputs, Duration round, int rounds) {
        long chars = inputs.stream().mapToLong(i -> i.text().length()).sum();
        AnalyzerBench.Rates rates = AnalyzerBench.measure(inputs, round, rounds);
        System.out.printf("%-11s %3d answers, avg %4d chars: %s%n", label, inputs.size(), chars / inputs.size(), rates);
    }
}
