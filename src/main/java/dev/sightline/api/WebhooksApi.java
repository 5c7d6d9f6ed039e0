package dev.sightline.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.sightline.webhooks.WebhookRepository;

/**
 * {@code GET /api/webhooks/deliveries?limit=&before=}: the workspace's webhook deliveries, newest first, each with its
 * attempts and what the receiver answered. URLs are shown without their query string; secrets never.
 */
public final class WebhooksApi {

    private final WebhookRepository webhooks;

    public WebhooksApi(WebhookRepository webhooks) {
        this.webhooks = webhooks;
    }

    public void deliveries(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        int limit = Http.intParam(ex, "limit", 50, 1, 500);
        Long before = Http.optLong(ex, "before");
        List<Map<String, Object>> items = new ArrayList<>();
        for (WebhookRepository.Listed d : webhooks.list(ws, before == null ? Long.MAX_VALUE : before, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("eventId", d.eventId());
            m.put("eventType", d.eventType());
            m.put("url", withoutQuery(d.url()));
            m.put("status", d.status());
            m.put("attempts", d.attempts());
            m.put("lastResponseCode", d.lastStatus());
            m.put("lastError", d.lastError());
            m.put("nextAttemptAt", d.status().equals("pending") ? d.nextAttemptAt() : null);
            m.put("createdAt", d.createdAt());
            m.put("deliveredAt", d.deliveredAt());
            m.put("attemptsMade", d.attemptsMade());
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deliveries", items);
        out.put("nextBefore", items.size() == limit ? items.get(items.size() - 1).get("id") : null);
        Http.reply(ex, 200, out);
    }

    /** A receiver's URL may carry a token in its query; the API does not repeat it. */
    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
