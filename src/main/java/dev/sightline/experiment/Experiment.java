package dev.sightline.experiment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stored experiment: its run (the cells' run, kind experiment), what it asks and how it grades.
 *
 * @param graders the rule graders in their stored form ({@link Graders#stored})
 * @param rows    dataset rows asked (1 without a dataset)
 */
public record Experiment(long id, long workspaceId, long runId, long promptVersionId, Long datasetId,
                         List<Model> models, JsonNode graders, Long graderPromptVersionId, String graderProvider,
                         int samples, int rows, Instant createdAt, BigDecimal estimatedCostUsd) {

    /**
     * One model of the grid: a provider with its own temperature and output limit (null: the provider's setting).
     */
    public record Model(String provider, Double temperature, Integer maxTokens) {

        /** How the model is shown: the provider, and its parameters when they are set. */
        public String label() {
            StringBuilder b = new StringBuilder(provider);
            if (temperature != null) {
                b.append(" t=").append(temperature);
            }
            if (maxTokens != null) {
                b.append(" max=").append(maxTokens);
            }
            return b.toString();
        }
    }

    /** Automatic grades each answer gets: one per rule grader and one from the grader prompt. */
    public int expectedGrades() {
        return graders.size() + (graderPromptVersionId != null ? 1 : 0);
    }

    public int cellsTotal() {
        return models.size() * rows * samples;
    }
}
