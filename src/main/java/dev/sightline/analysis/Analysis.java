package dev.sightline.analysis;

import java.util.List;

/**
 * The analysis of one answer.
 *
 * @param analyzerVersion {@link AnswerAnalyzer#VERSION} of the analyzer that produced it
 * @param state           answered, refused or empty; refused and empty answers mention nobody
 * @param brandVisible    the brand is mentioned
 * @param shareOfVoice    brand credit ÷ tracked entities mentioned (one credit per entity), 0 when none is mentioned
 * @param entities        one result per tracked entity, in the analyzer's entity order
 * @param citations       cited pages: native citations first (in provider order), then links found in the text
 */
public record Analysis(String analyzerVersion, AnswerState state, boolean brandVisible, double shareOfVoice,
                       List<EntityResult> entities, List<CitedSource> citations) {

    public Analysis {
        entities = List.copyOf(entities);
        citations = List.copyOf(citations);
    }
}
