package dev.sightline.webhooks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.metrics.EntityStats;
import dev.sightline.metrics.RunReport;
import dev.sightline.run.Run;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Json;

/**
 * The JSON a webhook receives: the event's id (receivers deduplicate by it), type, time and workspace, and its
 * payload as {@code data}; a {@code run.completed} also carries the headline of the run's report.
 */
public final class WebhookBodies {

    private final WebhookRepository webhooks;
    private final RunRepository runs;
    private final RunReport reports;

    public WebhookBodies(WebhookRepository webhooks, RunRepository runs, RunReport reports) {
        this.webhooks = webhooks;
        this.runs = runs;
        this.reports = reports;
    }

    public String of(long eventId) {
        WebhookRepository.Event e = webhooks.event(eventId)
                .orElseThrow(() -> new IllegalStateException("event " + eventId + " of a webhook delivery is gone"));
        ObjectNode root = Json.object();
        root.put("id", e.id());
        root.put("type", e.type());
        root.put("createdAt", e.createdAt().toString());
        ObjectNode ws = root.putObject("workspace");
        ws.put("id", e.workspaceId());
        ws.put("slug", e.workspaceSlug());
        ObjectNode data = e.payload() == null ? Json.object() : e.payload().deepCopy();
        if (e.type().equals("run.completed") && e.runId() != null) {
            data.set("headline", Json.MAPPER.valueToTree(headline(e.workspaceId(), e.runId())));
        }
        root.set("data", data);
        return Json.write(root);
    }

    /** The brand's visibility in the run, in all and per provider, with the change since the previous run. */
    Map<String, Object> headline(long workspaceId, long runId) {
        Run run = runs.find(workspaceId, runId).orElse(null);
        if (run == null) {
            return null;
        }
        RunReport.Report report = reports.build(run);
        Map<String, Double> change = new HashMap<>();
        if (report.comparison() != null) {
            report.comparison().deltas().stream().filter(d -> d.entity().kind().equals("brand"))
                    .forEach(d -> change.put(d.provider(), d.visibility()));
        }
        long n = 0;
        long mentioned = 0;
        String brand = null;
        List<Map<String, Object>> providers = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (EntityStats s : report.rows()) {
            if (!s.entity().kind().equals("brand")) {
                continue;
            }
            brand = s.entity().name();
            n += s.n();
            mentioned += s.mentioned();
            Double delta = change.get(s.key());
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("provider", s.key());
            p.put("n", s.n());
            p.put("mentioned", s.mentioned());
            p.put("visibility", s.visibility());
            p.put("change", delta);
            providers.add(p);
            parts.add(String.format(Locale.ROOT, "%s %s%s", s.key(), percent(s.visibility()),
                    delta == null ? "" : String.format(Locale.ROOT, " (%+.0f pts)", 100 * delta)));
        }
        Double visibility = n == 0 ? null : (double) mentioned / n;
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("text", brand == null ? "Run " + runId + " " + run.status() + ": no answers to measure"
                : String.format(Locale.ROOT, "%s was mentioned in %d of %d answers (%s)%s", brand, mentioned, n,
                        percent(visibility), parts.isEmpty() ? "" : ": " + String.join(", ", parts)));
        h.put("entity", brand);
        h.put("n", n);
        h.put("mentioned", mentioned);
        h.put("visibility", visibility);
        h.put("providers", providers);
        h.put("comparedWithRunId", report.comparison() == null ? null : report.comparison().previousRunId());
        return h;
    }

    private static String percent(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }
}
