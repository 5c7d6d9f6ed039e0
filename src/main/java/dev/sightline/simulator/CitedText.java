package dev.sightline.simulator;

import dev.sightline.simulator.Composition.CitedSpan;
import dev.sightline.simulator.Composition.SourcePage;
import java.util.ArrayList;
import java.util.List;

/** Builds answer text while recording which parts cite which sources, the way each provider marks them. */
final class CitedText {

    /** How citations show in the text. */
    enum Citing {
        /** No sources at all (chat completions, no web search). */
        NONE,
        /** Sources attached to spans, nothing in the text (Gemini grounding, Anthropic citations). */
        SPANS,
        /** {@code [n]} markers after the claim, 1-based into the source list (Perplexity). */
        NUMBERED,
        /** An inline markdown link after the claim, which the annotation covers (OpenAI web search). */
        LINKED
    }

    private final StringBuilder sb = new StringBuilder(2048);
    private final List<CitedSpan> spans = new ArrayList<>();
    private final Citing citing;
    private final List<SourcePage> sources;

    CitedText(Citing citing, List<SourcePage> sources) {
        this.citing = citing;
        this.sources = sources;
    }

    CitedText text(String s) {
        sb.append(s);
        return this;
    }

    /** A statement backed by sources; {@code s} carries no final punctuation. */
    CitedText claim(String s, List<Integer> cited) {
        return claim(s, cited, true);
    }

    /** As {@link #claim(String, List)}; {@code linkable} false where an inline link would break the layout. */
    CitedText claim(String s, List<Integer> cited, boolean linkable) {
        int start = sb.length();
        sb.append(s);
        if (citing == Citing.NONE || cited.isEmpty()) {
            return this;
        }
        switch (citing) {
            case SPANS -> spans.add(new CitedSpan(start, sb.length(), List.copyOf(cited)));
            case NUMBERED -> {
                spans.add(new CitedSpan(start, sb.length(), List.copyOf(cited)));
                for (int i : cited) {
                    sb.append('[').append(i + 1).append(']');
                }
            }
            case LINKED -> {
                if (linkable) {
                    SourcePage page = sources.get(cited.get(0));
                    sb.append(' ');
                    int linkStart = sb.length();
                    sb.append("([").append(page.domain()).append("](").append(page.url()).append("))");
                    spans.add(new CitedSpan(linkStart, sb.length(), List.of(cited.get(0))));
                }
            }
            default -> {
            }
        }
        return this;
    }

    boolean citing() {
        return citing != Citing.NONE;
    }

    Citing style() {
        return citing;
    }

    String build() {
        return sb.toString();
    }

    List<CitedSpan> spans() {
        return List.copyOf(spans);
    }
}
