package dev.sightline.pages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;

import dev.sightline.api.ApiAuth;
import dev.sightline.api.Http;
import dev.sightline.values.Rejection;
import dev.sightline.values.TrackedEntity;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * {@code /api/pages}: the workspace's cited pages as their latest fetch found them, filtered by domain, by an entity
 * they mention, by page type, by fetch status, or to the pages worth pitching; and the page metrics.
 */
public final class PagesApi {

    private static final int TOP_PAGES = 10;

    private final PageRepository pages;
    private final WorkspaceRepository workspaces;

    public PagesApi(PageRepository pages, WorkspaceRepository workspaces) {
        this.pages = pages;
        this.workspaces = workspaces;
    }

    /** {@code GET /api/pages?domain=&mentions=&type=&status=&worthPitching=&limit=&after=} */
    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        String domain = Http.param(ex, "domain");
        if (domain != null) {
            domain = domain.toLowerCase(Locale.ROOT);
            domain = domain.startsWith("www.") ? domain.substring(4) : domain;
        }
        Long entity = null;
        String mentions = Http.param(ex, "mentions");
        if (mentions != null) {
            entity = workspaces.get(ws).entities().stream().filter(e -> e.name().equalsIgnoreCase(mentions))
                    .map(TrackedEntity::id).findFirst()
                    .orElseThrow(() -> Rejection.invalid("mentions", "mentions must name the brand or a competitor "
                            + "of the workspace (got '" + mentions + "'): " + workspaces.get(ws).entities().stream()
                            .map(TrackedEntity::name).toList()));
        }
        String type = Http.oneOf(ex, "type", Set.copyOf(PageTypes.ALL));
        String status = Http.oneOf(ex, "status", Set.of("ok", "failed"));
        String pitch = Http.oneOf(ex, "worthPitching", Set.of("true", "false"));
        int limit = Http.intParam(ex, "limit", 50, 1, 500);
        Long after = Http.optLong(ex, "after");
        List<PageRepository.PageView> found = pages.list(ws, new PageRepository.Filter(domain, entity, type, status,
                "true".equals(pitch)), after == null ? 0 : after, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pages", found.stream().map(PagesApi::view).toList());
        out.put("nextAfter", found.size() == limit ? found.get(found.size() - 1).id() : null);
        Http.reply(ex, 200, out);
    }

    /**
     * {@code GET /api/pages/metrics}: of the pages fetched, how many mention the brand, and how many mention
     * competitors but not the brand (the pages worth pitching), with the top ones by citations.
     */
    public void metrics(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Map<String, Object> out = new LinkedHashMap<>(pages.metrics(ws));
        out.put("worthPitching", pages.topWorthPitching(ws, TOP_PAGES).stream().map(PagesApi::view).toList());
        Http.reply(ex, 200, out);
    }

    public static Map<String, Object> view(PageRepository.PageView p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("url", p.url());
        m.put("domain", p.domain());
        m.put("finalUrl", p.finalUrl());
        m.put("httpStatus", p.httpStatus());
        m.put("contentType", p.contentType());
        m.put("title", p.title());
        m.put("description", p.description());
        m.put("language", p.language());
        m.put("wordCount", p.wordCount());
        m.put("publishedOn", p.publishedOn());
        m.put("modifiedOn", p.modifiedOn());
        m.put("pageType", p.pageType());
        m.put("error", p.error());
        m.put("fetchedAt", p.fetchedAt());
        m.put("citations", p.citations());
        m.put("mentions", p.mentions());
        m.put("listItems", p.listItems());
        return m;
    }
}
