package dev.sightline.pages;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.fetch.FetchResult;
import dev.sightline.jobs.JobItemClaim;
import dev.sightline.jobs.JobRepository;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;

/**
 * Cited pages: which URLs are due for a fetch, the outcome of a fetch stored together with its job item's end
 * (fenced by the item's lease), and the read side (the pages API, its metrics, a page analysis job's result).
 */
public final class PageRepository {

    /** Distinct cited URLs of a workspace (or of one of its runs) and how often each was cited. */
    private static final String CITED_HEAD = """
            SELECT u.url, min(c.domain) AS domain, count(*) AS n FROM citation c JOIN cited_url u ON u.id = c.url_id
              JOIN response s ON s.id = c.response_id JOIN cell l ON l.id = s.cell_id JOIN run r ON r.id = l.run_id
             WHERE r.workspace_id = ?
            """;
    private static final String CITED_TAIL = " GROUP BY u.url ORDER BY count(*) DESC, u.url LIMIT 50000";
    private static final String CITED = CITED_HEAD + CITED_TAIL;
    private static final String CITED_IN_RUN = CITED_HEAD + "   AND r.id = ?\n" + CITED_TAIL;
    /** Of these pages, those fetched successfully within the refresh window (failed pages are always due). */
    private static final String FRESH = """
            SELECT url FROM page WHERE workspace_id = ? AND url = ANY (?) AND error IS NULL
               AND fetched_at > now() - make_interval(secs => ?)""";

    private static final String UPSERT_PAGE = """
            INSERT INTO page (workspace_id, url, domain, cited_urls, final_url, http_status, content_type, title, description,
                              language, word_count, published_on, modified_on, page_type, list_items, error, job_id,
                              fetched_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
            ON CONFLICT (workspace_id, url) DO UPDATE
               SET domain = excluded.domain,
                   cited_urls = ARRAY(SELECT DISTINCT u FROM unnest(page.cited_urls || excluded.cited_urls) AS u
                                       ORDER BY u),
                   final_url = excluded.final_url, http_status = excluded.http_status,
                   content_type = excluded.content_type, title = excluded.title, description = excluded.description,
                   language = excluded.language, word_count = excluded.word_count,
                   published_on = excluded.published_on, modified_on = excluded.modified_on,
                   page_type = excluded.page_type, list_items = excluded.list_items, error = excluded.error,
                   job_id = excluded.job_id, fetched_at = now()
            RETURNING id""";
    private static final String DELETE_MENTIONS = "DELETE FROM page_mention WHERE page_id = ?";

    /**
     * A fetch's outcome in one statement and one commit: the item's end fenced by its lease, and only if that held,
     * the page and its mentions (entities no longer mentioned removed, the others written). The commit does not wait
     * for the disk (as a claim's does not): were it lost in a crash of the database, the item would still be leased
     * as before, its lease would expire and the page would be fetched again.
     */
    private static final String STORE = """
            WITH async AS (
              SELECT set_config('synchronous_commit', 'off', true)),
            handed AS (
              UPDATE job_item SET fetch_done = false
               WHERE id = ?::bigint AND status = 'leased' AND lease_token = ?::uuid),
            fenced AS (
              UPDATE job_item SET status = ?, last_error = ?, lease_owner = NULL, lease_token = NULL,
                     lease_until = NULL, updated_at = now()
               WHERE id = ? AND status = 'leased' AND lease_token = ?
              RETURNING id),
            upserted AS (
              INSERT INTO page (workspace_id, url, domain, cited_urls, final_url, http_status, content_type, title,
                                description, language, word_count, published_on, modified_on, page_type, list_items,
                                error, job_id, fetched_at)
              SELECT ?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?, ?, ?::date, ?::date, ?, ?::jsonb, ?, ?, now()
               WHERE EXISTS (SELECT 1 FROM fenced)
              ON CONFLICT (workspace_id, url) DO UPDATE
                 SET domain = excluded.domain,
                     cited_urls = ARRAY(SELECT DISTINCT u FROM unnest(page.cited_urls || excluded.cited_urls) AS u
                                         ORDER BY u),
                     final_url = excluded.final_url, http_status = excluded.http_status,
                     content_type = excluded.content_type, title = excluded.title,
                     description = excluded.description, language = excluded.language,
                     word_count = excluded.word_count, published_on = excluded.published_on,
                     modified_on = excluded.modified_on, page_type = excluded.page_type,
                     list_items = excluded.list_items, error = excluded.error, job_id = excluded.job_id,
                     fetched_at = now()
              RETURNING id),
            cleared AS (
              DELETE FROM page_mention m USING upserted u
               WHERE m.page_id = u.id AND NOT (m.entity_id = ANY (?::bigint[]))),
            mentioned AS (
              INSERT INTO page_mention (page_id, entity_id, mention_count, list_rank)
              SELECT u.id, t.e, t.n, t.r FROM upserted u, unnest(?::bigint[], ?::int[], ?::int[]) AS t(e, n, r)
              ON CONFLICT (page_id, entity_id) DO UPDATE
                 SET mention_count = excluded.mention_count, list_rank = excluded.list_rank)
            SELECT count(*) FROM fenced, async""";
    private static final String INSERT_MENTIONS = """
            INSERT INTO page_mention (page_id, entity_id, mention_count, list_rank)
            SELECT ?, e, n, r FROM unnest(?::bigint[], ?::int[], ?::int[]) AS t(e, n, r)""";

