package dev.sightline.metrics;

/**
 * One entity's numbers in one group of answers. Counts are kept so every ratio can be checked and re-aggregated.
 *
 * @param key          the group: a run date, provider, prompt id, tag, or "all"
 * @param label        what the key stands for (the prompt text for prompts, else the key)
 * @param entity       the entity
 * @param n            successfully analysed answers in the group
 * @param mentioned    of those, answers mentioning the entity
 * @param credits      tracked entities mentioned, summed over the group's answers (one credit per entity per answer)
 * @param cited        answers with at least one citation
 * @param citesEntity  answers citing a domain the entity owns
 * @param ranked       answers mentioning the entity that place it in a list
 * @param avgRank      mean list rank over the answers mentioning the entity (those with a rank), null if none
 * @param avgOrder     mean mention order over the answers mentioning the entity, null if none
 * @param avgSentiment mean sentiment score over the answers mentioning the entity, null if none
 */
public record EntityStats(String key, String label, EntityRef entity, long n, long mentioned, long credits, long cited,
                          long citesEntity, long ranked, Double avgRank, Double avgOrder, Double avgSentiment) {

    public Double visibility() {
        return n == 0 ? null : (double) mentioned / n;
    }

    public Wilson.Interval visibilityInterval() {
        return Wilson.interval95(mentioned, n);
    }

    /** Entity credits ÷ all credits; null when no tracked entity was mentioned at all. */
    public Double shareOfVoice() {
        return credits == 0 ? null : (double) mentioned / credits;
    }

    /** Answers citing the entity's domains ÷ answers citing anything; null when nothing was cited. */
    public Double citationRate() {
        return cited == 0 ? null : (double) citesEntity / cited;
    }
}
