package dev.sightline.api;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.sightline.alerts.AlertRepository;
import dev.sightline.metrics.AnswerStates;
import dev.sightline.metrics.DomainCount;
import dev.sightline.metrics.EntityRef;
import dev.sightline.metrics.EntityStats;
import dev.sightline.metrics.MetricsRepository;
import dev.sightline.metrics.RunReport;
import dev.sightline.values.Scope;
import dev.sightline.metrics.PromptInterval;
import dev.sightline.run.Run;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Rejection;

/**
 * {@code GET /api/metrics}, {@code GET /api/runs/{id}/report} and {@code GET /api/citations/domains}: JSON, or CSV
 * when the request accepts {@code text/csv}. Scoped to the caller's workspace.
 */
public final class MetricsApi {

    static final String CSV = "text/csv; charset=utf-8";
    private static final List<String> STATS_COLUMNS = List.of("n", "mentioned", "visibility", "visibilityLow",
            "visibilityHigh", "shareOfVoice", "mentionCredits", "avgRank", "rankedAnswers", "avgMentionOrder",
            "avgSentiment", "citationRate", "citedAnswers", "citingEntityAnswers", "prompts", "intervalMethod",
            "effectiveN");

    private static final List<String> STATE_COLUMNS = List.of("refused", "empty", "refusalRate");

    private final MetricsRepository metrics;
    private final RunRepository runs;
    private final RunReport reports;
    private final AnswerStates states;
    private final AlertRepository alerts;

    public MetricsApi(MetricsRepository metrics, RunRepository runs, AnswerStates states, AlertRepository alerts) {
        this.metrics = metrics;
        this.runs = runs;
        this.reports = new RunReport(metrics, runs);
        this.states = states;
        this.alerts = alerts;
    }

    private static final java.util.Set<String> SENTIMENT_SOURCES = java.util.Set.of("analyzer", "judge");

    /**
     * {@code GET /api/metrics?from=&to=&groupBy=day|provider|prompt|tag|model&entity=&provider=&tag=
     * &sentimentSource=analyzer|judge}
     */
    public void metrics(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        LocalDate[] range = range(ex);
        String groupBy = Http.oneOf(ex, "groupBy", MetricsRepository.GROUP_BY);
        String name = Http.param(ex, "entity");
        EntityRef entity = name == null
                ? metrics.brand(ws).orElseThrow(() -> Rejection.invalid("entity", "the workspace has no brand"))
                : metrics.entity(ws, name).orElseThrow(() -> Rejection.invalid("entity",
                        "entity must be the name of the workspace's brand or a competitor (got '" + name + "')"));
        String provider = Http.param(ex, "provider");
        String tag = Http.param(ex, "tag");
        for (String[] f : new String[][] {{"provider", provider}, {"tag", tag}}) {
            if (f[1] != null && f[1].length() > 200) {
                throw Rejection.invalid(f[0], f[0] + " must be at most 200 characters");
            }
        }
        Scope scope = Scope.dates(ws, range[0], range[1]).only(provider, tag);
        String source = Http.oneOf(ex, "sentimentSource", SENTIMENT_SOURCES);
        MetricsRepository.SentimentSource sentiment = "judge".equals(source)
                ? MetricsRepository.SentimentSource.JUDGE : MetricsRepository.SentimentSource.ANALYZER;
        List<EntityStats> groups = metrics.stats(scope, groupBy, List.of(entity), sentiment);
        Map<String, AnswerStates.Counts> stated = states.perGroup(scope, groupBy);
        if (Http.wantsCsv(ex)) {
            List<String> header = new ArrayList<>(List.of("groupBy", "key", "label", "entity"));
            header.addAll(STATS_COLUMNS);
            header.addAll(STATE_COLUMNS);
            Csv csv = new Csv(header);
            for (EntityStats s : groups) {
                List<Object> row = new ArrayList<>(List.of(groupBy == null ? "all" : groupBy, s.key(), s.label(),
                        s.entity().name()));
                row.addAll(statsView(s).values());
                row.addAll(stateView(stated.get(s.key())).values());
                csv.row(row);
            }
            Http.replyText(ex, 200, CSV, csv.toString());
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entity", entityView(entity));
        out.put("groupBy", groupBy);
        out.put("sentimentSource", sentiment.name().toLowerCase(java.util.Locale.ROOT));
        out.put("from", range[0]);
        out.put("to", range[1]);
        out.put("provider", provider);
        out.put("tag", tag);
        List<AlertRepository.ModelChange> changes = alerts.modelChanges(ws, range[0], range[1]);
        List<Map<String, Object>> items = new ArrayList<>();
        for (EntityStats s : groups) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("key", s.key());
            g.put("label", s.label());
            g.putAll(statsView(s));
            g.putAll(stateView(stated.get(s.key())));
            if ("day".equals(groupBy)) {
                // the day a provider started answering with another model is marked where its numbers are
                g.put("modelChanges", changes.stream().filter(c -> c.day().toString().equals(s.key()))
                        .map(MetricsApi::modelChangeView).toList());
            }
            items.add(g);
        }
        out.put("groups", items);
        out.put("modelChanges", changes.stream().map(MetricsApi::modelChangeView).toList());
        Http.reply(ex, 200, out);
    }

    /** Answer states of a group: refusals and empty answers among its {@code n} answers. */
    static Map<String, Object> stateView(AnswerStates.Counts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("refused", c == null ? 0 : c.refused());
        m.put("empty", c == null ? 0 : c.empty());
        m.put("refusalRate", c == null ? null : c.refusalRate());
        return m;
    }

