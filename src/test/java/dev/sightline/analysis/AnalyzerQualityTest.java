package dev.sightline.analysis;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance test: runs the analyzer over the labelled corpus, prints every miss and the quality numbers,
 * and holds them to the agreed floors.
 */
class AnalyzerQualityTest {

    @Test
    void corpusQuality() {
        List<Corpus.Entry> corpus = Corpus.load(Corpus.DEFAULT);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(100);
        Map<List<dev.sightline.analysis.TrackedEntity>, AnswerAnalyzer> analyzers = new IdentityHashMap<>();
        Map<String, AnswerAnalyzer> byWorkspace = new java.util.HashMap<>();
        int tp = 0, fp = 0, fn = 0;
        int rankTotal = 0, rankOk = 0;
        int sentTotal = 0, sentOk = 0;
        int domTp = 0, domFp = 0, domFn = 0;
        List<String> misses = new ArrayList<>();
        for (Corpus.Entry entry : corpus) {
            AnswerAnalyzer analyzer = byWorkspace.computeIfAbsent(entry.workspace(),
                    w -> new AnswerAnalyzer(entry.entities()));
            Analysis analysis = analyzer.analyze(entry.text(), entry.citations());
            for (EntityResult r : analysis.entities()) {
                String name = r.entity().name();
                Corpus.Expected exp = entry.expectedFor(name);
                if (exp.mentioned() && r.mentioned()) {
                    tp++;
                } else if (r.mentioned()) {
                    fp++;
                    misses.add(miss(entry, name, "mention", false, true));
                } else if (exp.mentioned()) {
                    fn++;
                    misses.add(miss(entry, name, "mention", true, false));
                }
                if (exp.mentioned() || exp.listRank() != null) {
                    rankTotal++;
                    if (Objects.equals(exp.listRank(), r.listRank())) {
                        rankOk++;
                    } else {
                        misses.add(miss(entry, name, "listRank", exp.listRank(), r.listRank()));
                    }
                }
                if (exp.mentioned() && exp.sentiment() != null) {
                    sentTotal++;
                    if (exp.sentiment() == r.sentiment()) {
                        sentOk++;
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
                    domTp++;
                } else {
                    domFp++;
                    misses.add(miss(entry, d, "citedDomain", "absent", "present"));
                }
            }
            for (String d : entry.citedDomains()) {
                if (!got.contains(d)) {
                    domFn++;
                    misses.add(miss(entry, d, "citedDomain", "present", "absent"));
                }
            }
        }
        double mp = ratio(tp, tp + fp), mr = ratio(tp, tp + fn), mf = f1(mp, mr);
        double dp = ratio(domTp, domTp + domFp), dr = ratio(domTp, domTp + domFn), df = f1(dp, dr);
        double rankAcc = ratio(rankOk, rankTotal), sentAcc = ratio(sentOk, sentTotal);
        misses.forEach(System.out::println);
        System.out.printf("corpus: %d answers, %d misses%n", corpus.size(), misses.size());
        System.out.printf("mentions: precision %.3f recall %.3f F1 %.3f (tp %d, fp %d, fn %d)%n", mp, mr, mf, tp, fp, fn);
        System.out.printf("list rank accuracy: %.3f (%d/%d)%n", rankAcc, rankOk, rankTotal);
        System.out.printf("cited domains: precision %.3f recall %.3f F1 %.3f (tp %d, fp %d, fn %d)%n", dp, dr, df,
                domTp, domFp, domFn);
        System.out.printf("sentiment accuracy: %.3f (%d/%d)%n", sentAcc, sentOk, sentTotal);
        assertThat(mf).as("mention F1").isGreaterThanOrEqualTo(0.97);
        assertThat(rankAcc).as("list rank accuracy").isGreaterThanOrEqualTo(0.95);
        assertThat(df).as("cited-domain F1").isGreaterThanOrEqualTo(0.98);
        assertThat(sentAcc).as("sentiment accuracy").isGreaterThanOrEqualTo(0.85);
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
