package dev.sightline.analysis;

import java.util.List;
import java.util.Objects;

import dev.sightline.values.Citation;

/**
 * One answer for a throughput measurement: the analyzer built for its workspace's entities, the answer text and
 * the provider's native citations.
 */
public record AnalyzerInput(String id, AnswerAnalyzer analyzer, String text, List<Citation> citations) {

    public AnalyzerInput {
        Objects.requireNonNull(analyzer, "analyzer");
        Objects.requireNonNull(text, "text");
        citations = citations == null ? List.of() : List.copyOf(citations);
    }

    public Analysis analyze() {
        return analyzer.analyze(text, citations);
    }
}