    private static final String COLUMNS = """
            SELECT p.id, p.url, p.domain, p.final_url, p.http_status, p.content_type, p.title, p.description,
                   p.language, p.word_count, p.published_on, p.modified_on, p.page_type, p.error, p.fetched_at,
                   p.list_items::text AS list_items,
                   (SELECT count(*) FROM (SELECT ARRAY(SELECT u.id::int FROM cited_url u
                                                        WHERE u.url = ANY (p.cited_urls)) AS ids) k
                      JOIN analysis a ON citation_url_ids(a.citations) && k.ids
                     CROSS JOIN LATERAL generate_subscripts(a.citations, 1) AS i
                      JOIN response s ON s.id = a.response_id JOIN cell l ON l.id = s.cell_id JOIN run r ON r.id = l.run_id
                     WHERE a.citations[i][2] = ANY (k.ids) AND r.workspace_id = p.workspace_id) AS citations,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('entity', e.name, 'kind', e.kind,
                             'count', m.mention_count, 'listRank', m.list_rank)
                             ORDER BY e.kind = 'brand' DESC, m.list_rank NULLS LAST, e.name), '[]')
                      FROM page_mention m JOIN entity e ON e.id = m.entity_id WHERE m.page_id = p.id)::text AS mentions
              FROM page p""";
    /**
     * A page worth pitching: fetched, mentions a competitor, does not mention the brand, and is not on a site of a
     * tracked entity (a competitor's own pages never will).
     */
    private static final String PITCH = """
            (p.error IS NULL
             AND NOT EXISTS (SELECT 1 FROM entity o WHERE o.workspace_id = p.workspace_id AND o.active
                              AND p.domain = ANY (o.domains))
             AND EXISTS (SELECT 1 FROM page_mention m JOIN entity e ON e.id = m.entity_id
                          WHERE m.page_id = p.id AND e.kind = 'competitor')
             AND NOT EXISTS (SELECT 1 FROM page_mention m JOIN entity e ON e.id = m.entity_id
                              WHERE m.page_id = p.id AND e.kind = 'brand'))""";
    private static final String LIST = COLUMNS + "\n" + """
             WHERE p.workspace_id = ? AND p.id > ?
               AND (?::text IS NULL OR p.domain = ?::text)
               AND (?::bigint IS NULL OR EXISTS (SELECT 1 FROM page_mention m
                                                  WHERE m.page_id = p.id AND m.entity_id = ?::bigint))
               AND (?::text IS NULL OR p.page_type = ?::text)
               AND (?::text IS NULL OR (?::text = 'ok') = (p.error IS NULL))
               AND (NOT ?::boolean OR """ + PITCH + """
            )
             ORDER BY p.id LIMIT ?""";
    /**
     * The pages worth pitching, most cited first, one row per page reached (a page cited directly and through a
     * redirect, such as Gemini's grounding links, is one page with both citations counted).
     */
    private static final String TOP_HEAD = """
            SELECT id, url, domain, final_url, http_status, content_type, title, description, language, word_count,
                   published_on, modified_on, page_type, error, fetched_at, list_items, total AS citations, mentions
              FROM (SELECT x.*, sum(x.citations) OVER (PARTITION BY coalesce(x.final_url, x.url)) AS total,
                           row_number() OVER (PARTITION BY coalesce(x.final_url, x.url)
                                              ORDER BY x.citations DESC, x.id) AS rn
                      FROM (""";
    private static final String TOP_TAIL = ") x) y WHERE rn = 1 ORDER BY citations DESC, id LIMIT ?";
    private static final String TOP_PITCH_OF_WORKSPACE = TOP_HEAD + COLUMNS
            + "\n WHERE p.workspace_id = ? AND " + PITCH + TOP_TAIL;
    private static final String TOP_PITCH_OF_JOB = TOP_HEAD + COLUMNS + """

              JOIN job_item i ON i.url = p.url JOIN job j ON j.id = i.job_id AND j.workspace_id = p.workspace_id
             WHERE i.job_id = ? AND""" + " " + PITCH + TOP_TAIL;

