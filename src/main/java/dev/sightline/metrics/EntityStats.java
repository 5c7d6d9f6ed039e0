package dev.sightline.metrics;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * One entity's numbers in one group of answers, as the sums they are computed from, so every ratio can be checked
 * and re-aggregated, and rollups and raw rows can be compared exactly.
 *
 * @param key            the group: a run date, provider, prompt id, tag, model, or "all"
 * @param label          what the key stands for (the prompt text for prompts, else the key)
 * @param entity         the entity
 * @param n              successfully analysed answers in the group
 * @param prompts        distinct prompts among them (the units of the visibility interval)
 * @param sumSquaredSizes sum over the prompts of (answers to the prompt)^2
 * @param mentioned      of the answers, those mentioning the entity
 * @param sumSquaredHits sum over the prompts of (answers mentioning the entity)^2 / (answers to the prompt)
 * @param credits        tracked entities mentioned, summed over the group's answers (one credit per entity per answer)
 * @param cited          answers with at least one citation
 * @param citesEntity    answers citing a domain the entity owns
 * @param ranked         answers mentioning the entity that place it in a list; rankSum their ranks
 * @param ordered        answers mentioning the entity with a mention order; orderSum those orders
 * @param scored         answers mentioning the entity with a sentiment score; sentimentSum those scores
 */
public record EntityStats(String key, String label, EntityRef entity, long n, long prompts, long sumSquaredSizes,
                          long mentioned, BigDecimal sumSquaredHits, long credits, long cited, long citesEntity,
                          long ranked, long rankSum, long ordered, long orderSum, long scored,
                          BigDecimal sentimentSum) {

    public Double visibility() {
        return n == 0 ? null : (double) mentioned / n;
    }

    public PromptInterval.Result visibilityInterval() {
        return PromptInterval.visibility(mentioned, n, prompts, sumSquaredSizes, sumSquaredHits.doubleValue());
    }

    /** Entity credits ÷ all credits; null when no tracked entity was mentioned at all. */
    public Double shareOfVoice() {
        return credits == 0 ? null : (double) mentioned / credits;
    }

    /** Answers citing the entity's domains ÷ answers citing anything; null when nothing was cited. */
    public Double citationRate() {
        return cited == 0 ? null : (double) citesEntity / cited;
    }

    /** Mean list rank over the answers mentioning the entity that rank it; null if none. */
    public Double avgRank() {
        return ranked == 0 ? null : (double) rankSum / ranked;
    }

    public Double avgOrder() {
        return ordered == 0 ? null : (double) orderSum / ordered;
    }

    public Double avgSentiment() {
        return scored == 0 ? null
                : sentimentSum.divide(BigDecimal.valueOf(scored), MathContext.DECIMAL128).doubleValue();
    }
}
