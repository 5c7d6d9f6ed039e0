package dev.sightline.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.events.EventHub.SummaryKey;
import dev.sightline.events.EventLog.Event;
import dev.sightline.metrics.EntityRef;
import dev.sightline.metrics.EntityStats;
import dev.sightline.metrics.MetricsRepository;
import dev.sightline.metrics.PromptInterval;
import dev.sightline.run.Run;
import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Json;
import dev.sightline.values.Scope;

/**
 * What runs' streams show beyond the stored rows: {@code run.progress} after cells finish (counts per status and
 * per provider, percent, estimated completion, tokens and cost so far), and {@code run.completed} with the run
 * report's headline (the brand's visibility, share of voice and average rank, overall and per provider) read from
 * the metrics when it is delivered.
 */
public final class RunEvents implements EventHub.Derivation {

    public static final String PROGRESS = "run.progress";
    private static final int HEADLINES_KEPT = 256;

    private final RunRepository runs;
    private final MetricsRepository metrics;
    private final Map<Long, ObjectNode> headlines = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ObjectNode> eldest) {
            return size() > HEADLINES_KEPT;
        }
    };

    public RunEvents(RunRepository runs, MetricsRepository metrics) {
        this.runs = runs;
        this.metrics = metrics;
    }

    @Override
    public Event enrich(Event stored) {
        if (!"run.completed".equals(stored.type()) || stored.runId() == null || stored.payload() == null) {
            return stored;
        }
        ObjectNode payload = stored.payload().deepCopy();
        payload.set("headline", headline(stored.workspaceId(), stored.runId()));
        return stored.withPayload(payload);
    }

    @Override
    public SummaryKey dueAfter(Event stored) {
        return "cell.finished".equals(stored.type()) && stored.runId() != null
                ? new SummaryKey(stored.workspaceId(), EventScope.RUN, stored.runId()) : null;
    }

    @Override
    public SummaryKey endedBy(Event stored) {
        return "run.completed".equals(stored.type()) && stored.runId() != null
                ? new SummaryKey(stored.workspaceId(), EventScope.RUN, stored.runId()) : null;
    }

    @Override
    public Optional<Event> summary(SummaryKey key) {
        if (!EventScope.RUN.equals(key.key())) {
            return Optional.empty();
        }
        Optional<Run> run = runs.find(key.workspaceId(), key.id());
        if (run.isEmpty() || run.get().isTerminal()) {
            return Optional.empty();
        }
        RunProgress p = runs.progress(run.get());
        ObjectNode m = Json.object();
        m.put("runId", run.get().id());
        m.put("status", run.get().cancelRequestedAt() != null ? "cancelling" : run.get().status());
        m.put("cellsTotal", run.get().cellsTotal());
        m.set("counts", Json.MAPPER.valueToTree(p.counts()));
        m.set("byProvider", Json.MAPPER.valueToTree(runs.countsByProvider(run.get())));
        m.put("percent", p.percent());
        m.set("estimatedCompletion", Json.MAPPER.valueToTree(p.estimatedCompletion()));
        m.put("tokensIn", p.tokensIn());
        m.put("tokensOut", p.tokensOut());
        m.put("costUsd", p.costUsd());
        m.set("at", Json.MAPPER.valueToTree(p.now()));
        return Optional.of(new Event(null, key.workspaceId(), run.get().id(), PROGRESS, m, p.now()));
    }

    @Override
    public List<SummaryKey> open(EventScope scope) {
        List<SummaryKey> keys = new ArrayList<>();
        if (scope.runId() != null) {
            runs.find(scope.workspaceId(), scope.runId()).filter(r -> !r.isTerminal())
                    .ifPresent(r -> keys.add(new SummaryKey(r.workspaceId(), EventScope.RUN, r.id())));
        } else if (scope.key() == null) {
            for (RunProgress r : runs.list(scope.workspaceId(), "running", null, null, null, 20)) {
                keys.add(new SummaryKey(r.run().workspaceId(), EventScope.RUN, r.run().id()));
            }
        }
        return keys;
    }

    /** The brand's numbers for the run, overall and per provider; computed once per run on this node. */
    ObjectNode headline(long workspaceId, long runId) {
        synchronized (headlines) {
            ObjectNode cached = headlines.get(runId);
            if (cached != null) {
                return cached;
            }
        }
        ObjectNode h = Json.object();
        Optional<EntityRef> brand = metrics.brand(workspaceId);
        if (brand.isPresent()) {
            h.put("brand", brand.get().name());
            Scope scope = Scope.run(workspaceId, runId);
            List<EntityStats> all = metrics.stats(scope, null, List.of(brand.get()));
            numbers(h, all.isEmpty() ? null : all.get(0));
            ArrayNode providers = h.putArray("providers");
            for (EntityStats s : metrics.stats(scope, "provider", List.of(brand.get()))) {
                ObjectNode p = providers.addObject();
                p.put("provider", s.key());
                numbers(p, s);
            }
        }
        synchronized (headlines) {
            headlines.put(runId, h);
        }
        return h;
    }

    private static void numbers(ObjectNode o, EntityStats s) {
        o.put("n", s == null ? 0 : s.n());
        PromptInterval.Result ci = s == null ? null : s.visibilityInterval();
        o.put("visibility", s == null ? null : s.visibility());
        o.put("visibilityLow", ci == null ? null : ci.low());
        o.put("visibilityHigh", ci == null ? null : ci.high());
        o.put("shareOfVoice", s == null ? null : s.shareOfVoice());
        o.put("avgRank", s == null ? null : s.avgRank());
    }
}