    static Map<String, Object> modelChangeView(AlertRepository.ModelChange c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("day", c.day());
        m.put("provider", c.provider());
        m.put("from", c.from());
        m.put("to", c.to());
        m.put("runId", c.runId());
        return m;
    }

    /** {@code GET /api/runs/{id}/report} */
    public void runReport(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        long id = Http.id(ex, "id");
        Run run = runs.find(ws, id).orElseThrow(() -> Rejection.notFound("run " + id));
        RunReport.Report report = reports.build(run);
        Map<String, RunReport.Delta> deltas = new HashMap<>();
        if (report.comparison() != null) {
            report.comparison().deltas().forEach(d -> deltas.put(d.provider() + "\u0000" + d.entity().id(), d));
        }
        if (Http.wantsCsv(ex)) {
            List<String> header = new ArrayList<>(List.of("runId", "provider", "entity", "kind"));
            header.addAll(STATS_COLUMNS);
            header.addAll(List.of("comparedWithRun", "deltaVisibility", "deltaShareOfVoice", "deltaAvgRank"));
            Csv csv = new Csv(header);
            for (EntityStats s : report.rows()) {
                List<Object> row = new ArrayList<>(List.of(run.id(), s.key(), s.entity().name(), s.entity().kind()));
                row.addAll(statsView(s).values());
                RunReport.Delta d = deltas.get(s.key() + "\u0000" + s.entity().id());
                row.add(d == null ? null : report.comparison().previousRunId());
                row.add(d == null ? null : d.visibility());
                row.add(d == null ? null : d.shareOfVoice());
                row.add(d == null ? null : d.avgRank());
                csv.row(row);
            }
            Http.replyText(ex, 200, CSV, csv.toString());
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runId", run.id());
        out.put("runDate", run.runDate());
        out.put("status", run.status());
        out.put("providers", run.providers());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EntityStats s : report.rows()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("provider", s.key());
            r.put("entity", entityView(s.entity()));
            r.putAll(statsView(s));
            rows.add(r);
        }
        out.put("rows", rows);
        out.put("previousRunId", report.previousRunId());
        if (report.comparison() == null) {
            out.put("comparison", null);
        } else {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("previousRunId", report.comparison().previousRunId());
            List<Map<String, Object>> ds = new ArrayList<>();
            for (RunReport.Delta d : report.comparison().deltas()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("provider", d.provider());
                m.put("entity", entityView(d.entity()));
                m.put("visibility", d.visibility());
                m.put("shareOfVoice", d.shareOfVoice());
                m.put("avgRank", d.avgRank());
                ds.add(m);
            }
            c.put("deltas", ds);
            out.put("comparison", c);
        }
        out.put("comparisonReason", report.comparisonReason());
        Http.reply(ex, 200, out);
    }

    /** {@code GET /api/citations/domains?from=&to=&limit=} */
    public void citedDomains(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        LocalDate[] range = range(ex);
        int limit = Http.intParam(ex, "limit", 20, 1, 1000);
        List<DomainCount> domains = metrics.citedDomains(Scope.dates(ws, range[0], range[1]), limit);
        if (Http.wantsCsv(ex)) {
            Csv csv = new Csv(List.of("domain", "owner", "ownerName", "count", "answers"));
            domains.forEach(d -> csv.row(java.util.Arrays.asList(d.domain(), d.owner(), d.ownerName(), d.count(),
                    d.answers())));
            Http.replyText(ex, 200, CSV, csv.toString());
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", range[0]);
        out.put("to", range[1]);
        out.put("domains", domains.stream().map(MetricsApi::domainView).toList());
        Http.reply(ex, 200, out);
    }

    private static LocalDate[] range(Exchange ex) {
        LocalDate from = Http.date(ex, "from");
        LocalDate to = Http.date(ex, "to");
        if (from != null && to != null && to.isBefore(from)) {
            throw Rejection.invalid("to", "to must not be before from");
        }
        return new LocalDate[] {from, to};
    }

    static Map<String, Object> entityView(EntityRef e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("name", e.name());
        m.put("kind", e.kind());
        return m;
    }

    /** The numbers of one row, in {@link #STATS_COLUMNS} order (CSV relies on it). */
    static Map<String, Object> statsView(EntityStats s) {
        PromptInterval.Result ci = s.visibilityInterval();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", s.n());
        m.put("mentioned", s.mentioned());
        m.put("visibility", s.visibility());
        m.put("visibilityLow", ci == null ? null : ci.low());
        m.put("visibilityHigh", ci == null ? null : ci.high());
        m.put("shareOfVoice", s.shareOfVoice());
        m.put("mentionCredits", s.credits());
        m.put("avgRank", s.avgRank());
        m.put("rankedAnswers", s.ranked());
        m.put("avgMentionOrder", s.avgOrder());
        m.put("avgSentiment", s.avgSentiment());
        m.put("citationRate", s.citationRate());
        m.put("citedAnswers", s.cited());
        m.put("citingEntityAnswers", s.citesEntity());
        m.put("prompts", s.prompts());
        m.put("intervalMethod", ci == null ? null : ci.method());
        m.put("effectiveN", ci == null ? null : ci.effectiveN());
        return m;
    }

    static Map<String, Object> domainView(DomainCount d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", d.domain());
        m.put("owner", d.owner());
        m.put("ownerName", d.ownerName());
        m.put("count", d.count());
        m.put("answers", d.answers());
        return m;
    }
}