    /** Counted by page reached (final URL), so a page cited through a redirect too counts once. */
    private static final String METRICS_BODY = """
            SELECT count(DISTINCT page) AS pages,
                   count(DISTINCT page) FILTER (WHERE error IS NULL) AS fetched,
                   count(DISTINCT page) FILTER (WHERE error IS NOT NULL) AS failed,
                   count(DISTINCT page) FILTER (WHERE error IS NULL AND brand) AS mentioning_brand,
                   count(DISTINCT page) FILTER (WHERE error IS NULL AND competitor AND NOT brand)
                     AS competitors_not_brand,
                   count(DISTINCT page) FILTER (WHERE error IS NULL AND listed_competitor AND NOT brand)
                     AS listing_competitors_not_brand
              FROM (SELECT coalesce(p.final_url, p.url) AS page, p.error,
                           EXISTS (SELECT 1 FROM page_mention m JOIN entity e ON e.id = m.entity_id
                                    WHERE m.page_id = p.id AND e.kind = 'brand') AS brand,
                           EXISTS (SELECT 1 FROM page_mention m JOIN entity e ON e.id = m.entity_id
                                    WHERE m.page_id = p.id AND e.kind = 'competitor') AS competitor,
                           EXISTS (SELECT 1 FROM page_mention m JOIN entity e ON e.id = m.entity_id
                                    WHERE m.page_id = p.id AND e.kind = 'competitor'
                                      AND m.list_rank IS NOT NULL) AS listed_competitor
                      FROM scope p) x""";
    private static final String WORKSPACE_SCOPE = "WITH scope AS (SELECT p.* FROM page p WHERE p.workspace_id = ?) ";
    private static final String JOB_SCOPE = """
            WITH scope AS (SELECT p.* FROM page p JOIN job_item i ON i.url = p.url
                             JOIN job j ON j.id = i.job_id AND j.workspace_id = p.workspace_id
                            WHERE i.job_id = ?)
            """;
    private static final String FAILURES_BODY = """
            SELECT error, count(*) AS n FROM scope p WHERE error IS NOT NULL GROUP BY error ORDER BY n DESC, error""";
    private static final String JOB_FAILED_ITEMS = """
            SELECT url, last_error FROM job_item WHERE job_id = ? AND status = 'failed' ORDER BY id LIMIT ?""";

    private final Jdbc jdbc;

    public PageRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public record CitedUrl(String url, String domain, long citations) {
    }

    /** The URLs a workspace's answers (or one run's) cited, most cited first. */
    public List<CitedUrl> citedUrls(long workspaceId, Long runId) {
        Jdbc.RowMapper<CitedUrl> row = rs -> new CitedUrl(rs.getString(1), rs.getString(2), rs.getLong(3));
        return runId == null ? jdbc.query(CITED, row, workspaceId)
                : jdbc.query(CITED_IN_RUN, row, workspaceId, runId);
    }

    /** Which of these URLs were fetched successfully within the refresh window. */
    public List<String> fresh(long workspaceId, List<String> urls, Duration refresh) {
        return jdbc.query(FRESH, rs -> rs.getString(1), workspaceId, urls, refresh.toMillis() / 1000.0);
    }

