package dev.sightline.analysis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The built-in English word lists. An entity name made only of common English words ("Close", "Box", "Brave
 * Search") is ambiguous and needs a signal that the company is meant; a name English capitalises anyway
 * ("Monday") cannot take its capital letter as that signal. Loaded once per JVM.
 */
final class WordLists {

    static final Set<String> COMMON = load("english-words.txt");
    static final Set<String> ALWAYS_CAPITALISED = load("capitalised-words.txt");

    private WordLists() {
    }

    static boolean isCommon(String lowerWord) {
        return COMMON.contains(lowerWord);
    }

    private static Set<String> load(String resource) {
        Set<String> words = new HashSet<>(65_536);
        try (InputStream in = WordLists.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing analyzer resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                String word = line.strip();
                if (!word.isEmpty() && word.charAt(0) != '#') {
                    words.add(word);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
