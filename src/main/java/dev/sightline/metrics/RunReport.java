package dev.sightline.metrics;

import dev.sightline.values.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.sightline.run.Run;
import dev.sightline.run.RunRepository;

/**
 * One run's numbers per provider x entity, and how they moved since the latest earlier run it can be compared
 * with: a completed run (no failed or cancelled cells thinning one side) of the same workspace that asked exactly
 * the same providers. Ad-hoc runs of other providers in between are skipped; the report names the run compared.
 */
public final class RunReport {

    /** Changes from the previous run for one provider x entity; a delta is null when either side has no value. */
    public record Delta(String provider, EntityRef entity, Double visibility, Double shareOfVoice, Double avgRank) {
    }

    public record Comparison(long previousRunId, List<Delta> deltas) {
    }

    /**
     * @param rows             per provider x entity, providers sorted, brand first
     * @param previousRunId    the run compared against, null when there is none
     * @param comparison       null when the runs cannot be compared
     * @param comparisonReason why comparison is null, else null
     */
    public record Report(Run run, List<EntityStats> rows, Long previousRunId, Comparison comparison,
                         String comparisonReason) {
    }

    private final MetricsRepository metrics;
    private final RunRepository runs;

    public RunReport(MetricsRepository metrics, RunRepository runs) {
        this.metrics = metrics;
        this.runs = runs;
    }

    public Report build(Run run) {
        List<EntityRef> entities = metrics.entitiesOfRun(run.workspaceId(), run.id());
        List<EntityStats> rows = metrics.stats(Scope.run(run.workspaceId(), run.id()), "provider", entities);
        if (!run.status().equals("completed")) {
            return new Report(run, rows, null, null, "run " + run.id() + " is " + run.status()
                    + ", only completed runs are compared");
        }
        Long previousId = metrics.comparableRunId(run.workspaceId(), run.id(), run.providers()).orElse(null);
        if (previousId == null) {
            return new Report(run, rows, null, null, "no earlier completed run of this workspace asked the same "
                    + "providers " + new TreeSet<>(run.providers()));
        }
        Run previous = runs.find(run.workspaceId(), previousId).orElseThrow();
        List<EntityStats> before = metrics.stats(Scope.run(previous.workspaceId(), previous.id()), "provider",
                metrics.entitiesOfRun(previous.workspaceId(), previous.id()));
        Map<String, EntityStats> byKey = new HashMap<>();
        before.forEach(s -> byKey.put(s.key() + "\u0000" + s.entity().id(), s));
        List<Delta> deltas = new ArrayList<>();
        for (EntityStats now : rows) {
            EntityStats then = byKey.get(now.key() + "\u0000" + now.entity().id());
            if (then != null) {
                deltas.add(new Delta(now.key(), now.entity(), minus(now.visibility(), then.visibility()),
                        minus(now.shareOfVoice(), then.shareOfVoice()), minus(now.avgRank(), then.avgRank())));
            }
        }
        return new Report(run, rows, previousId, new Comparison(previousId, deltas), null);
    }

    private static Double minus(Double a, Double b) {
        return a == null || b == null ? null : a - b;
    }
}
