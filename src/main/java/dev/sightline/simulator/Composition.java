package dev.sightline.simulator;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated answer before it is put into a provider's wire format.
 *
 * @param text    the answer as the user reads it (with {@code [n]} markers or inline links when the citing style
 *                writes them)
 * @param sources pages the simulated search found, in citation order
 * @param spans   the parts of {@code text} that cite sources
 * @param style   how the answer is laid out (numbered, table, prose ...), for tests and logs
 * @param queries the web searches the simulated assistant ran
 */
record Composition(String text, List<SourcePage> sources, List<CitedSpan> spans, String style, List<String> queries) {

    /**
     * A page a simulated search returned.
     *
     * @param url       the page
     * @param title     its title
     * @param domain    its registrable domain, as Gemini shows it
     * @param snippet   a sentence from the page (Anthropic's {@code cited_text}, Perplexity's snippet)
     * @param published when it was published
     */
    record SourcePage(String url, String title, String domain, String snippet, LocalDate published) {
    }

    /**
     * A cited part of the text, in UTF-16 offsets of {@code text}.
     *
     * @param start   first char, inclusive
     * @param end     last char, exclusive
     * @param sources indexes into {@code sources}
     */
    record CitedSpan(int start, int end, List<Integer> sources) {
    }

    /** The answer cut to at most {@code maxChars}, at a word boundary, as a max-token limit cuts it. */
    Composition truncate(int maxChars) {
        if (text.length() <= maxChars) {
            return this;
        }
        int cut = text.lastIndexOf(' ', maxChars);
        if (cut <= 0) {
            cut = maxChars;
        }
        List<CitedSpan> kept = new ArrayList<>();
        for (CitedSpan s : spans) {
            if (s.end() <= cut) {
                kept.add(s);
            }
        }
        return new Composition(text.substring(0, cut), sources, kept, style, queries);
    }
}
