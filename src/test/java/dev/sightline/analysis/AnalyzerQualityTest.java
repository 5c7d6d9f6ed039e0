package dev.sightline.analysis;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance test: runs the analyzer over the labelled corpus, prints every miss and the quality numbers (for
 * the whole corpus and for its full-length answers), and holds the whole corpus to the agreed floors.
 */
class AnalyzerQualityTest {

    /** Counts for one set of answers. */
    private static final class Metrics {
        int answers;
        int tp, fp, fn;
        int rankTotal, rankOk;
        int sentTotal, sentOk;
        int domTp, domFp, domFn;

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
    }

    @Test
    void corpusQuality() {
        List<Corpus.Entry> corpus = Corpus.load(Corpus.DEFAULT);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(140);
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
        misses.forEach(System.out::println);
        System.out.printf("corpus: %d answers, %d misses%n", corpus.size(), misses.size());
        all.print("whole corpus");
        full.print("full-length answers (>= " + AnalyzerBench.FULL_LENGTH_CHARS + " chars)");
        assertThat(full.answers).as("full-length answers").isGreaterThanOrEqualTo(30);
        assertThat(all.mentionF1()).as("mention F1").isGreaterThanOrEqualTo(0.97);
        assertThat(all.rankAccuracy()).as("list rank accuracy").isGreaterThanOrEqualTo(0.95);
        assertThat(all.domainF1()).as("cited-domain F1").isGreaterThanOrEqualTo(0.98);
        assertThat(all.sentimentAccuracy()).as("sentiment accuracy").isGreaterThanOrEqualTo(0.85);
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
