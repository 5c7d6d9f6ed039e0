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
 * One run's numbers per provider x entity, and how they moved since the workspace's previous run. Runs are only
 * compared when the comparison means something: both completed (no failed or cancelled cells thinning one side)
 * and asked the same providers.
 */
public final class RunReport {

    /** Changes from the previous run for one provider x entity; a delta is null when either side has no value. */
    public record Delta(String provider, EntityRef entity, Double visibility, Double shareOfVoice, Double avgRank) {
    }

    public record Comparison(long previousRunId, List<Delta> deltas) {
    }

    /**
     * @param rows             per provider x entity, providers sorted, brand first
     * @param previousRunId    the run compared against (or that could not be compared), null when there is none
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
        Long previousId = metrics.previousRunId(run.workspaceId(), run.id()).orElse(null);
        if (previousId == null) {
            return new Report(run, rows, null, null, "no earlier run in this workspace");
        }
        Run previous = runs.find(run.workspaceId(), previousId).orElseThrow();
        String reason = incomparable(run, previous);
        if (reason != null) {
            return new Report(run, rows, previousId, null, reason);
        }
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

    static String incomparable(Run run, Run previous) {
        if (!run.status().equals("completed")) {
            return "run " + run.id() + " is " + run.status() + ", only completed runs are compared";
        }
        if (!previous.status().equals("completed")) {
            return "previous run " + previous.id() + " is " + previous.status() + ", only completed runs are compared";
        }
        if (!new TreeSet<>(run.providers()).equals(new TreeSet<>(previous.providers()))) {
            return "previous run " + previous.id() + " asked providers " + new TreeSet<>(previous.providers())
                    + ", this run " + new TreeSet<>(run.providers());
        }
        return null;
    }

    private static Double minus(Double a, Double b) {
        return a == null || b == null ? null : a - b;
    }
}
