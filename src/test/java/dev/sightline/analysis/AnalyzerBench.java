package dev.sightline.analysis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers analysed per second on one thread, for the benchmark and for {@link AnalyzerThroughput}. Each call warms
 * the JIT up on the same inputs first, then cycles through them until at least {@code minTime} has passed. One
 * analyzer is built per workspace, as the pipeline does, and shared by that workspace's answers.
 */
public final class AnalyzerBench {

    /** Answers of at least this many characters are "full-length" (realistic 1-4 kB assistant answers). */
    public static final int FULL_LENGTH_CHARS = 1000;

    /**
     * Rates of several rounds over the same inputs. {@code cpuMedian} divides by the thread's CPU time instead of
     * the wall clock: on a busy shared machine it shows what the code costs, the wall-clock figures what it got.
     */
    public record Rates(double median, double min, double max, double cpuMedian, List<Double> rounds) {

        /** (max - min) / median: how noisy the machine was. */
        public double spread() {
            return median == 0 ? 0 : (max - min) / median;
        }

        @Override
        public String toString() {
            return String.format("median %.0f answers/s (min %.0f, max %.0f, spread %.0f%%, %d rounds; %.0f per CPU-second)",
                    median, min, max, spread() * 100, rounds.size(), cpuMedian);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile long sink;

    private AnalyzerBench() {
    }

    /** Every answer of the labelled corpus. */
    public static List<AnalyzerInput> corpus() {
        return inputs(Corpus.load(Corpus.DEFAULT));
    }

    /** The corpus answers of at least {@link #FULL_LENGTH_CHARS} characters. */
    public static List<AnalyzerInput> fullLength() {
        return fullLength(corpus());
    }

    public static List<AnalyzerInput> fullLength(List<AnalyzerInput> inputs) {
        return inputs.stream().filter(i -> i.text().length() >= FULL_LENGTH_CHARS).toList();
    }

    /** Inputs for corpus entries, one analyzer per workspace. */
    public static List<AnalyzerInput> inputs(List<Corpus.Entry> entries) {
        Map<String, AnswerAnalyzer> analyzers = new HashMap<>();
        List<AnalyzerInput> out = new ArrayList<>(entries.size());
        for (Corpus.Entry e : entries) {
            AnswerAnalyzer analyzer = analyzers.computeIfAbsent(e.workspace(), w -> new AnswerAnalyzer(e.entities()));
            out.add(new AnalyzerInput(e.id(), analyzer, e.text(), e.citations()));
        }
        return List.copyOf(out);
    }

    public static List<AnalyzerInput> inputs(Path corpusFile) {
        return inputs(Corpus.load(corpusFile));
    }

    /**
     * Answers per second on the calling thread: warms up for {@code minTime}, then measures whole passes over
     * {@code inputs} until at least {@code minTime} has passed.
     */
    public static double answersPerSecond(List<AnalyzerInput> inputs, Duration minTime) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no inputs");
        }
        run(inputs, minTime.toNanos());
        return run(inputs, minTime.toNanos())[0];
    }

    /** {@code rounds} measurements after one warm-up; the median is the figure to report. */
    public static Rates measure(List<AnalyzerInput> inputs, Duration minTime, int rounds) {
        if (inputs.isEmpty() || rounds < 1) {
            throw new IllegalArgumentException("no inputs or rounds");
        }
        run(inputs, minTime.toNanos());
        double[] rates = new double[rounds];
        double[] cpuRates = new double[rounds];
        List<Double> inOrder = new ArrayList<>(rounds);
        for (int r = 0; r < rounds; r++) {
            double[] rate = run(inputs, minTime.toNanos());
            rates[r] = rate[0];
            cpuRates[r] = rate[1];
            inOrder.add(rate[0]);
        }
        Arrays.sort(rates);
        return new Rates(median(rates), rates[0], rates[rounds - 1], median(cpuRates), List.copyOf(inOrder));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** {wall-clock rate, CPU-time rate} of whole passes over the inputs lasting at least minNanos. */
    private static double[] run(List<AnalyzerInput> inputs, long minNanos) {
        long count = 0;
        long acc = 0;
        boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        long cpuStart = cpu ? THREADS.getCurrentThreadCpuTime() : 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (AnalyzerInput input : inputs) {
                Analysis a = input.analyze();
                acc += a.citations().size() + (a.brandVisible() ? 1 : 0);
            }
            count += inputs.size();
            elapsed = System.nanoTime() - start;
        } while (elapsed < minNanos);
        long cpuElapsed = cpu ? THREADS.getCurrentThreadCpuTime() - cpuStart : 0;
        sink += acc; // keeps the results observable so the JIT cannot drop the work
        return new double[]{count * 1e9 / elapsed, cpuElapsed > 0 ? count * 1e9 / cpuElapsed : Double.NaN};
    }
}