    /** A mention of a tracked entity on a page. */
    public record PageMention(long entityId, int count, Integer listRank) {
    }

    /**
     * Stores what a fetch found (facts and mentions, or the reason it failed) and ends the item, in one
     * transaction; nothing is written when the item's lease was lost. {@code handedTo}: the reservation that took
     * the item's fetch slot (or null), counted against its host by the same statement that ends the item, so the
     * host's count never drops below the requests under way.
     */
    public boolean store(JobItemClaim claim, String itemStatus, FetchResult fetch, ReadPage page,
                         List<PageMention> mentions, JobItemClaim handedTo) {
        return jdbc.withConnection(c -> {
            Object[] p = pageParams(c, claim, fetch, page);
            Array[] m = mentionArrays(c, mentions);
            Object[] params = new Object[6 + p.length + 4];
            params[0] = handedTo == null ? null : handedTo.itemId();
            params[1] = handedTo == null ? null : handedTo.leaseToken();
            params[2] = itemStatus;
            params[3] = fetch.ok() ? null : JobRepository.clipError(fetch.reason());
            params[4] = claim.itemId();
            params[5] = claim.leaseToken();
            System.arraycopy(p, 0, params, 6, p.length);
            params[6 + p.length] = m[0];
            params[7 + p.length] = m[0];
            params[8 + p.length] = m[1];
            params[9 + p.length] = m[2];
            return Jdbc.queryOne(c, STORE, rs -> rs.getLong(1), params).orElse(0L) == 1;
        });
    }

    /** The page row of a failed item whose lease already ended (its attempts ran out in the retry statement). */
    public void storeFailure(JobItemClaim claim, FetchResult fetch) {
        jdbc.inTransaction(c -> {
            upsert(c, claim, fetch, null, List.of());
            return null;
        });
    }

    private static void upsert(Connection c, JobItemClaim claim, FetchResult fetch, ReadPage page,
                               List<PageMention> mentions) throws SQLException {
        long pageId = Jdbc.queryOne(c, UPSERT_PAGE, rs -> rs.getLong(1), pageParams(c, claim, fetch, page))
                .orElseThrow();
        Jdbc.update(c, DELETE_MENTIONS, pageId);
        if (!mentions.isEmpty()) {
            Array[] m = mentionArrays(c, mentions);
            Jdbc.update(c, INSERT_MENTIONS, pageId, m[0], m[1], m[2]);
        }
    }

    /** The page row's values, in the column order of UPSERT_PAGE and STORE. */
    private static Object[] pageParams(Connection c, JobItemClaim claim, FetchResult fetch, ReadPage page)
            throws SQLException {
        String listItems = Json.write(page == null ? List.of() : page.listItems());
        return new Object[] {claim.workspaceId(), claim.url(), claim.domain(),
                c.createArrayOf("text", claim.citedUrls().toArray()), fetch.finalUrl(),
                fetch.status() == 0 ? null : fetch.status(), fetch.contentType(),
                page == null ? null : clip(page.title(), 1000), page == null ? null : clip(page.description(), 2000),
                page == null ? null : page.language(), page == null ? null : page.wordCount(),
                page == null ? null : page.published(), page == null ? null : page.modified(),
                page == null ? null : page.pageType(), new Jdbc.JsonText(listItems),
                fetch.ok() ? null : clip(fetch.reason(), 1000), claim.jobId()};
    }

    private static Array[] mentionArrays(Connection c, List<PageMention> mentions) throws SQLException {
        Long[] entities = new Long[mentions.size()];
        Integer[] counts = new Integer[mentions.size()];
        Integer[] ranks = new Integer[mentions.size()];
        for (int i = 0; i < mentions.size(); i++) {
            entities[i] = mentions.get(i).entityId();
            counts[i] = mentions.get(i).count();
            ranks[i] = mentions.get(i).listRank();
        }
        return new Array[] {c.createArrayOf("bigint", entities), c.createArrayOf("integer", counts),
                c.createArrayOf("integer", ranks)};
    }

    // ---- read side ----

    /** A stored page as the API shows it. */
    public record PageView(long id, String url, String domain, String finalUrl, Integer httpStatus,
                           String contentType, String title, String description, String language, Integer wordCount,
                           LocalDate publishedOn, LocalDate modifiedOn, String pageType, String error,
                           Instant fetchedAt, long citations, JsonNode mentions, JsonNode listItems) {
    }

