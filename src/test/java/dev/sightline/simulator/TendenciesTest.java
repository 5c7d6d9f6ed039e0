package dev.sightline.simulator;

import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sightline.provider.ProviderKinds;
import dev.sightline.values.EntityKind;

import static org.assertj.core.api.Assertions.assertThat;

/** Each kind has its own taste in players, and that taste drifts smoothly from day to day. */
class TendenciesTest {

    private static Player player(String name, double incumbency) {
        return new Player(name, List.of(), name.toLowerCase() + ".com", EntityKind.COMPETITOR, incumbency,
                List.of("robust automation", "quick setup"), List.of("a dated interface", "annual contracts"),
                "startups", "From $12/user/mo");
    }

    private static double yearMean(String kind, Player p) {
        double sum = 0;
        for (int d = 0; d < 365; d++) {
            sum += Tendencies.bias(kind, p, LocalDate.of(2026, 1, 1).plusDays(d));
        }
        return sum / 365;
    }

    @Test
    void geminiFavoursIncumbentsMoreThanClaude() {
        double geminiGap = 0;
        double claudeGap = 0;
        for (int i = 0; i < 20; i++) {
            Player leader = player("Leader" + i, 0.95);
            Player newcomer = player("Newcomer" + i, 0.05);
            geminiGap += yearMean(ProviderKinds.GEMINI, leader) - yearMean(ProviderKinds.GEMINI, newcomer);
            claudeGap += yearMean(ProviderKinds.ANTHROPIC, leader) - yearMean(ProviderKinds.ANTHROPIC, newcomer);
        }
        assertThat(geminiGap / 20).isGreaterThan(2.0);
        assertThat(claudeGap / 20).isLessThan(0.8);
    }

    @Test
    void kindsDisagreeAboutTheSamePlayer() {
        Player p = player("Acme", 0.5);
        LocalDate day = LocalDate.of(2026, 3, 2);
        long distinct = ProviderKinds.ALL.stream().map(k -> Math.round(Tendencies.bias(k, p, day) * 100)).distinct().count();
        assertThat(distinct).isGreaterThanOrEqualTo(6);
    }

    @Test
    void driftIsSmoothDayToDayButMovesOverAMonth() {
        Player p = player("Acme", 0.4);
        double largestStep = 0;
        double largestMonth = 0;
        LocalDate start = LocalDate.of(2026, 1, 1);
        for (int d = 0; d < 365; d++) {
            double today = Tendencies.bias(ProviderKinds.PERPLEXITY, p, start.plusDays(d));
            largestStep = Math.max(largestStep, Math.abs(Tendencies.bias(ProviderKinds.PERPLEXITY, p, start.plusDays(d + 1)) - today));
            largestMonth = Math.max(largestMonth, Math.abs(Tendencies.bias(ProviderKinds.PERPLEXITY, p, start.plusDays(d + 30)) - today));
        }
        assertThat(largestStep).isLessThan(0.1);
        assertThat(largestMonth).isGreaterThan(0.5);
    }
}
