package dev.sightline.api;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import dev.sightline.events.EventLog;
import dev.sightline.experiment.Datasets;
import dev.sightline.experiment.ExperimentQueries;
import dev.sightline.experiment.Experiments;
import dev.sightline.experiment.PromptRepository;
import dev.sightline.run.Budget;
import dev.sightline.run.RunRepository;
import dev.sightline.store.Jdbc;

/** The REST API of experiments (routes/api/experiments.yaml): prompts, datasets, experiments. */
public final class ExperimentApiConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "promptsApi", lazy = true)
    public PromptsApi promptsApi(PromptRepository prompts) {
        return new PromptsApi(prompts);
    }

    @BindToRegistry(value = "datasetsApi", lazy = true)
    public DatasetsApi datasetsApi(Datasets datasets) {
        return new DatasetsApi(datasets);
    }

    @BindToRegistry(value = "experimentsApi", lazy = true)
    public ExperimentsApi experimentsApi(Experiments experiments, ExperimentQueries queries, PromptRepository prompts,
                                         RunRepository runs, Budget budget, Jdbc jdbc) {
        return new ExperimentsApi(experiments, queries, prompts, runs, budget, new EventLog(jdbc));
    }
}
