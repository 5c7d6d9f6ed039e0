package dev.sightline.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs the analyzer over a labelled corpus and counts how it agrees with the labels: mentions, list ranks, cited
 * domains and sentiment (with its confusion matrix), for the whole corpus and for its full-length answers, and
 * every miss. Used by {@link AnalyzerQualityTest}; run by hand: {@code CorpusQuality [corpus.json]}.
 */
final class CorpusQuality {

    /** Counts for one set of answers. */
    static final class Metrics {
        int answers;
        int tp, fp, fn;
        int rankTotal, rankOk;
        int sentTotal, sentOk;
        int domTp, domFp, domFn;
        /** [label][analyzer], in {@link Sentiment} order. */
        final int[][] confusion = new int[Sentiment.values().length][Sentiment.values().length];

        double mentionF1() {
            return f1(ratio(tp, tp + fp), ratio(tp, tp + fn));
        }

        double rankAccuracy() {
            return ratio(rankOk, rankTotal);
        }

        double domainF1() {
            return f1(ratio(domTp, domTp + domFp), ratio(domTp, domTp + domFn));
        }

        double sentimentAccuracy() {
            return ratio(sentOk, sentTotal);
        }

        void print(String label) {
            double mp = ratio(tp, tp + fp), mr = ratio(tp, tp + fn);
            double dp = ratio(domTp, domTp + domFp), dr = ratio(domTp, domTp + domFn);
            System.out.printf("%s: %d answers%n", label, answers);
            System.out.printf("  mentions: precision %.3f recall %.3f F1 %.3f (tp %d, fp %d, fn %d)%n", mp, mr,
                    mentionF1(), tp, fp, fn);
            System.out.printf("  list rank accuracy: %.3f (%d/%d)%n", rankAccuracy(), rankOk, rankTotal);
            System.out.printf("  cited domains: precision %.3f recall %.3f F1 %.3f (tp %d, fp %d, fn %d)%n", dp, dr,
                    domainF1(), domTp, domFp, domFn);
            System.out.printf("  sentiment accuracy: %.3f (%d/%d)%n", sentimentAccuracy(), sentOk, sentTotal);
        }

        void printConfusion() {
            System.out.printf("  sentiment confusion (rows: label, columns: analyzer)%n  %-9s", "");
            for (Sentiment s : Sentiment.values()) {
                System.out.printf("%9s", s.json());
            }
            System.out.println();
            for (Sentiment label : Sentiment.values()) {
                System.out.printf("  %-9s", label.json());
                for (Sentiment got : Sentiment.values()) {
                    System.out.printf("%9d", confusion[label.ordinal()][got.ordinal()]);
                }
                System.out.println();
            }
        }
    }

    /** The counts for the whole corpus and for its full-length answers, and every miss. */
    record Report(Metrics all, Metrics full, List<String> misses) {

        void print(String corpus) {
            misses.forEach(System.out::println);
            System.out.printf("%s: %d misses%n", corpus, misses.size());
            all.print(corpus + ", whole");
            all.printConfusion();
            full.print(corpus + ", full-length answers (>= " + AnalyzerBench.FULL_LENGTH_CHARS + " chars)");
        }

        /** Totals and the confusion matrix only: a held-out set's misses are not shown. */
        void printTotals(String corpus) {
            System.out.printf("%s: %d misses (not shown)%n", corpus, misses.size());
            all.print(corpus + ", whole");
            all.printConfusion();
        }
    }

    private CorpusQuality() {
    }

    static Report measure(List<Corpus.Entry> corpus) {
        Map<String, AnswerAnalyzer> byWorkspace = new HashMap<>();
        Metrics all = new Metrics();
        Metrics full = new Metrics();
        List<String> misses = new ArrayList<>();
        for (Corpus.Entry entry : corpus) {
            AnswerAnalyzer analyzer = byWorkspace.computeIfAbsent(entry.workspace(),
                    w -> new AnswerAnalyzer(entry.entities()));
            Analysis analysis = analyzer.analyze(entry.text(), entry.citations());
            List<Metrics> into = entry.text().length() >= AnalyzerBench.FULL_LENGTH_CHARS ? List.of(all, full)
                    : List.of(all);
            into.forEach(m -> m.answers++);
            for (EntityResult r : analysis.entities()) {
                String name = r.entity().name();
                Corpus.Expected exp = entry.expectedFor(name);
                if (exp.mentioned() && r.mentioned()) {
                    into.forEach(m -> m.tp++);
                } else if (r.mentioned()) {
                    into.forEach(m -> m.fp++);
                    misses.add(miss(entry, name, "mention", false, true));
                } else if (exp.mentioned()) {
                    into.forEach(m -> m.fn++);
                    misses.add(miss(entry, name, "mention", true, false));
                }
                if (exp.mentioned() || exp.listRank() != null) {
                    into.forEach(m -> m.rankTotal++);
                    if (Objects.equals(exp.listRank(), r.listRank())) {
                        into.forEach(m -> m.rankOk++);
                    } else {
                        misses.add(miss(entry, name, "listRank", exp.listRank(), r.listRank()));
                    }
                }
                if (exp.mentioned() && exp.sentiment() != null) {
                    into.forEach(m -> m.sentTotal++);
                    if (r.sentiment() != null) {
                        into.forEach(m -> m.confusion[exp.sentiment().ordinal()][r.sentiment().ordinal()]++);
                    }
                    if (exp.sentiment() == r.sentiment()) {
                        into.forEach(m -> m.sentOk++);
                    } else {
                        misses.add(miss(entry, name, "sentiment", exp.sentiment(),
                                r.sentiment() + (r.sentimentScore() == null ? "" : " " + r.sentimentScore())));
                    }
                }
            }
            Set<String> got = new HashSet<>();
            analysis.citations().forEach(c -> got.add(c.domain()));
            for (String d : got) {
                if (entry.citedDomains().contains(d)) {
                    into.forEach(m -> m.domTp++);
                } else {
                    into.forEach(m -> m.domFp++);
                    misses.add(miss(entry, d, "citedDomain", "absent", "present"));
                }
            }
            for (String d : entry.citedDomains()) {
                if (!got.contains(d)) {
                    into.forEach(m -> m.domFn++);
                    misses.add(miss(entry, d, "citedDomain", "present", "absent"));
                }
            }
        }
        return new Report(all, full, List.copyOf(misses));
    }

    public static void main(String[] args) {
        Path path = args.length > 0 ? Path.of(args[0]) : Corpus.DEFAULT;
        measure(Corpus.load(path)).print(path.getFileName().toString());
    }

    private static String miss(Corpus.Entry entry, String what, String field, Object expected, Object got) {
        return String.format("MISS %-8s %-18s %-12s expected %-10s got %s", entry.id(), what, field, expected, got);
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 1.0 : (double) a / b;
    }

    private static double f1(double p, double r) {
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
}
