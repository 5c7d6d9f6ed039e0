package dev.sightline.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import dev.sightline.events.EventLog;
import dev.sightline.experiment.Experiment;
import dev.sightline.experiment.ExperimentQueries;
import dev.sightline.experiment.Experiments;
import dev.sightline.experiment.PassRates;
import dev.sightline.experiment.PromptRepository;
import dev.sightline.run.Budget;
import dev.sightline.run.Run;
import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/**
 * {@code /api/experiments}: create, list, read (status, counts, pass rate per model with its interval, tokens, cost,
 * latency), follow cell by cell, export, compare, grade by hand, re-run, cancel.
 */
public final class ExperimentsApi {

    private static final Set<String> GRADE_FIELDS = Set.of("grade", "note");

    private final Experiments experiments;
    private final ExperimentQueries queries;
    private final PromptRepository prompts;
    private final RunRepository runs;
    private final Budget budget;
    private final EventLog events;

    public ExperimentsApi(Experiments experiments, ExperimentQueries queries, PromptRepository prompts,
                          RunRepository runs, Budget budget, EventLog events) {
        this.experiments = experiments;
        this.queries = queries;
        this.prompts = prompts;
        this.runs = runs;
        this.budget = budget;
        this.events = events;
    }

    /** {@code POST /api/experiments}, first step: the experiment and all its cells stored; the route dispatches. */
    public Experiment create(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        String body = ex.getMessage().getBody(String.class);
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? Json.object() : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw Rejection.invalid(null, "malformed JSON: " + e.getOriginalMessage());
        }
        return experiments.create(ws, json, "api");
    }

    /** {@code POST /api/experiments}, last step: 202 with the experiment. */
    public void created(Exchange ex) {
        Experiment e = ex.getMessage().getBody(Experiment.class);
        Http.reply(ex, 202, view(e, false));
        ex.getMessage().setHeader("Location", "/api/experiments/" + e.id());
    }

    /** {@code GET /api/experiments?limit=&before=} */
    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        int limit = Http.intParam(ex, "limit", 50, 1, 500);
        List<Map<String, Object>> items = experiments.list(ws, Http.optLong(ex, "before"), limit).stream()
                .map(e -> view(e, false)).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiments", items);
        out.put("nextBefore", items.size() == limit ? items.get(items.size() - 1).get("id") : null);
        Http.reply(ex, 200, out);
    }

    public void get(Exchange ex) {
        Http.reply(ex, 200, view(find(ex), true));
    }

    /**
     * {@code GET /api/experiments/{id}/cells?updatedSince=&limit=&after=} for incremental polling, as for runs; with
     * {@code Accept: text/csv} the whole grid as CSV.
     */
    public void cells(Exchange ex) {
        Experiment e = find(ex);
        if (Http.wantsCsv(ex)) {
            Http.replyText(ex, 200, "text/csv; charset=utf-8", csv(e));
            return;
        }
        Instant since = Http.instant(ex, "updatedSince");
        int limit = Http.intParam(ex, "limit", 100, 1, 1000);
        Long after = Http.optLong(ex, "after");
        ExperimentQueries.Page page = queries.page(e, since, after == null ? 0 : after, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experimentId", e.id());
        out.put("cells", page.cells().stream().map(c -> cellView(e, c, page.grades().getOrDefault(c.id(), List.of())))
                .toList());
        out.put("nextAfter", page.cells().size() == limit ? page.cells().get(page.cells().size() - 1).id() : null);
        out.put("serverTime", page.serverTime());
        Http.reply(ex, 200, out);
    }

    /** {@code GET /api/experiments/{id}/cells/{cellId}}: one cell with its prompt, answer, grades and grade history. */
    public void cell(Exchange ex) {
        Experiment e = find(ex);
        long cellId = Http.id(ex, "cellId");
        ExperimentQueries.Detail d = queries.detail(e, cellId).orElseThrow(() -> Rejection.notFound("cell " + cellId
                + " of experiment " + e.id()));
        Map<String, Object> out = cellView(e, d.cell(), d.grades());
        out.put("prompt", d.prompt());
        out.put("answer", d.answer());
        out.put("modelServed", d.modelServed());
        out.put("finishReason", d.finishReason());
        out.put("graderPrompt", d.graderPrompt());
        out.put("manualGrades", d.manualGrades());
        Http.reply(ex, 200, out);
    }

    /** {@code PUT /api/experiments/{id}/cells/{cellId}/grade} {@code {"grade": "pass|fail|unset", "note"}}. */
    public void grade(Exchange ex) {
        Experiment e = find(ex);
        long cellId = Http.id(ex, "cellId");
        JsonNode body = Body.object(ex, GRADE_FIELDS);
        experiments.grade(e, cellId, Body.text(body, "grade", true), Body.text(body, "note", false));
        ExperimentQueries.Detail d = queries.detail(e, cellId).orElseThrow();
        Map<String, Object> out = cellView(e, d.cell(), d.grades());
        out.put("manualGrades", d.manualGrades());
        Http.reply(ex, 200, out);
    }

    /** {@code POST /api/experiments/{id}/cells/{cellId}/rerun}: 202 with the new cell's id. */
    public void rerunCell(Exchange ex) {
        Experiment e = find(ex);
        long cellId = Http.id(ex, "cellId");
        rerunReply(ex, e, experiments.rerun(e, cellId));
    }

    /** {@code POST /api/experiments/{id}/rerun-failed}: every failed cell again. */
    public void rerunFailed(Exchange ex) {
        Experiment e = find(ex);
        rerunReply(ex, e, experiments.rerun(e, null));
    }

    private static void rerunReply(Exchange ex, Experiment e, List<Experiments.Rerun> done) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experimentId", e.id());
        out.put("rerun", done.stream().map(r -> Map.of("cellId", r.newCellId(), "replaces", r.cellId())).toList());
        Http.reply(ex, 202, out);
    }

    public void cancel(Exchange ex) {
        Experiment e = find(ex);
        if (!experiments.cancel(e)) {
            throw Rejection.conflict("experiment_finished", "experiment " + e.id() + " is already over");
        }
        Http.reply(ex, 202, view(e, false));
    }

    /**
     * {@code GET /api/experiments/{id}/events?after=&limit=}: the experiment's events (created, cells finished and
     * graded, re-runs, completed) in commit order, for clients that poll; {@code after} is the last event id seen.
     */
    public void events(Exchange ex) {
        Experiment e = find(ex);
        String after = Http.param(ex, "after");
        EventLog.Cursor cursor = after == null ? EventLog.Cursor.START : EventLog.Cursor.parse(after, "after");
        int limit = Http.intParam(ex, "limit", 100, 1, 1000);
        List<EventLog.Event> list = events.ofRun(e.workspaceId(), e.runId(), cursor, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experimentId", e.id());
        out.put("events", list);
        out.put("next", list.isEmpty() ? (after == null ? null : after) : list.get(list.size() - 1).id());
        Http.reply(ex, 200, out);
    }

    /** {@code GET /api/experiments/compare?a=&b=}: the pass-rate difference a - b per model, with its interval. */
    public void compare(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Experiment a = find(ws, Http.queryId(ex, "a"), "a");
        Experiment b = find(ws, Http.queryId(ex, "b"), "b");
        if (!Objects.equals(a.datasetId(), b.datasetId())) {
            throw Rejection.unprocessable("not_comparable", "b", "experiments " + a.id() + " and " + b.id()
                    + " ran on different datasets (" + a.datasetId() + ", " + b.datasetId() + ")");
        }
        Map<Integer, List<PassRates.RowCount>> ra = queries.rowCounts(a);
        Map<Integer, List<PassRates.RowCount>> rb = queries.rowCounts(b);
        List<Map<String, Object>> models = new ArrayList<>();
        List<String> unmatchedB = new ArrayList<>(b.models().stream().map(Experiment.Model::label).toList());
        List<String> unmatchedA = new ArrayList<>();
        for (int i = 0; i < a.models().size(); i++) {
            Experiment.Model m = a.models().get(i);
            int j = b.models().indexOf(m);
            if (j < 0) {
                unmatchedA.add(m.label());
                continue;
            }
            unmatchedB.remove(m.label());
            models.add(difference(m, ra.getOrDefault(i, List.of()), rb.getOrDefault(j, List.of())));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("a", ref(a));
        out.put("b", ref(b));
        out.put("datasetId", a.datasetId());
        out.put("models", models);
        out.put("unmatched", Map.of("a", unmatchedA, "b", unmatchedB));
        Http.reply(ex, 200, out);
    }

    private static Map<String, Object> difference(Experiment.Model m, List<PassRates.RowCount> a,
                                                  List<PassRates.RowCount> b) {
        Map<Integer, PassRates.RowCount> byRow = new HashMap<>();
        b.forEach(r -> byRow.put(r.row(), r));
        List<double[]> pairs = new ArrayList<>();
        for (PassRates.RowCount x : a) {
            PassRates.RowCount y = byRow.get(x.row());
            if (x.graded() > 0 && y != null && y.graded() > 0) {
                pairs.add(new double[] {(double) x.passed() / x.graded(), (double) y.passed() / y.graded()});
            }
        }
        PassRates.Difference d = PassRates.difference(pairs.stream().mapToDouble(p -> p[0]).toArray(),
                pairs.stream().mapToDouble(p -> p[1]).toArray());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", m.provider());
        out.put("temperature", m.temperature());
        out.put("maxTokens", m.maxTokens());
        out.put("label", m.label());
        out.put("a", rate(PassRates.rate(a)));
        out.put("b", rate(PassRates.rate(b)));
        out.put("rows", d == null ? 0 : d.rows());
        out.put("difference", d == null ? null : d.difference());
        out.put("differenceLow", d == null ? null : d.low());
        out.put("differenceHigh", d == null ? null : d.high());
        out.put("method", "newcombe-paired-by-row");
        // a change is one only when the interval of the difference leaves out zero
        out.put("significant", d != null && d.significant());
        return out;
    }

    private Map<String, Object> ref(Experiment e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("promptVersionId", e.promptVersionId());
        m.put("status", status(e));
        return m;
    }

    private Experiment find(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        return find(ws, Http.id(ex, "id"), null);
    }

    private Experiment find(long ws, long id, String field) {
        return experiments.find(ws, id).orElseThrow(() -> field == null ? Rejection.notFound("experiment " + id)
                : Rejection.invalid(field, "no experiment " + id + " in this workspace"));
    }

    private String status(Experiment e) {
        Run run = runs.findAnyKind(e.workspaceId(), e.runId()).orElseThrow();
        return RunsApi.displayStatus(runs.progress(run), budget);
    }

    Map<String, Object> view(Experiment e, boolean withSummary) {
        Run run = runs.findAnyKind(e.workspaceId(), e.runId()).orElseThrow();
        RunProgress p = runs.progress(run);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("runId", e.runId());
        m.put("status", RunsApi.displayStatus(p, budget));
        m.put("promptVersionId", e.promptVersionId());
        prompts.version(e.workspaceId(), e.promptVersionId()).ifPresent(v -> m.put("prompt",
                Map.of("id", v.promptId(), "name", v.promptName(), "version", v.version())));
        m.put("datasetId", e.datasetId());
        m.put("rows", e.rows());
        m.put("samples", e.samples());
        m.put("models", e.models());
        m.put("graders", e.graders());
        m.put("graderPromptVersionId", e.graderPromptVersionId());
        m.put("graderProvider", e.graderProvider());
        m.put("cellsTotal", e.cellsTotal());
        // every provider call of the experiment: its cells (re-runs included) and its grader calls
        m.put("calls", Map.of("total", run.cellsTotal(), "counts", p.counts()));
        m.put("progressPercent", p.percent());
        m.put("tokensIn", p.tokensIn());
        m.put("tokensOut", p.tokensOut());
        m.put("costUsd", p.costUsd());
        m.put("estimatedCostUsd", e.estimatedCostUsd());
        m.put("createdAt", e.createdAt());
        m.put("finishedAt", run.finishedAt());
        if (withSummary) {
            List<ExperimentQueries.ModelSummary> summary = queries.summary(e);
            Map<String, Integer> counts = new LinkedHashMap<>();
            RunProgress.STATUSES.forEach(s -> counts.put(s, 0));
            Map<String, Integer> verdicts = new LinkedHashMap<>();
            for (String v : List.of("pass", "fail", "error", "pending")) {
                verdicts.put(v, 0);
            }
            for (ExperimentQueries.ModelSummary s : summary) {
                counts.merge("pending", s.open(), Integer::sum);
                counts.merge("succeeded", s.succeeded(), Integer::sum);
                counts.merge("failed", s.failed(), Integer::sum);
                counts.merge("cancelled", s.cancelled(), Integer::sum);
                verdicts.merge("pass", s.pass(), Integer::sum);
                verdicts.merge("fail", s.fail(), Integer::sum);
                verdicts.merge("error", s.errors(), Integer::sum);
                verdicts.merge("pending", s.pending(), Integer::sum);
            }
            counts.remove("leased");
            m.put("counts", counts);
            m.put("verdicts", verdicts);
            m.put("graderCalls", queries.graderCalls(e));
            m.put("summary", summary.stream().map(s -> summaryView(e, s)).toList());
        }
        return m;
    }

    private static Map<String, Object> summaryView(Experiment e, ExperimentQueries.ModelSummary s) {
        Experiment.Model model = e.models().get(s.modelIndex());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modelIndex", s.modelIndex());
        m.put("provider", model.provider());
        m.put("temperature", model.temperature());
        m.put("maxTokens", model.maxTokens());
        m.put("label", model.label());
        m.put("cells", s.cells());
        m.put("succeeded", s.succeeded());
        m.put("failed", s.failed());
        m.put("pending", s.open());
        m.put("cancelled", s.cancelled());
        Map<String, Integer> verdicts = new LinkedHashMap<>();
        verdicts.put("pass", s.pass());
        verdicts.put("fail", s.fail());
        verdicts.put("error", s.errors());
        verdicts.put("pending", s.pending());
        m.put("verdicts", verdicts);
        m.put("manualGrades", s.manual());
        m.putAll(rate(s.passRate()));
        m.put("tokensIn", s.tokensIn());
        m.put("tokensOut", s.tokensOut());
        m.put("costUsd", s.costUsd());
        m.put("graderTokensIn", s.graderTokensIn());
        m.put("graderTokensOut", s.graderTokensOut());
        m.put("graderCostUsd", s.graderCostUsd());
        m.put("latencyP50Ms", s.latencyP50Ms());
        m.put("latencyP95Ms", s.latencyP95Ms());
        return m;
    }

    private static Map<String, Object> rate(PassRates.Rate r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passRate", r.rate());
        m.put("passRateLow", r.low());
        m.put("passRateHigh", r.high());
        m.put("n", r.n());
        m.put("passed", r.passed());
        m.put("rows", r.rows());
        m.put("effectiveN", r.nEff());
        m.put("method", r.method());
        return m;
    }

    static Map<String, Object> cellView(Experiment e, ExperimentQueries.Cell c, List<ExperimentQueries.Grade> grades) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("modelIndex", c.modelIndex());
        m.put("provider", c.provider());
        m.put("row", c.rowIndex());
        m.put("sample", c.sample());
        m.put("status", c.status());
        m.put("attempts", c.attempts());
        m.put("nextAttemptAt", "pending".equals(c.status()) ? c.nextAttemptAt() : null);
        m.put("lastError", c.lastError());
        m.put("responseId", c.responseId());
        m.put("latencyMs", c.latencyMs());
        m.put("tokensIn", c.tokensIn());
        m.put("tokensOut", c.tokensOut());
        m.put("costUsd", c.costUsd());
        m.put("graderCostUsd", c.graderCostUsd());
        m.put("verdict", c.verdict());
        m.put("verdictSource", c.verdictSource());
        m.put("autoVerdict", c.autoVerdict());
        m.put("manualNote", c.manualNote());
        List<Map<String, Object>> g = new ArrayList<>();
        for (ExperimentQueries.Grade x : grades) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("grader", x.grader());
            gm.put("position", x.position());
            gm.put("pass", x.pass());
            gm.put("score", x.score());
            gm.put("reason", x.reason());
            gm.put("error", x.error());
            if (x.graderCellId() != null) {
                gm.put("graderCellId", x.graderCellId());
                gm.put("rawAnswer", x.rawAnswer());
            }
            g.add(gm);
        }
        if (c.graderCellId() != null && ("failed".equals(c.graderStatus()) || "cancelled".equals(c.graderStatus()))) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("grader", "prompt");
            gm.put("position", e.graders().size());
            gm.put("pass", null);
            gm.put("error", "the grader call " + c.graderStatus() + ": " + c.graderError());
            gm.put("graderCellId", c.graderCellId());
            g.add(gm);
        }
        m.put("grades", g);
        m.put("updatedAt", c.updatedAt());
        return m;
    }

    private String csv(Experiment e) {
        Csv csv = new Csv(List.of("cellId", "row", "sample", "modelIndex", "provider", "temperature", "maxTokens",
                "status", "verdict", "verdictSource", "grades", "latencyMs", "tokensIn", "tokensOut", "costUsd",
                "graderCostUsd", "input", "output", "lastError"));
        for (ExperimentQueries.ExportRow r : queries.export(e)) {
            ExperimentQueries.Cell c = r.cell();
            Experiment.Model model = e.models().get(c.modelIndex());
            List<String> grades = r.grades().stream().map(g -> g.grader() + ":" + (g.error() != null ? "error"
                    : Boolean.TRUE.equals(g.pass()) ? "pass" : "fail")).toList();
            csv.row(java.util.Arrays.asList(c.id(), c.rowIndex(), c.sample(), c.modelIndex(), c.provider(),
                    model.temperature(), model.maxTokens(), c.status(), c.verdict(), c.verdictSource(),
                    String.join("; ", grades), c.latencyMs(), c.tokensIn(), c.tokensOut(), plain(c.costUsd()),
                    plain(c.graderCostUsd()), r.prompt(), r.answer(), c.lastError()));
        }
        return csv.toString();
    }

    private static String plain(BigDecimal d) {
        return d == null ? null : d.stripTrailingZeros().toPlainString();
    }
}
