package dev.sightline.analysis;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

import static org.assertj.core.api.Assertions.assertThat;

/** The matcher's cost does not grow with the number of aliases that share words with the text. */
class MatcherAttackTest {

    @Test
    void moreDistinctWordsThanOneCharSymbolsHold() {
        // 100 x 50 aliases of 13 distinct words: past the ~61,000 words the index writes as one char each
        List<TrackedEntity> entities = new java.util.ArrayList<>();
        entities.add(new TrackedEntity(1, "Acmely", EntityKind.BRAND, List.of(), List.of()));
        for (int c = 0; c < AliasAttack.COMPETITORS; c++) {
            List<String> aliases = new java.util.ArrayList<>();
            for (int a = 0; a < AliasAttack.ALIASES; a++) {
                StringBuilder alias = new StringBuilder();
                for (int w = 0; w < 13; w++) {
                    alias.append(w == 0 ? "" : w % 3 == 0 ? " & " : " ").append("w").append(c).append('x').append(a)
                            .append('y').append(w);
                }
                aliases.add(alias.toString());
            }
            entities.add(new TrackedEntity(c + 2, "Rival " + c, EntityKind.COMPETITOR, aliases, List.of()));
        }
        AnswerAnalyzer analyzer = new AnswerAnalyzer(entities);
        String last = entities.get(100).aliases().get(49);
        String first = entities.get(1).aliases().get(0);
        List<String> words = new java.util.ArrayList<>(List.of(last.split(" ")));
        java.util.Collections.reverse(words);
        String shuffled = String.join(" ", words);
        Analysis a = analyzer.analyze("Compare " + last + " with " + shuffled + ", then " + first + ".", List.of());
        assertThat(a.entities()).filteredOn(EntityResult::mentioned).extracting(r -> r.entity().name())
                .containsExactly("Rival 0", "Rival 99");
        assertThat(a.entities().get(100).count()).isEqualTo(1);
    }


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
            // 36 s and 91 s before matching became linear; well under a second now, with room for a loaded machine
            assertThat(millis).as("milliseconds").isLessThan(5_000);
        }
    }
}
