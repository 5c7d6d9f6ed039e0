package dev.sightline.analysis;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Throwaway benchmark: prints answers analysed per second on one thread. Not a test; run by hand. */
public final class AnalyzerThroughput {

    public static void main(String[] args) {
        List<Corpus.Entry> corpus = Corpus.load(args.length > 0 ? Path.of(args[0]) : Corpus.DEFAULT);
        Map<String, AnswerAnalyzer> analyzers = new HashMap<>();
        corpus.forEach(e -> analyzers.computeIfAbsent(e.workspace(), w -> new AnswerAnalyzer(e.entities())));
        long bytes = corpus.stream().mapToLong(e -> e.text().length()).sum();
        run("corpus answers", corpus, analyzers, bytes);
        // typical production answers are 1-4 kB: join answers of one workspace until each is about 2.5 kB
        List<Corpus.Entry> large = new java.util.ArrayList<>();
        for (Corpus.Entry e : corpus) {
            StringBuilder sb = new StringBuilder(e.text());
            int k = corpus.indexOf(e);
            while (sb.length() < 2500) {
                Corpus.Entry next = corpus.get(++k % corpus.size());
                if (next.workspace().equals(e.workspace())) {
                    sb.append("\n\n").append(next.text());
                }
            }
            large.add(new Corpus.Entry(e.id(), e.provider(), e.workspace(), sb.toString(), e.citations(), e.entities(),
                    e.expected(), e.citedDomains()));
        }
        run("~2.5 kB answers", large, analyzers, large.stream().mapToLong(e -> e.text().length()).sum());
    }

    private static void run(String label, List<Corpus.Entry> corpus, Map<String, AnswerAnalyzer> analyzers,
                            long bytes) {
        for (int round = 0; round < 5; round++) {
            int n = 0;
            long start = System.nanoTime();
            while (n < 50_000) {
                for (Corpus.Entry e : corpus) {
                    analyzers.get(e.workspace()).analyze(e.text(), e.citations());
                    n++;
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s, round %d: %.0f answers/s (avg %d chars)%n", label, round, n / secs,
                    bytes / corpus.size());
        }
    }
}
