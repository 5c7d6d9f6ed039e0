package dev.sightline.analysis;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The matcher's cost does not grow with the number of aliases that share words with the text. */
class MatcherAttackTest {

    @Test
    void repeatedWordAliasesAgainstRepeatedWordsTakeLessThanASecond() {
        // 2 to 11 times "data" as the API allows, and 30 to 39 times as a workspace file may have them
        for (int from : new int[]{2, 30}) {
            long start = System.nanoTime();
            AnswerAnalyzer analyzer = new AnswerAnalyzer(AliasAttack.entities(from));
            Analysis a = analyzer.analyze(AliasAttack.text(), List.of());
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("attack: %d competitors x %d aliases of %d+ words, %d kB of repeated words: %d ms%n",
                    AliasAttack.COMPETITORS, AliasAttack.ALIASES, from + 1, AliasAttack.TEXT_BYTES / 1000, millis);
            assertThat(a.brandVisible()).isTrue();
            assertThat(a.entities()).filteredOn(EntityResult::mentioned).hasSize(1);
            // 20 s and 90 s before matching became linear; well under a second now, with room for a loaded machine
            assertThat(millis).as("milliseconds").isLessThan(5_000);
        }
    }
}
