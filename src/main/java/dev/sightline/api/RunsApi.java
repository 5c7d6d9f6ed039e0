package dev.sightline.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import dev.sightline.run.CellQueries;
import dev.sightline.run.CellView;
import dev.sightline.run.Run;
import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;
import dev.sightline.run.RunRequest;
import dev.sightline.run.PlanRequest;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;
import dev.sightline.workspace.WorkspaceRepository;

/** {@code /api/runs}: trigger, list, read, follow and cancel runs. */
public final class RunsApi {

    private static final Set<String> RUN_FIELDS = Set.of("providers", "promptTags", "samples", "force");
    private static final Set<String> RUN_STATUSES = Set.of("running", "completed", "completed_with_failures",
            "cancelled", "paused_budget");
    private static final Set<String> CELL_STATUSES = Set.copyOf(RunProgress.STATUSES);

    private final RunRepository runs;
    private final CellQueries cells;
    private final WorkspaceRepository workspaces;
    private final dev.sightline.run.Budget budget;

    public RunsApi(RunRepository runs, CellQueries cells, WorkspaceRepository workspaces,
                   dev.sightline.run.Budget budget) {
        this.budget = budget;
        this.runs = runs;
        this.cells = cells;
        this.workspaces = workspaces;
    }

    /**
     * {@code POST /api/runs}, first step: the request body as a {@link PlanRequest} for the planning route. The
     * run and all its cells are stored before {@link #planned} answers 202.
     */
    public PlanRequest planRequest(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        JsonNode body = Body.object(ex, RUN_FIELDS);
        Integer samples = Body.integer(body, "samples");
        String key = Http.header(ex, "Idempotency-Key");
        if (key != null && key.length() > 200) {
            throw Rejection.invalid("Idempotency-Key", "Idempotency-Key must be at most 200 characters");
        }
        Boolean force = Body.bool(body, "force");
        RunRequest req = new RunRequest(Body.strings(body, "providers"), Body.strings(body, "promptTags"),
                samples == null ? 1 : samples, "api", key == null ? null : "api:" + key, null,
                force != null && force);
        return new PlanRequest(ws, req);
    }

    /** {@code POST /api/runs}, last step: 202 with the planned run (or the one the same key planned before). */
    public void planned(Exchange ex) {
        RunRepository.Planned planned = ex.getMessage().getBody(RunRepository.Planned.class);
        Http.reply(ex, 202, view(runs.progress(planned.run())));
        ex.getMessage().setHeader("Location", "/api/runs/" + planned.run().id());
        if (!planned.created()) {
            ex.getMessage().setHeader("Idempotent-Replayed", "true");
        }
    }

    /** {@code GET /api/runs?status=&from=&to=&limit=&before=} */
    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        String status = Http.oneOf(ex, "status", RUN_STATUSES);
        boolean pausedOnly = "paused_budget".equals(status);
        if (pausedOnly) {
            status = "running";
        }
        LocalDate from = Http.date(ex, "from");
        LocalDate to = Http.date(ex, "to");
        if (from != null && to != null && to.isBefore(from)) {
            throw Rejection.invalid("to", "to must not be before from");
        }
        int limit = Http.intParam(ex, "limit", 50, 1, 500);
        Long before = Http.optLong(ex, "before");
        List<Map<String, Object>> items = new ArrayList<>();
        for (RunProgress p : runs.list(ws, status, from, to, before, limit)) {
            Map<String, Object> v = view(p);
            if (!pausedOnly || "paused_budget".equals(v.get("status"))) {
                items.add(v);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", items);
        out.put("nextBefore", items.size() == limit ? items.get(items.size() - 1).get("id") : null);
        Http.reply(ex, 200, out);
    }

    public void get(Exchange ex) {
        Http.reply(ex, 200, view(runs.progress(find(ex))));
    }

    /** {@code GET /api/runs/{id}/cells?status=&updatedSince=&limit=&after=}, for incremental polling. */
    public void cells(Exchange ex) {
        Run run = find(ex);
        String status = Http.oneOf(ex, "status", CELL_STATUSES);
        Instant since = Http.instant(ex, "updatedSince");
        int limit = Http.intParam(ex, "limit", 100, 1, 1000);
        long after = Http.optLong(ex, "after") == null ? 0 : Http.optLong(ex, "after");
        CellQueries.Page page = cells.list(run.id(), status, since, after, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runId", run.id());
        out.put("cells", page.cells().stream().map(RunsApi::cellView).toList());
        out.put("nextAfter", page.cells().size() == limit ? page.cells().get(page.cells().size() - 1).id() : null);
        out.put("serverTime", page.serverTime());
        Http.reply(ex, 200, out);
    }

    /** {@code POST /api/runs/{id}/cancel}: pending cells are cancelled, calls in flight finish. */
    public void cancel(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Run run = find(ex);
        if (!runs.cancel(ws, run.id())) {
            throw Rejection.conflict("run_finished", "run " + run.id() + " is already " + run.status());
        }
        runs.finalizeRuns(new long[] {run.id()});
        Http.reply(ex, 202, view(runs.progress(runs.find(ws, run.id()).orElseThrow())));
    }

    private Run find(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        long id = Http.id(ex, "id");
        return runs.find(ws, id).orElseThrow(() -> Rejection.notFound("run " + id));
    }

    Map<String, Object> view(RunProgress p) {
        Run r = p.run();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("workspace", workspaces.get(r.workspaceId()).slug());
        m.put("runDate", r.runDate());
        m.put("trigger", r.trigger());
        m.put("status", displayStatus(p));
        m.put("providers", r.providers());
        m.put("promptTags", r.promptTags());
        m.put("samples", r.samples());
        m.put("cellsTotal", r.cellsTotal());
        m.put("counts", p.counts());
        m.put("progressPercent", p.percent());
        m.put("estimatedCompletion", p.estimatedCompletion());
        m.put("tokensIn", p.tokensIn());
        m.put("tokensOut", p.tokensOut());
        m.put("costUsd", p.costUsd());
        m.put("estimatedCostUsd", r.estimatedCostUsd());
        m.put("createdAt", r.createdAt());
        m.put("finishedAt", r.finishedAt());
        return m;
    }

    String displayStatus(RunProgress p) {
        return displayStatus(p, budget);
    }

    /** The stored status, or what a running run is doing now: cancelling, or paused by the daily budget. */
    static String displayStatus(RunProgress p, dev.sightline.run.Budget budget) {
        Run r = p.run();
        if (!r.status().equals("running")) {
            return r.status();
        }
        if (r.cancelRequestedAt() != null) {
            return "cancelling";
        }
        if (p.counts().getOrDefault("pending", 0) > 0 && budget.exhausted(r.workspaceId())) {
            return "paused_budget";
        }
        return "running";
    }

    static Map<String, Object> cellView(CellView c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("promptId", c.promptId());
        m.put("provider", c.provider());
        m.put("sample", c.sample());
        m.put("status", c.status());
        m.put("attempts", c.attempts());
        m.put("nextAttemptAt", c.status().equals("pending") ? c.nextAttemptAt() : null);
        m.put("lastError", c.lastError());
        m.put("responseId", c.responseId());
        m.put("updatedAt", c.updatedAt());
        if (!"sweep".equals(c.kind())) {
            m.put("kind", c.kind());
        }
        return m;
    }
}
