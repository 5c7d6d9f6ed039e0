package dev.sightline.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.sightline.provider.ProviderRegistry;
import dev.sightline.run.AnswerQueries;
import dev.sightline.run.AnswerQueries.StoredAnswerView;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Rejection;

/**
 * {@code GET /api/runs/{id}/cells/{cellId}} and {@code GET /api/answers?runId=&provider=&promptId=&limit=&after=}:
 * what a provider answered and what the analyzer made of it. CSV with {@code Accept: text/csv}.
 */
public final class AnswersApi {

    private static final List<String> CSV_COLUMNS = List.of("responseId", "cellId", "runId", "promptId", "prompt",
            "provider", "sample", "attempts", "modelRequested", "modelServed", "latencyMs", "tokensIn", "tokensOut",
            "costUsd", "createdAt", "brandVisible", "shareOfVoice", "mentioned", "citedDomains", "text");

    private final AnswerQueries answers;
    private final RunRepository runs;
    private final ProviderRegistry providers;

    public AnswersApi(AnswerQueries answers, RunRepository runs, ProviderRegistry providers) {
        this.answers = answers;
        this.runs = runs;
        this.providers = providers;
    }

    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Long runId = Http.optLong(ex, "runId");
        if (runId != null && runs.find(ws, runId).isEmpty()) {
            throw Rejection.notFound("run " + runId);
        }
        String provider = Http.param(ex, "provider");
        if (provider != null && providers.find(provider).isEmpty()) {
            throw Rejection.invalid("provider", "unknown provider '" + provider + "'");
        }
        Long promptId = Http.optLong(ex, "promptId");
        int limit = Http.intParam(ex, "limit", 50, 1, 500);
        Long after = Http.optLong(ex, "after");
        List<StoredAnswerView> page = answers.list(new AnswerQueries.Filter(ws, runId, provider, promptId,
                after == null ? 0 : after, limit));
        if (Http.wantsCsv(ex)) {
            Csv csv = new Csv(CSV_COLUMNS);
            for (StoredAnswerView a : page) {
                csv.row(csvRow(a));
            }
            Http.replyText(ex, 200, MetricsApi.CSV, csv.toString());
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("answers", page.stream().map(AnswersApi::view).toList());
        out.put("nextAfter", page.size() == limit ? page.get(page.size() - 1).responseId() : null);
        Http.reply(ex, 200, out);
    }

    public void cell(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        long runId = Http.id(ex, "id");
        long cellId = Http.id(ex, "cellId");
        AnswerQueries.CellDetail d = answers.cell(ws, runId, cellId)
                .orElseThrow(() -> Rejection.notFound("cell " + cellId + " of run " + runId));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cellId", d.cellId());
        out.put("runId", d.runId());
        out.put("promptId", d.promptId());
        out.put("prompt", d.prompt());
        out.put("provider", d.provider());
        out.put("sample", d.sample());
        out.put("status", d.status());
        out.put("attempts", d.attempts());
        out.put("lastError", d.lastError());
        out.put("updatedAt", d.updatedAt());
        out.put("answer", d.answer() == null ? null : view(d.answer()));
        Http.reply(ex, 200, out);
    }

    static Map<String, Object> view(StoredAnswerView a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("responseId", a.responseId());
        m.put("cellId", a.cellId());
        m.put("runId", a.runId());
        m.put("promptId", a.promptId());
        m.put("prompt", a.prompt());
        m.put("provider", a.provider());
        m.put("sample", a.sample());
        m.put("attempts", a.attempts());
        m.put("modelRequested", a.modelRequested());
        m.put("modelServed", a.modelServed());
        m.put("latencyMs", a.latencyMs());
        m.put("tokensIn", a.tokensIn());
        m.put("tokensOut", a.tokensOut());
        m.put("costUsd", a.costUsd());
        m.put("finishReason", a.finishReason());
        m.put("createdAt", a.createdAt());
        m.put("text", a.text());
        m.put("citations", a.citations());
        Map<String, Object> analysis = null;
        if (a.analyzerVersion() != null) {
            analysis = new LinkedHashMap<>();
            analysis.put("analyzerVersion", a.analyzerVersion());
            analysis.put("brandVisible", a.brandVisible());
            analysis.put("shareOfVoice", a.shareOfVoice());
            analysis.put("error", a.analysisError());
            analysis.put("mentions", a.mentions());
            analysis.put("citedSources", a.citedSources());
        }
        m.put("analysis", analysis);
        return m;
    }

    private static List<Object> csvRow(StoredAnswerView a) {
        List<Object> row = new ArrayList<>(List.of(a.responseId(), a.cellId(), a.runId(), a.promptId(), a.prompt(),
                a.provider(), a.sample(), a.attempts()));
        row.add(a.modelRequested());
        row.add(a.modelServed());
        row.add(a.latencyMs());
        row.add(a.tokensIn());
        row.add(a.tokensOut());
        row.add(a.costUsd());
        row.add(a.createdAt());
        row.add(a.brandVisible());
        row.add(a.shareOfVoice());
        row.add(String.join(";", a.mentions().stream().map(AnswerQueries.Mention::entity).toList()));
        row.add(String.join(";", a.citedSources().stream().map(AnswerQueries.CitedSource::domain).distinct()
                .toList()));
        row.add(a.text());
        return row;
    }
}
