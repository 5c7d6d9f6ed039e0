package dev.sightline.metrics;

import dev.sightline.values.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.sightline.store.Jdbc;

/**
 * Metrics read from stored analyses only; nothing is recomputed from answer text at query time.
 *
 * <p>Every statement starts from the same set of counted answers: for each succeeded cell in scope its latest
 * response, and only when that response has an analysis without {@code error}. Failed, cancelled and pending cells
 * and analyses the analyzer failed on are left out of numerators and denominators alike.
 */
public final class MetricsRepository {

    public static final Set<String> GROUP_BY = Set.of("day", "provider", "prompt", "tag", "model");

    /**
     * The counted answers in scope (one per succeeded cell: {@code response.cell_id} is unique); parameters:
     * workspace, run (twice), from (twice), to (twice), provider (twice), tag (twice).
     */
    static final String COUNTED_ANSWERS = """
            answer AS (
                SELECT s.id AS response_id, r.run_date, c.provider, c.prompt_id,
                       p.text AS prompt_text, p.tags, coalesce(s.model_served, s.model_requested, '') AS model
                  FROM run r
                  JOIN cell c ON c.run_id = r.id AND c.status = 'succeeded'
                  JOIN response s ON s.cell_id = c.id
                  JOIN prompt p ON p.id = c.prompt_id
                 WHERE r.workspace_id = ?
                   AND (?::bigint IS NULL OR r.id = ?::bigint)
                   AND (?::date IS NULL OR r.run_date >= ?::date)
                   AND (?::date IS NULL OR r.run_date <= ?::date)
                   AND (?::text IS NULL OR c.provider = ?::text)
                   AND (?::text IS NULL OR ?::text = ANY (p.tags))),
            analysed AS (
                SELECT a.*
                  FROM answer a
                  JOIN analysis an ON an.response_id = a.response_id AND an.error IS NULL)""";

    /** The groups an answer {@code s} belongs to, by the groupBy parameter. */
    static final String GROUP_KEYS = """
            CASE ?::text
              WHEN 'tag' THEN ARRAY(SELECT DISTINCT x FROM unnest(s.tags) AS x)
              WHEN 'day' THEN ARRAY[s.run_date::text]
              WHEN 'provider' THEN ARRAY[s.provider]
              WHEN 'prompt' THEN ARRAY[s.prompt_id::text]
              WHEN 'model' THEN ARRAY[s.model]
              ELSE ARRAY['all'] END""";

    /**
     * Per group x entity. A group's denominators (n, credits, cited) count each answer once; with groupBy=tag an
     * answer belongs to every tag of its prompt. An entity without a mention row for an answer (analysed before
     * the entity was tracked) counts as not mentioned there. Extra parameters: groupBy, entity ids (twice).
     */
    private static final String ENTITY_STATS = entityStats("m.sentiment_score", "");
    /**
     * The same with the LLM judge's sentiment ({@code sightline.analysis.judge}) where it judged the answer, the
     * analyzer's where it did not (no judge, its call failed, its reply did not parse).
     */
    private static final String ENTITY_STATS_JUDGE = entityStats("coalesce(js.sentiment_score, m.sentiment_score)", """

              LEFT JOIN judged_sentiment js ON js.response_id = g.response_id AND js.entity_id = e.id""");

    /** Where sentiment comes from: the analyzer's, or the judge's with the analyzer's as fallback. */
    public enum SentimentSource { ANALYZER, JUDGE }

