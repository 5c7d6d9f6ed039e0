package dev.sightline.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import dev.sightline.api.ApiAuth;
import dev.sightline.api.Body;
import dev.sightline.api.Http;
import dev.sightline.events.EventLog;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/** {@code /api/jobs}: start a job, read it and its result, follow its events, cancel it, list jobs. */
public final class JobsApi {

    private static final Set<String> FIELDS = Set.of("kind", "params");
    private static final Set<String> STATUSES = Set.of("queued", "running", "succeeded", "failed", "cancelled");

    private final JobService service;
    private final JobRepository jobs;
    private final JobDispatcher dispatcher;
    private final EventLog events;

    public JobsApi(JobService service, JobRepository jobs, JobDispatcher dispatcher, EventLog events) {
        this.service = service;
        this.jobs = jobs;
        this.dispatcher = dispatcher;
        this.events = events;
    }

    /** {@code POST /api/jobs}: 202 with the job once it and all its items are stored. */
    public void create(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        JsonNode body = Body.object(ex, FIELDS);
        String key = Http.header(ex, "Idempotency-Key");
        if (key != null && key.length() > 200) {
            throw Rejection.invalid("Idempotency-Key", "Idempotency-Key must be at most 200 characters");
        }
        JobRepository.Created c = service.create(ws, Body.text(body, "kind", true), body.get("params"),
                key == null ? null : "api:" + key);
        Http.reply(ex, 202, view(c.job()));
        ex.getMessage().setHeader("Location", "/api/jobs/" + c.job().id());
        if (!c.created()) {
            ex.getMessage().setHeader("Idempotent-Replayed", "true");
        }
    }

    /** {@code GET /api/jobs?kind=&status=&limit=&before=}, newest first. */
    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        String kind = Http.oneOf(ex, "kind", Set.copyOf(service.kinds()));
        String status = Http.oneOf(ex, "status", STATUSES);
        int limit = Http.intParam(ex, "limit", 50, 1, 500);
        Long before = Http.optLong(ex, "before");
        List<Map<String, Object>> items = jobs.list(ws, kind, status, before, limit).stream().map(this::view).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobs", items);
        out.put("nextBefore", items.size() == limit ? items.get(items.size() - 1).get("id") : null);
        Http.reply(ex, 200, out);
    }

    public void get(Exchange ex) {
        Http.reply(ex, 200, view(find(ex)));
    }

    /**
     * {@code GET /api/jobs/{id}/result}: a brand profile's proposal, or what a page analysis found (its pages'
     * metrics, the top pages worth pitching, the pages that failed); 409 while the job has none.
     */
    public void result(Exchange ex) {
        Job job = find(ex);
        Http.reply(ex, 200, service.kind(job.kind()).result(job));
    }

    /** {@code POST /api/jobs/{id}/cancel}: pending items cancelled now, fetches in flight aborted; 409 when over. */
    public void cancel(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Job job = find(ex);
        if (!jobs.requestCancel(ws, job.id())) {
            throw Rejection.conflict("job_finished", "job " + job.id() + " is already " + job.status());
        }
        dispatcher.cancelLocal(job.id());
        jobs.finalizeJobs(job.id());
        Http.reply(ex, 202, view(jobs.find(ws, job.id()).orElseThrow()));
    }

    /**
     * {@code GET /api/jobs/{id}/events?after=&limit=}: the job's events in commit order after the given event id,
     * for polling (pass {@code nextAfter} back as {@code after}).
     */
    public void events(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Job job = find(ex);
        String after = Http.param(ex, "after");
        EventLog.Cursor cursor = after == null ? EventLog.Cursor.START : EventLog.Cursor.parse(after, "after");
        int limit = Http.intParam(ex, "limit", 100, 1, 1000);
        List<EventLog.Event> list = events.ofJob(ws, job.id(), cursor, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", job.id());
        out.put("status", job.status());
        out.put("events", list.stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("type", e.type());
            m.put("payload", e.payload());
            m.put("createdAt", e.createdAt());
            return m;
        }).toList());
        out.put("nextAfter", list.isEmpty() ? (after == null ? null : cursor.toString())
                : list.get(list.size() - 1).id());
        Http.reply(ex, 200, out);
    }

    private Job find(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        long id = Http.id(ex, "id");
        return jobs.find(ws, id).orElseThrow(() -> Rejection.notFound("job " + id));
    }

    Map<String, Object> view(Job j) {
        Map<String, Integer> counts = jobs.counts(j.id());
        int progress = j.progress();
        String step = j.step();
        int stepNumber = j.stepNumber();
        int stepsTotal = j.stepsTotal();
        if (j.kind().equals(Job.PAGE_ANALYSIS) && j.status().equals("running")) {
            // read live from the items: the stored step is written once a second
            int done = counts.get("succeeded") + counts.get("failed") + counts.get("cancelled");
            progress = Math.min(99, 100 * done / Math.max(1, j.itemsTotal()));
            stepNumber = done;
            stepsTotal = j.itemsTotal();
            step = "Fetched " + done + " of " + j.itemsTotal() + " pages"
                    + (counts.get("failed") > 0 ? " (" + counts.get("failed") + " failed)" : "");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("kind", j.kind());
        m.put("status", j.status());
        m.put("params", j.params() == null ? Json.object() : j.params());
        m.put("progress", progress);
        m.put("step", step);
        m.put("stepNumber", stepNumber);
        m.put("stepsTotal", stepsTotal);
        Map<String, Object> items = new LinkedHashMap<>();
        items.put("total", j.itemsTotal());
        items.putAll(counts);
        m.put("items", items);
        m.put("error", j.error());
        m.put("cancelRequested", j.cancelRequestedAt() != null);
        m.put("createdAt", j.createdAt());
        m.put("startedAt", j.startedAt());
        m.put("finishedAt", j.finishedAt());
        m.put("updatedAt", j.updatedAt());
        return m;
    }
}
