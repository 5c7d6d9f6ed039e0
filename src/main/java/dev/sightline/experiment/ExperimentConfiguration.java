package dev.sightline.experiment;

import java.time.ZoneId;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import dev.sightline.config.Config;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.run.Budget;
import dev.sightline.run.RunRepository;
import dev.sightline.store.Jdbc;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Experiments: prompts with versions, datasets, experiments and their grading step in the analysis route. Settings:
 * {@code sightline.datasets.*}, {@code sightline.experiments.*} (and {@code sightline.run.max-samples}).
 */
public final class ExperimentConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "experimentPrompts", lazy = true)
    public PromptRepository prompts(Jdbc jdbc) {
        return new PromptRepository(jdbc);
    }

    /** The dataset limits are read at start in every mode: a wrong one names its setting before anything runs. */
    @Override
    public void configure(org.apache.camel.CamelContext ctx) {
        limits(new Config(ctx.getPropertiesComponent()::resolveProperty));
    }

    @BindToRegistry(value = "datasets", lazy = true)
    public Datasets datasets(Config c, Jdbc jdbc) {
        return new Datasets(jdbc, limits(c));
    }

    private static DatasetLimits limits(Config c) {
        return new DatasetLimits(c.integer(DatasetLimits.ROWS, 100_000, 1, 10_000_000),
                c.integer(DatasetLimits.COLUMNS, 64, 1, 1_000),
                (int) c.bytes(DatasetLimits.LINE, 1L << 20, 1_024, 64L << 20),
                c.bytes(DatasetLimits.BYTES, 256L << 20, 1_024, 64L << 30));
    }

    @BindToRegistry(value = "experiments", lazy = true)
    public Experiments experiments(Config c, Jdbc jdbc, PromptRepository prompts, Datasets datasets,
                                   ProviderRegistry providers, WorkspaceRepository workspaces, RunRepository runs,
                                   Budget budget, ZoneId zone) {
        return new Experiments(jdbc, prompts, datasets, providers, workspaces, runs, budget, zone,
                c.integer("sightline.run.max-samples", 10, 1, 1000),
                c.integer("sightline.experiments.max-cells", 400_000, 1, 10_000_000));
    }

    @BindToRegistry(value = "experimentQueries", lazy = true)
    public ExperimentQueries experimentQueries(Jdbc jdbc) {
        return new ExperimentQueries(jdbc);
    }

    @BindToRegistry(value = "grading", lazy = true)
    public Grading grading(Jdbc jdbc) {
        return new Grading(jdbc);
    }
}