    public record Filter(String domain, Long entityId, String pageType, String status, boolean worthPitching) {
    }

    public List<PageView> list(long workspaceId, Filter f, long after, int limit) {
        return jdbc.query(LIST, PageRepository::view, workspaceId, after, f.domain(), f.domain(), f.entityId(),
                f.entityId(), f.pageType(), f.pageType(), f.status(), f.status(), f.worthPitching(), limit);
    }

    public List<PageView> topWorthPitching(long workspaceId, int limit) {
        return jdbc.query(TOP_PITCH_OF_WORKSPACE, PageRepository::view, workspaceId, limit);
    }

    public List<PageView> topWorthPitchingOfJob(long jobId, int limit) {
        return jdbc.query(TOP_PITCH_OF_JOB, PageRepository::view, jobId, limit);
    }

    /** The two metrics and the counts behind them, over a workspace's pages. */
    public Map<String, Object> metrics(long workspaceId) {
        return metrics(WORKSPACE_SCOPE, workspaceId);
    }

    /** The same over the pages one page analysis job fetched. */
    public Map<String, Object> metricsOfJob(long jobId) {
        return metrics(JOB_SCOPE, jobId);
    }

    private Map<String, Object> metrics(String scope, long id) {
        Map<String, Object> m = jdbc.queryOne(scope + METRICS_BODY, rs -> {
            Map<String, Object> out = new LinkedHashMap<>();
            long fetched = rs.getLong("fetched");
            out.put("pages", rs.getLong("pages"));
            out.put("fetched", fetched);
            out.put("failed", rs.getLong("failed"));
            out.put("mentioningBrand", rs.getLong("mentioning_brand"));
            out.put("mentioningBrandRate", fetched == 0 ? null : (double) rs.getLong("mentioning_brand") / fetched);
            out.put("competitorsNotBrand", rs.getLong("competitors_not_brand"));
            out.put("competitorsNotBrandRate", fetched == 0 ? null
                    : (double) rs.getLong("competitors_not_brand") / fetched);
            out.put("listingCompetitorsNotBrand", rs.getLong("listing_competitors_not_brand"));
            return out;
        }, id).orElseThrow();
        Map<String, Long> reasons = new LinkedHashMap<>();
        jdbc.query(scope + FAILURES_BODY, rs -> reasons.merge(reasonKind(rs.getString(1)), rs.getLong(2), Long::sum),
                id);
        m.put("failureReasons", reasons);
        return m;
    }

    public record FailedItem(String url, String reason) {
    }

    public List<FailedItem> failedItems(long jobId, int limit) {
        return jdbc.query(JOB_FAILED_ITEMS, rs -> new FailedItem(rs.getString(1), rs.getString(2)), jobId, limit);
    }

    /** "robots.txt disallows /r/x" and "HTTP 503" grouped as "robots.txt disallows" and "HTTP 503". */
    static String reasonKind(String error) {
        int cut = error.length();
        int colon = error.indexOf(':');
        int slash = error.indexOf(" /");
        if (colon > 0) {
            cut = colon;
        }
        if (slash > 0 && slash < cut) {
            cut = slash;
        }
        return error.substring(0, cut).strip();
    }

    private static PageView view(ResultSet rs) throws SQLException {
        return new PageView(rs.getLong("id"), rs.getString("url"), rs.getString("domain"), rs.getString("final_url"),
                Jdbc.nullableInt(rs, "http_status"), rs.getString("content_type"), rs.getString("title"),
                rs.getString("description"), rs.getString("language"), Jdbc.nullableInt(rs, "word_count"),
                rs.getObject("published_on", LocalDate.class), rs.getObject("modified_on", LocalDate.class),
                rs.getString("page_type"), rs.getString("error"), Jdbc.instant(rs, "fetched_at"),
                rs.getLong("citations"), parseArray(rs.getString("mentions")), parseArray(rs.getString("list_items")));
    }

    private static JsonNode parseArray(String json) {
        try {
            return json == null ? Json.MAPPER.createArrayNode() : Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            return Json.MAPPER.createArrayNode();
        }
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return null;
        }
        String clean = s.replace('\0', ' ');
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
