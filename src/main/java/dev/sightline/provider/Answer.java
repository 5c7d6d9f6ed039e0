package dev.sightline.provider;

import java.math.BigDecimal;
import java.util.List;

import dev.sightline.values.Citation;

/**
 * A provider's reply normalised to one shape.
 *
 * @param text              the answer text as the user would read it
 * @param citations         provider-native citations, in the provider's order (Perplexity {@code [n]} markers
 *                          index this list 1-based)
 * @param modelRequested    model asked for
 * @param modelServed       model the provider says answered
 * @param tokensIn          input tokens billed
 * @param tokensOut         output tokens billed
 * @param searchCalls       web search tool calls billed (0 when none)
 * @param providerRequestId the provider's request or response id
 * @param finishReason      the provider's stop / finish reason, verbatim
 * @param latencyMs         filled in by the pipeline (0 from a codec)
 * @param costUsd           filled in by the pipeline from configured prices (null from a codec)
 */
public record Answer(
        String text,
        List<Citation> citations,
        String modelRequested,
        String modelServed,
        long tokensIn,
        long tokensOut,
        int searchCalls,
        String providerRequestId,
        String finishReason,
        long latencyMs,
        BigDecimal costUsd) {

    public Answer {
        citations = citations == null ? List.of() : List.copyOf(citations);
    }

    public Answer withMetering(long latency, BigDecimal cost) {
        return new Answer(text, citations, modelRequested, modelServed, tokensIn, tokensOut, searchCalls,
                providerRequestId, finishReason, latency, cost);
    }
}