    private static String entityStats(String sentiment, String sentimentJoin) {
        return "WITH " + COUNTED_ANSWERS + """
            ,
            scored AS (
                SELECT a.*,
                       (SELECT count(*) FROM mention k WHERE k.response_id = a.response_id AND k.mentioned) AS credits,
                       EXISTS (SELECT 1 FROM citation t WHERE t.response_id = a.response_id) AS cited
                  FROM analysed a),
            grouped AS (
                SELECT g.key, s.*
                  FROM scored s
                  CROSS JOIN LATERAL unnest(""" + GROUP_KEYS + """
            ) AS g(key)),
            totals AS (
                SELECT key, min(prompt_text) AS prompt_text, count(*) AS n, sum(credits) AS credits,
                       count(*) FILTER (WHERE cited) AS cited
                  FROM grouped
                 GROUP BY key),
            cited_entity AS (
                SELECT DISTINCT t.response_id, t.entity_id
                  FROM citation t
                 WHERE t.entity_id = ANY (?) AND t.response_id IN (SELECT response_id FROM analysed))
            SELECT t.key, t.prompt_text, t.n, t.credits, t.cited, e.id AS entity_id, e.name, e.kind,
                   count(*) FILTER (WHERE m.mentioned) AS mentioned,
                   count(m.list_rank) FILTER (WHERE m.mentioned) AS ranked,
                   avg(m.list_rank) FILTER (WHERE m.mentioned) AS avg_rank,
                   avg(m.mention_order) FILTER (WHERE m.mentioned) AS avg_order,
                   avg(""" + sentiment + """
            ) FILTER (WHERE m.mentioned) AS avg_sentiment,
                   count(ce.response_id) AS cites_entity
              FROM totals t
              JOIN grouped g ON g.key = t.key
              CROSS JOIN entity e
              LEFT JOIN mention m ON m.response_id = g.response_id AND m.entity_id = e.id
              LEFT JOIN cited_entity ce ON ce.response_id = g.response_id AND ce.entity_id = e.id""" + sentimentJoin
                + """

             WHERE e.id = ANY (?)
             GROUP BY t.key, t.prompt_text, t.n, t.credits, t.cited, e.id, e.name, e.kind""";
    }

    /** Extra parameter: limit. */
    private static final String CITED_DOMAINS = "WITH " + COUNTED_ANSWERS + """
            
            SELECT t.domain, t.owner, e.name AS owner_name, count(*) AS citations,
                   count(DISTINCT t.response_id) AS answers
              FROM citation t
              JOIN analysed a ON a.response_id = t.response_id
              LEFT JOIN entity e ON e.id = t.entity_id
             WHERE t.domain <> ''
             GROUP BY t.domain, t.owner, e.name
             ORDER BY citations DESC, answers DESC, t.domain, t.owner
             LIMIT ?""";

    private static final String ENTITY_BY_NAME = """
            SELECT id, name, kind FROM entity
             WHERE workspace_id = ? AND lower(name) = lower(?)
             ORDER BY active DESC, id DESC
             LIMIT 1""";
    private static final String BRAND = """
            SELECT id, name, kind FROM entity WHERE workspace_id = ? AND kind = 'brand' AND active""";
    /** The active entities, and inactive ones the run's analyses still refer to; brand first. */
    private static final String ENTITIES_OF_RUN = """
            SELECT e.id, e.name, e.kind FROM entity e
             WHERE e.workspace_id = ?
               AND (e.active OR EXISTS (SELECT 1 FROM mention m
                                          JOIN response s ON s.id = m.response_id
                                          JOIN cell c ON c.id = s.cell_id
                                         WHERE c.run_id = ? AND m.entity_id = e.id))
             ORDER BY e.kind = 'brand' DESC, e.id""";
    /** The latest earlier completed run of the workspace that asked exactly the same providers. */
    private static final String COMPARABLE_RUN = """
            SELECT id FROM run
             WHERE workspace_id = ? AND id < ? AND status = 'completed' AND kind = 'sweep'
               AND providers @> ?::text[] AND providers <@ ?::text[]
             ORDER BY id DESC LIMIT 1""";

    private final Jdbc jdbc;

    public MetricsRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stats per group (null groupBy: one group "all") for each of the entities, sorted by group (prompts by id)
     * and then in the order the entities were given. Groups without counted answers are absent.
     */
    public List<EntityStats> stats(Scope scope, String groupBy, List<EntityRef> entities) {
        return stats(scope, groupBy, entities, SentimentSource.ANALYZER);
    }

