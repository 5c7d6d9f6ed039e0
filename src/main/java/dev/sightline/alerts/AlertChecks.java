package dev.sightline.alerts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.metrics.EntityRef;
import dev.sightline.metrics.EntityStats;
import dev.sightline.metrics.MetricsRepository;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Scope;

/**
 * After a run ends, decides what really changed (README "Alerts"): per provider, each tracked entity's visibility
 * and share of voice over the latest window of runs against the window before it, by a two-proportion test; and
 * whether the provider answered with another model than in its previous run. Any node checks any run, each once: the
 * run is locked while it is checked, and its alerts are stored in the transaction that marks it checked.
 */
public final class AlertChecks {

    private static final Logger LOG = LoggerFactory.getLogger(AlertChecks.class);
    /** Runs checked per timer tick, so a backlog never holds one thread for long. */
    private static final int MAX_PER_TICK = 20;

    private final Jdbc jdbc;
    private final AlertRepository alerts;
    private final MetricsRepository metrics;
    private final AlertSettings settings;

    public AlertChecks(Jdbc jdbc, AlertRepository alerts, MetricsRepository metrics, AlertSettings settings) {
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** @return how many runs were checked */
    public int checkDue() {
        int checked = 0;
        while (checked < MAX_PER_TICK && checkOne()) {
            checked++;
        }
        return checked;
    }

    private boolean checkOne() {
        return jdbc.inTransaction(c -> {
            Optional<AlertRepository.DueRun> due = alerts.claimDue(c);
            if (due.isEmpty()) {
                return false;
            }
            AlertRepository.DueRun run = due.get();
            // a cancelled run is no sample of anything; the runs that completed around it are compared instead
            List<Alert> raised = run.status().equals("cancelled") ? List.of() : evaluateOrSkip(run);
            alerts.raise(c, run, raised);
            raised.forEach(a -> LOG.info("Alert {} for run {}: {}", a.type(), run.id(), a.message()));
            return true;
        });
    }

    /**
     * A run whose check fails for any reason but the database is marked checked without alerts, or it would be
     * taken again at every tick and hold up the checks of every run after it.
     */
    private List<Alert> evaluateOrSkip(AlertRepository.DueRun run) {
        try {
            return evaluate(run);
        } catch (Jdbc.DataAccessException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("Checking run {} for alerts failed; it raises none", run.id(), e);
            return List.of();
        }
    }

    List<Alert> evaluate(AlertRepository.DueRun run) {
        List<Alert> out = new ArrayList<>();
        List<Comparison> comparisons = new ArrayList<>();
        List<EntityRef> entities = metrics.entitiesOfRun(run.workspaceId(), run.id());
        Map<Long, List<EntityStats>> perRun = new HashMap<>();
        int w = settings.windowRuns();
        for (String provider : run.providers()) {
            List<Long> runs = alerts.providerRuns(run.workspaceId(), run.id(), provider, 2 * w);
            if (runs.isEmpty() || runs.get(0) != run.id()) {
                continue; // this run's own numbers are not complete enough to compare
            }
            if (runs.size() >= 2) {
                modelChange(run, provider, runs.get(1)).ifPresent(out::add);
            }
            if (runs.size() < 2 * w) {
                continue; // not two full windows yet
            }
            for (EntityRef e : entities) {
                Window now = window(run.workspaceId(), runs.subList(0, w), provider, e, entities, perRun);
                Window then = window(run.workspaceId(), runs.subList(w, 2 * w), provider, e, entities, perRun);
                comparisons.add(new Comparison(Alert.VISIBILITY, "visibility", provider, e, then, now,
                        TwoProportion.test(then.mentioned, then.n, now.mentioned, now.n), then.n, now.n));
                comparisons.add(new Comparison(Alert.SHARE_OF_VOICE, "share of voice", provider, e, then, now,
                        TwoProportion.test(then.mentioned, then.credits, now.mentioned, now.credits), then.credits,
                        now.credits));
            }
        }
        for (Comparison c : significant(comparisons)) {
            metricChange(run, c, comparisons.size()).ifPresent(out::add);
        }
        return out;
    }

    /** One metric of one entity at one provider, the window before against the latest. */
    private record Comparison(String type, String label, String provider, EntityRef entity, Window then, Window now,
                              TwoProportion.Result test, long nBefore, long nNow) {
    }

    /**
     * The comparisons significant at the confidence for the run as a whole (Holm's step-down correction): a run
     * makes dozens of comparisons, and at 95% each a few of them would pass by chance alone every day.
     */
    private List<Comparison> significant(List<Comparison> all) {
        List<Comparison> sorted = new ArrayList<>(all);
        sorted.sort(java.util.Comparator.comparingDouble(c -> c.test().p()));
        List<Comparison> out = new ArrayList<>();
        int m = sorted.size();
        for (int i = 0; i < m; i++) {
            if (!(sorted.get(i).test().p() < settings.alpha() / (m - i))) {
                break;
            }
            out.add(sorted.get(i));
        }
        return out;
    }

    private Optional<Alert> metricChange(AlertRepository.DueRun run, Comparison c, int comparisons) {
        TwoProportion.Result t = c.test();
        double points = 100 * t.change();
        if (Math.abs(points) < settings.minChangePoints()) {
            return Optional.empty();
        }
        String direction = points > 0 ? "up" : "down";
        // a change stays significant while the windows slide over it: one alert per change, not one per run
        if (alerts.raisedSince(run.workspaceId(), c.type(), c.provider(), c.entity().id(), direction,
                c.now().firstRun)) {
            return Optional.empty();
        }
        EntityRef e = c.entity();
        long hitsBefore = c.then().mentioned;
        long hitsNow = c.now().mentioned;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("metric", c.type().substring(0, c.type().indexOf('.')));
        d.put("entity", Map.of("id", e.id(), "name", e.name(), "kind", e.kind()));
        d.put("provider", c.provider());
        d.put("windowRuns", settings.windowRuns());
        d.put("previous", c.then().view(hitsBefore, c.nBefore(), t.before()));
        d.put("latest", c.now().view(hitsNow, c.nNow(), t.after()));
        d.put("changePoints", points);
        d.put("z", t.z());
        d.put("pValue", t.p());
        d.put("confidence", settings.confidence());
        d.put("comparisonsInRun", comparisons);
        d.put("minChangePoints", settings.minChangePoints());
        String message = String.format(Locale.ROOT,
                "%s %s at %s %s from %.1f%% (%d of %d, runs %d-%d) to %.1f%% (%d of %d, runs %d-%d), p=%.2g",
                e.name(), c.label(), c.provider(), points > 0 ? "rose" : "fell", 100 * t.before(), hitsBefore,
                c.nBefore(), c.then().firstRun, c.then().lastRun, 100 * t.after(), hitsNow, c.nNow(),
                c.now().firstRun, c.now().lastRun, t.p());
        return Optional.of(new Alert(c.type(), c.provider(), e.id(), direction, message, d));
    }

    private Optional<Alert> modelChange(AlertRepository.DueRun run, String provider, long previousRun) {
        Optional<String> now = alerts.servedModel(run.id(), provider);
        Optional<String> before = alerts.servedModel(previousRun, provider);
        if (now.isEmpty() || before.isEmpty() || now.get().equals(before.get())) {
            return Optional.empty();
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("provider", provider);
        d.put("from", before.get());
        d.put("to", now.get());
        d.put("previousRunId", previousRun);
        String message = String.format(Locale.ROOT, "%s answered with %s, in run %d it was %s", provider, now.get(),
                previousRun, before.get());
        return Optional.of(new Alert(Alert.MODEL, provider, null, null, message, d));
    }

    /** One entity's counts at one provider summed over a window's runs. */
    private static final class Window {
        long n;
        long mentioned;
        long credits;
        long ranked;
        double rankSum;
        long firstRun = Long.MAX_VALUE;
        long lastRun;

        Map<String, Object> view(long hits, long denominator, double rate) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("firstRunId", firstRun);
            m.put("lastRunId", lastRun);
            m.put("n", denominator);
            m.put("hits", hits);
            m.put("rate", rate);
            m.put("answers", n);
            m.put("avgRank", ranked == 0 ? null : rankSum / ranked);
            return m;
        }
    }

    private Window window(long workspaceId, List<Long> runIds, String provider, EntityRef entity,
                          List<EntityRef> entities, Map<Long, List<EntityStats>> perRun) {
        Window w = new Window();
        for (long id : runIds) {
            w.firstRun = Math.min(w.firstRun, id);
            w.lastRun = Math.max(w.lastRun, id);
            List<EntityStats> rows = perRun.computeIfAbsent(id,
                    r -> metrics.stats(Scope.run(workspaceId, r), "provider", entities));
            for (EntityStats s : rows) {
                if (s.key().equals(provider) && s.entity().id() == entity.id()) {
                    w.n += s.n();
                    w.mentioned += s.mentioned();
                    w.credits += s.credits();
                    w.ranked += s.ranked();
                    w.rankSum += s.avgRank() == null ? 0 : s.avgRank() * s.ranked();
                }
            }
        }
        return w;
    }
}
