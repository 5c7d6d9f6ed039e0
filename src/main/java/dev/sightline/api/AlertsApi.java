package dev.sightline.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.sightline.alerts.AlertRepository;

/** {@code GET /api/alerts?limit=&before=}: the workspace's alerts, newest first, with the numbers behind each. */
public final class AlertsApi {

    private final AlertRepository alerts;

    public AlertsApi(AlertRepository alerts) {
        this.alerts = alerts;
    }

    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        int limit = Http.intParam(ex, "limit", 50, 1, 500);
        Long before = Http.optLong(ex, "before");
        List<Map<String, Object>> items = new ArrayList<>();
        for (AlertRepository.Stored a : alerts.list(ws, before == null ? Long.MAX_VALUE : before, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", a.id());
            m.put("type", a.type());
            m.put("runId", a.runId());
            m.put("runDate", a.runDate());
            m.put("provider", a.provider());
            if (a.entityId() == null) {
                m.put("entity", null);
            } else {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("id", a.entityId());
                e.put("name", a.entityName());
                e.put("kind", a.entityKind());
                m.put("entity", e);
            }
            m.put("direction", a.direction());
            m.put("message", a.message());
            m.put("details", a.details());
            m.put("createdAt", a.createdAt());
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alerts", items);
        out.put("nextBefore", items.size() == limit ? items.get(items.size() - 1).get("id") : null);
        Http.reply(ex, 200, out);
    }
}
