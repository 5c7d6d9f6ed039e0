package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.List;

import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

/**
 * The largest alias set {@code POST /api/analyze} accepts, made to be slow to match: 100 competitors with 50 aliases
 * each, every alias a run of the same word ("data data ... data x", up to the API's 12 words), against 200 kB of that
 * word. A matcher that tries every alias sharing a word at every word of the text does 100 × 50 × ~7 comparisons per
 * word of the text (36 s); from 30 repeats on, as a workspace file may have them, ~35 comparisons (91 s).
 */
public final class AliasAttack {

    public static final int COMPETITORS = 100;
    public static final int ALIASES = 50;
    public static final int TEXT_BYTES = 200_000;

    private static final String[] LAST_WORDS = {"x", "y", "z", "w", "v"};

    private AliasAttack() {
    }

    /** Alias a: {@code from} to {@code from + 9} times "data", then one of five last words. */
    public static List<String> aliases(int from) {
        List<String> out = new ArrayList<>(ALIASES);
        for (int a = 0; a < ALIASES; a++) {
            out.add("data ".repeat(from + a % 10) + LAST_WORDS[a / 10]);
        }
        return out;
    }

    /** The brand, then the competitors "Rival 0" to "Rival 99", each with the same aliases. */
    public static List<TrackedEntity> entities(int from) {
        List<TrackedEntity> out = new ArrayList<>();
        out.add(new TrackedEntity(1, "Acmely", EntityKind.BRAND, List.of(), List.of("acmely.io")));
        for (int c = 0; c < COMPETITORS; c++) {
            out.add(new TrackedEntity(c + 2, "Rival " + c, EntityKind.COMPETITOR, aliases(from), List.of()));
        }
        return out;
    }

    /** "data data data ..." up to the API's 200 kB, with one sentence that names the brand at the end. */
    public static String text() {
        String tail = " Acmely is fine.";
        return "data ".repeat((TEXT_BYTES - tail.length()) / 5) + tail.strip();
    }
}
