package dev.sightline.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.sightline.admin.Invariants;

/**
 * {@code GET /api/admin/invariants}: the reliability guarantees checked against the database now, for the caller's
 * workspace. Always 200 when the check ran; {@code ok} says whether every guarantee holds.
 */
public final class InvariantsApi {

    private final Invariants invariants;

    public InvariantsApi(Invariants invariants) {
        this.invariants = invariants;
    }

    public void check(Exchange ex) {
        Invariants.Report report = invariants.check(ApiAuth.workspace(ex));
        List<Map<String, Object>> violations = report.violations().stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("check", v.check());
            m.put("detail", v.detail());
            m.put("count", v.count());
            return m;
        }).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", report.ok());
        out.put("violations", violations);
        Http.reply(ex, 200, out);
    }
}
