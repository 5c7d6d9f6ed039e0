package dev.sightline.analysis;

import java.util.List;

import dev.sightline.values.TrackedEntity;

/**
 * What one answer says about one tracked entity.
 *
 * @param entity         the tracked entity
 * @param mentioned      at least one valid mention
 * @param count          number of valid mentions (one evidence entry each)
 * @param listRank       1-based index of the item about the entity in the answer's first list of options, or null
 * @param mentionOrder   1-based order of first appearance among the tracked entities mentioned, or null
 * @param sentiment      tone towards the entity, null when not mentioned
 * @param sentimentScore tone as a number in [-1, 1], null when not mentioned
 * @param evidence       the mentions, in text order
 */
public record EntityResult(TrackedEntity entity, boolean mentioned, int count, Integer listRank, Integer mentionOrder,
                           Sentiment sentiment, Double sentimentScore, List<Evidence> evidence) {

    public EntityResult {
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }
}