    public List<EntityStats> stats(Scope scope, String groupBy, List<EntityRef> entities, SentimentSource source) {
        if (groupBy != null && !GROUP_BY.contains(groupBy)) {
            throw new IllegalArgumentException("groupBy " + groupBy);
        }
        if (entities.isEmpty()) {
            return List.of();
        }
        List<Long> ids = entities.stream().map(EntityRef::id).toList();
        String sql = source == SentimentSource.JUDGE ? ENTITY_STATS_JUDGE : ENTITY_STATS;
        List<EntityStats> rows = new ArrayList<>(jdbc.query(sql, rs -> stats(rs, groupBy),
                params(scope, groupBy, ids, ids)));
        rows.sort((a, b) -> {
            int c = "prompt".equals(groupBy) ? Long.compare(Long.parseLong(a.key()), Long.parseLong(b.key()))
                    : a.key().compareTo(b.key());
            return c != 0 ? c : Integer.compare(ids.indexOf(a.entity().id()), ids.indexOf(b.entity().id()));
        });
        return rows;
    }

    public List<DomainCount> citedDomains(Scope scope, int limit) {
        return jdbc.query(CITED_DOMAINS, rs -> new DomainCount(rs.getString("domain"), rs.getString("owner"),
                rs.getString("owner_name"), rs.getLong("citations"), rs.getLong("answers")), params(scope, limit));
    }

    /** An entity of the workspace by name, case-insensitively; the active one when an old one has the name too. */
    public Optional<EntityRef> entity(long workspaceId, String name) {
        return jdbc.queryOne(ENTITY_BY_NAME, MetricsRepository::entityRef, workspaceId, name);
    }

    public Optional<EntityRef> brand(long workspaceId) {
        return jdbc.queryOne(BRAND, MetricsRepository::entityRef, workspaceId);
    }

    public List<EntityRef> entitiesOfRun(long workspaceId, long runId) {
        return jdbc.query(ENTITIES_OF_RUN, MetricsRepository::entityRef, workspaceId, runId);
    }

    /** The latest earlier completed run of the workspace that asked exactly these providers. */
    public Optional<Long> comparableRunId(long workspaceId, long runId, List<String> providers) {
        return jdbc.queryOne(COMPARABLE_RUN, rs -> rs.getLong(1), workspaceId, runId, providers, providers);
    }

    static Object[] params(Scope s, Object... more) {
        List<Object> p = new ArrayList<>(List.of(s.workspaceId()));
        p.add(s.runId());
        p.add(s.runId());
        p.add(s.from());
        p.add(s.from());
        p.add(s.to());
        p.add(s.to());
        p.add(s.provider());
        p.add(s.provider());
        p.add(s.tag());
        p.add(s.tag());
        for (Object o : more) {
            p.add(o instanceof Collection<?> c ? List.copyOf(c) : o);
        }
        return p.toArray();
    }

    private static EntityStats stats(ResultSet rs, String groupBy) throws SQLException {
        String key = rs.getString("key");
        String label = "prompt".equals(groupBy) ? rs.getString("prompt_text") : key;
        return new EntityStats(key, label, entityRef(rs.getLong("entity_id"), rs.getString("name"),
                rs.getString("kind")), rs.getLong("n"), rs.getLong("mentioned"), rs.getLong("credits"),
                rs.getLong("cited"), rs.getLong("cites_entity"), rs.getLong("ranked"), nullableDouble(rs, "avg_rank"),
                nullableDouble(rs, "avg_order"), nullableDouble(rs, "avg_sentiment"));
    }

    private static EntityRef entityRef(ResultSet rs) throws SQLException {
        return entityRef(rs.getLong("id"), rs.getString("name"), rs.getString("kind"));
    }

    private static EntityRef entityRef(long id, String name, String kind) {
        return new EntityRef(id, name, kind.toLowerCase(Locale.ROOT));
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
