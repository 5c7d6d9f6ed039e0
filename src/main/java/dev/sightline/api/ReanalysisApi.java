package dev.sightline.api;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.sightline.run.Reanalysis;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Rejection;
import dev.sightline.values.Scope;

/** {@code POST /api/reanalyze?from=&to=} and {@code POST /api/runs/{id}/reanalyze}: scope and answer. */
public final class ReanalysisApi {

    private final RunRepository runs;

    public ReanalysisApi(RunRepository runs) {
        this.runs = runs;
    }

    public void workspaceScope(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        LocalDate from = Http.date(ex, "from");
        LocalDate to = Http.date(ex, "to");
        if (from != null && to != null && to.isBefore(from)) {
            throw Rejection.invalid("to", "to must not be before from");
        }
        ex.setProperty(Reanalysis.SCOPE, Scope.dates(ws, from, to));
    }

    public void runScope(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        long id = Http.id(ex, "id");
        runs.find(ws, id).orElseThrow(() -> Rejection.notFound("run " + id));
        ex.setProperty(Reanalysis.SCOPE, Scope.run(ws, id));
    }

    public void reply(Exchange ex) {
        Reanalysis.Result r = ex.getMessage().getBody(Reanalysis.Result.class);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reanalyzed", r.reanalyzed());
        out.put("failed", r.failed());
        out.put("analyzerVersion", r.analyzerVersion());
        Http.reply(ex, 200, out);
    }
}
