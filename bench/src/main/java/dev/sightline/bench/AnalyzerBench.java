package dev.sightline.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.analysis.Corpus;

/**
 * Analyzer throughput on one thread over the labelled corpus (src/test/resources/corpus/answers.json): one analyzer
 * per workspace, built before timing as the app caches it; a warm-up, then whole passes over the corpus for at
 * least {@code bench.analyzer.seconds}. A sampler thread counts the benchmark thread's innermost frames to name
 * the hotspots (safepoint-biased, good enough to point at a method).
 */
final class AnalyzerBench {

    private AnalyzerBench() {
    }

    static Map<String, Object> run() throws InterruptedException {
        List<Corpus.Entry> corpus = Corpus.load(Corpus.DEFAULT);
        Map<String, AnswerAnalyzer> byWorkspace = new HashMap<>();
        List<AnswerAnalyzer> analyzers = new ArrayList<>();
        long chars = 0;
        for (Corpus.Entry e : corpus) {
            analyzers.add(byWorkspace.computeIfAbsent(e.workspace(), w -> new AnswerAnalyzer(e.entities())));
            chars += e.text().length();
        }
        double warmupSeconds = Double.parseDouble(System.getProperty("bench.analyzer.warmup", "5"));
        double seconds = Double.parseDouble(System.getProperty("bench.analyzer.seconds", "10"));
        long sink = 0;
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < end) {
            sink += pass(corpus, analyzers);
        }

        Thread self = Thread.currentThread();
        Map<String, Integer> frames = new HashMap<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        int[] samples = {0};
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                StackTraceElement[] st = self.getStackTrace();
                String top = null;
                for (StackTraceElement f : st) {
                    if (f.getClassName().startsWith("dev.sightline.analysis.")) {
                        top = f.getClassName().substring("dev.sightline.analysis.".length()) + "." + f.getMethodName();
                        break;
                    }
                }
                if (top != null) {
                    String leaf = st.length > 0 && !st[0].getClassName().startsWith("dev.sightline.analysis.")
                            ? " > " + st[0].getClassName().replaceAll(".*\\.", "") + "." + st[0].getMethodName() : "";
                    frames.merge(top + leaf, 1, Integer::sum);
                    samples[0]++;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "analyzer-sampler");
        sampler.setDaemon(true);
        long answers = 0;
        long t0 = System.nanoTime();
        sampler.start();
        do {
            sink += pass(corpus, analyzers);
            answers += corpus.size();
        } while (System.nanoTime() - t0 < seconds * 1e9);
        long elapsed = System.nanoTime() - t0;
        sampling.set(false);
        sampler.join();

        // the slowest answers, timed one by one
        List<Map<String, Object>> slowest = new ArrayList<>();
        List<double[]> perEntry = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            Corpus.Entry e = corpus.get(i);
            long s = System.nanoTime();
            for (int k = 0; k < 20; k++) {
                sink += analyzers.get(i).analyze(e.text(), e.citations()).entities().size();
            }
            perEntry.add(new double[] {i, (System.nanoTime() - s) / 20 / 1e3});
        }
        perEntry.sort(Comparator.comparingDouble((double[] d) -> -d[1]));
        for (double[] d : perEntry.subList(0, Math.min(5, perEntry.size()))) {
            Corpus.Entry e = corpus.get((int) d[0]);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("chars", e.text().length());
            m.put("micros", Math.round(d[1]));
            slowest.add(m);
        }
        List<Map<String, Object>> hot = new ArrayList<>();
        frames.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(8)
                .forEach(f -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("frame", f.getKey());
                    m.put("share", Math.round(1000.0 * f.getValue() / Math.max(1, samples[0])) / 1000.0);
                    hot.add(m);
                });

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", "analyzer");
        r.put("corpusAnswers", corpus.size());
        r.put("corpusAvgChars", chars / corpus.size());
        r.put("answersAnalysed", answers);
        r.put("seconds", elapsed / 1e9);
        r.put("answersPerSecond", answers / (elapsed / 1e9));
        r.put("microsPerAnswer", elapsed / 1e3 / answers);
        r.put("slowestAnswers", slowest);
        r.put("hotspots", hot);
        r.put("sink", sink);
        return r;
    }

    private static long pass(List<Corpus.Entry> corpus, List<AnswerAnalyzer> analyzers) {
        long sink = 0;
        for (int i = 0; i < corpus.size(); i++) {
            Corpus.Entry e = corpus.get(i);
            sink += analyzers.get(i).analyze(e.text(), e.citations()).entities().size();
        }
        return sink;
    }
}
