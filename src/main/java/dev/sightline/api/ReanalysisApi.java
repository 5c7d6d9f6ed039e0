package dev.sightline.api;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.sightline.metrics.Reanalysis;
import dev.sightline.metrics.Scope;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Rejection;

/** {@code POST /api/reanalyze?from=&to=} and {@code POST /api/runs/{id}/reanalyze}. */
public final class ReanalysisApi {

    private final Reanalysis reanalysis;
    private final RunRepository runs;

    public ReanalysisApi(Reanalysis reanalysis, RunRepository runs) {
        this.reanalysis = reanalysis;
        this.runs = runs;
    }

    public void reanalyze(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        LocalDate from = Http.date(ex, "from");
        LocalDate to = Http.date(ex, "to");
        if (from != null && to != null && to.isBefore(from)) {
            throw Rejection.invalid("to", "to must not be before from");
        }
        reply(ex, reanalysis.run(Scope.dates(ws, from, to)));
    }

    public void reanalyzeRun(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        long id = Http.id(ex, "id");
        runs.find(ws, id).orElseThrow(() -> Rejection.notFound("run " + id));
        reply(ex, reanalysis.run(Scope.run(ws, id)));
    }

    private static void reply(Exchange ex, Reanalysis.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reanalyzed", r.reanalyzed());
        out.put("failed", r.failed());
        out.put("analyzerVersion", r.analyzerVersion());
        Http.reply(ex, 200, out);
    }
}
