package dev.sightline.metrics;

import dev.sightline.values.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.sightline.store.Jdbc;

/**
 * Metrics read from the rollups (sql/V7): per workspace x period x provider x prompt (x entity), kept in the
 * transaction that writes each analysis, so a query reads a number of rows that depends on the range's shape, not on
 * how much history lies in it. The counted answers are those of the README ("Metrics and analysis"): succeeded cells
 * whose analysis has no error.
 *
 * <p>What each shape (scope x groupBy) reads:
 * <ul>
 * <li>a range of dates, groupBy null, provider, prompt or tag: rollup_answers and rollup_entity over the range's
 *     periods ({@link Periods#cover}: blocks of 64 and 8 days and single days, added or taken away): the
 *     all-providers rows (provider '') of the blocks and every provider's rows of the single days, added up per
 *     prompt (sql/V24), or, for groupBy=provider, each provider's rows;</li>
 * <li>a range of dates, groupBy=day: rollup_days, one row per day and entity;</li>
 * <li>a provider filter: the same rollup rows of that provider only (rollup rows carry it); a tag filter: the
 *     rollup rows of the prompts whose tags contain it (rollup rows carry the prompt; tags are the prompt's now, as
 *     in the raw definition). With either filter groupBy=day reads the single days' rows of rollup_answers and
 *     rollup_entity, since rollup_days adds all providers and prompts together;</li>
 * <li>groupBy=model, with or without filters: answer_fact of the range (one row per counted answer, the model it
 *     was answered with) joined to mention, as rollups do not keep the model; this reads every counted answer of
 *     the range;</li>
 * <li>a run (its report, grouped by provider; its headline, all together): when the run is the only one of its day
 *     with counted answers, that day's rollups as for a range of that day (per provider: the day's rows as they
 *     are), else, and for groupBy=model, the run's answer facts;</li>
 * <li>cited domains: rollup_domains for a range of dates; a run or a provider or tag filter from answer_fact
 *     joined to citation.</li>
 * </ul>
 * {@link AnswerStates} reads the same rows for the refusal counts (kept in rollup_answers, rollup_days and
 * answer_fact, sql/V12).
 *
 * <p>Every group is first added up per prompt, the unit of the visibility interval ({@link PromptInterval}), then
 * per group. One statement per shape, so no prepared statement trades its plan for a generic one that fits another
 * shape.
 */
public final class MetricsRepository {

    /** The groupBy values besides none (one group "all"). */
    public static final Set<String> GROUP_BY = Set.of("day", "provider", "prompt", "tag", "model");

    /**
     * Per group x prompt into per group x entity; needs CTEs ans(key, prompt_id, m, credits, cited) and ent(key,
     * prompt_id, entity_id, y, ...). The answers' side and the entities' side are added up apart and joined last, so
     * only the prompts that mention an entity are visited for it.
     */
    private static final String PER_GROUP = """
            g AS (
                SELECT key, count(*) AS prompts, sum(m) AS n, sum(m * m) AS sum_m2, sum(credits) AS credits,
                       sum(cited) AS cited
                  FROM ans GROUP BY key),
            ge AS (
                SELECT x.key, x.entity_id, sum(x.y) AS mentioned, sum(x.y::numeric * x.y / a.m) AS sum_y2_m,
                       sum(x.rank_sum) AS rank_sum, sum(x.rank_count) AS ranked, sum(x.order_sum) AS order_sum,
                       sum(x.order_count) AS ordered, sum(x.sentiment_sum) AS sentiment_sum,
                       sum(x.sentiment_count) AS scored, sum(x.citing) AS cites_entity
                  FROM ent x JOIN ans a ON a.key = x.key AND a.prompt_id = x.prompt_id
                 GROUP BY x.key, x.entity_id)
            SELECT g.key, e.id AS entity_id, e.name, e.kind, g.prompts, g.n, g.sum_m2, g.credits, g.cited,
                   coalesce(ge.mentioned, 0) AS mentioned, coalesce(ge.sum_y2_m, 0) AS sum_y2_m,
                   coalesce(ge.rank_sum, 0) AS rank_sum, coalesce(ge.ranked, 0) AS ranked,
                   coalesce(ge.order_sum, 0) AS order_sum, coalesce(ge.ordered, 0) AS ordered,
                   coalesce(ge.sentiment_sum, 0) AS sentiment_sum, coalesce(ge.scored, 0) AS scored,
                   coalesce(ge.cites_entity, 0) AS cites_entity
              FROM g
              JOIN entity e ON e.id = ANY (?::bigint[])
              LEFT JOIN ge ON ge.key = g.key AND ge.entity_id = e.id""";

    /**
     * The periods to read (u: span, period start, sign: added or taken away), and for each, {@code last_provider}:
     * the last provider name whose rows an all-providers read takes ({@link #ALL_PROVIDERS}). Single days hold
     * provider rows only, read whole (chr(1114111), the largest code point, sorts after every name; the database is
     * UTF8, {@code Database} refuses others); blocks of 8 and 64 days hold an all-providers row (provider '') beside
     * them, read alone. A key column's range, so the index skips the blocks' provider rows without reading them.
     */
    static final String PERIODS = """
            WITH u AS (SELECT u.span, u.period, u.sign,
                              CASE WHEN u.span = 1 THEN chr(1114111) ELSE '' END COLLATE "C" AS last_provider
                         FROM unnest(?::int[], ?::date[], ?::int[]) AS u(span, period, sign))""";

    /**
     * Rollup rows of the given periods ({@link #PERIODS}); base: provider, day or '' (all); rows: which providers'
     * rows, then the prompts of a tag filter (see {@link #rollupRows}).
     */
    private static final String ROLLUP_PERIODS = PERIODS + """
            ,
            pa AS (
                SELECT {base} AS base, r.prompt_id, sum(u.sign * r.answers) AS m, sum(u.sign * r.credits) AS credits,
                       sum(u.sign * r.cited) AS cited
                  FROM u JOIN rollup_answers r ON r.workspace_id = ? AND r.period = u.period AND r.span = u.span{rows}
                 GROUP BY 1, 2
                HAVING sum(u.sign * r.answers) <> 0),
            pe AS (
                SELECT {base} AS base, r.prompt_id, r.entity_id, sum(u.sign * r.mentioned) AS y,
                       sum(u.sign * r.rank_sum) AS rank_sum, sum(u.sign * r.rank_count) AS rank_count,
                       sum(u.sign * r.order_sum) AS order_sum, sum(u.sign * r.order_count) AS order_count,
                       sum(u.sign * r.sentiment_sum) AS sentiment_sum,
                       sum(u.sign * r.sentiment_count) AS sentiment_count, sum(u.sign * r.citing) AS citing
                  FROM u JOIN rollup_entity r ON r.workspace_id = ? AND r.period = u.period AND r.span = u.span
                                             AND r.entity_id = ANY (?::bigint[]){rows}
                 GROUP BY 1, 2, 3),""";

    /** One group per day: the per-day sums kept in rollup_days (prompts and interval sums included). */
    private static final String DAYS = """
            SELECT d.day::text AS key, e.id AS entity_id, e.name, e.kind, d.prompts, d.n, d.sum_m2, d.credits,
                   d.cited, coalesce(x.mentioned, 0) AS mentioned, coalesce(x.sum_y2_m, 0) AS sum_y2_m,
                   coalesce(x.rank_sum, 0) AS rank_sum, coalesce(x.rank_count, 0) AS ranked,
                   coalesce(x.order_sum, 0) AS order_sum, coalesce(x.order_count, 0) AS ordered,
                   coalesce(x.sentiment_sum, 0) AS sentiment_sum, coalesce(x.sentiment_count, 0) AS scored,
                   coalesce(x.citing, 0) AS cites_entity
              FROM rollup_days d
              JOIN entity e ON e.id = ANY (?::bigint[])
              LEFT JOIN rollup_days x ON x.workspace_id = d.workspace_id AND x.day = d.day AND x.entity_id = e.id
             WHERE d.workspace_id = ? AND d.entity_id = 0 AND d.day BETWEEN ? AND ?""";

    /**
     * Answer facts ({where}, on answer_fact a, see {@link #factRows}) per base x prompt (pa) and per base x prompt x
     * entity (pe): the entities' side from their mention rows and the facts' cited owners; base: {base}, on a. What
     * a run reads when other runs of the workspace counted answers on the same day (else the day's rollups are the
     * run's, see {@link #SOLE_RUN_OF_DAY}), and groupBy=model.
     */
    private static final String FACTS = """
            WITH f AS MATERIALIZED (
                SELECT a.response_id, {base} AS base, a.prompt_id, a.credits, a.cited, a.cited_owners
                  FROM answer_fact a WHERE {where}),
            pa AS (
                SELECT f.base, f.prompt_id, count(*) AS m, sum(f.credits) AS credits,
                       count(*) FILTER (WHERE f.cited) AS cited
                  FROM f GROUP BY 1, 2),
            me AS (
                SELECT f.base, f.prompt_id, m.entity_id, count(*) AS y,
                       coalesce(sum(m.list_rank), 0) AS rank_sum, count(m.list_rank) AS rank_count,
                       coalesce(sum(m.mention_order), 0) AS order_sum, count(m.mention_order) AS order_count,
                       coalesce(sum(({sentiment})::numeric), 0) AS sentiment_sum,
                       count({sentiment}) AS sentiment_count
                  FROM f JOIN mention m ON m.response_id = f.response_id AND m.mentioned
                                       AND m.entity_id = ANY (?::bigint[]){sentimentJoin}
                 GROUP BY 1, 2, 3),
            ci AS (
                SELECT f.base, f.prompt_id, o.entity_id, count(*) AS citing
                  FROM f CROSS JOIN LATERAL unnest(f.cited_owners) AS o(entity_id)
                 WHERE o.entity_id = ANY (?::bigint[])
                 GROUP BY 1, 2, 3),
            pe AS MATERIALIZED (
                SELECT base, prompt_id, entity_id, coalesce(me.y, 0) AS y, coalesce(me.rank_sum, 0) AS rank_sum,
                       coalesce(me.rank_count, 0) AS rank_count, coalesce(me.order_sum, 0) AS order_sum,
                       coalesce(me.order_count, 0) AS order_count, coalesce(me.sentiment_sum, 0) AS sentiment_sum,
                       coalesce(me.sentiment_count, 0) AS sentiment_count, coalesce(ci.citing, 0) AS citing
                  FROM me FULL JOIN ci USING (base, prompt_id, entity_id)),""";

    /** One day's per-provider rows as they are: the report of the day's only run. */
    private static final String DAY_BY_PROVIDER = """
            WITH ans AS (
                SELECT r.provider AS key, r.prompt_id, r.answers AS m, r.credits, r.cited
                  FROM rollup_answers r
                 WHERE r.workspace_id = ? AND r.period = ? AND r.span = 1),
            ent AS (
                SELECT r.provider AS key, r.prompt_id, r.entity_id, r.mentioned AS y, r.rank_sum, r.rank_count,
                       r.order_sum, r.order_count, r.sentiment_sum, r.sentiment_count, r.citing
                  FROM rollup_entity r
                 WHERE r.workspace_id = ? AND r.entity_id = ANY (?::bigint[]) AND r.period = ? AND r.span = 1),
            """ + PER_GROUP;

    /**
     * The run's date, and whether it is the only run of its workspace with counted answers that day: then the day's
     * per-provider rollups are exactly the run's numbers (the usual case, one run a day).
     */
    private static final String SOLE_RUN_OF_DAY = """
            SELECT r.run_date,
                   NOT EXISTS (SELECT 1 FROM run o
                                WHERE o.workspace_id = r.workspace_id AND o.run_date = r.run_date AND o.id <> r.id
                                  AND EXISTS (SELECT 1 FROM answer_fact f WHERE f.run_id = o.id)) AS sole
              FROM run r WHERE r.id = ?""";

    /** From per base x prompt (pa, pe) to per key x prompt (ans, ent): the grouping itself. */
    private static final String BY_BASE = """
            ans AS (SELECT base AS key, prompt_id, m, credits, cited FROM pa),
            ent AS (SELECT base AS key, pe.* FROM pe),
            """;
    private static final String BY_ALL = """
            ans AS (SELECT 'all' AS key, prompt_id, m, credits, cited FROM pa),
            ent AS (SELECT 'all' AS key, pe.* FROM pe),
            """;
    private static final String BY_PROMPT = """
            ans AS (SELECT prompt_id::text AS key, prompt_id, m, credits, cited FROM pa),
            ent AS (SELECT prompt_id::text AS key, pe.* FROM pe),
            """;
    /** An answer counts in each distinct tag of its prompt; prompts without tags are in no group. */
    private static final String BY_TAG = """
            tags AS (SELECT DISTINCT p.id AS prompt_id, t.tag
                       FROM prompt p CROSS JOIN LATERAL unnest(p.tags) AS t(tag)
                      WHERE p.id IN (SELECT prompt_id FROM pa)),
            ans AS (SELECT t.tag AS key, pa.prompt_id, m, credits, cited FROM pa JOIN tags t USING (prompt_id)),
            ent AS (SELECT t.tag AS key, pe.* FROM pe JOIN tags t USING (prompt_id)),
            """;

    /** Rollup rows ({@code r}) of one provider. Parameter: the provider. */
    private static final String ONE_PROVIDER = " AND r.provider = ?::text";
    /** Rollup rows ({@code r}) of every provider, one by one: never the blocks' all-providers rows. */
    private static final String EACH_PROVIDER = " AND r.provider > ''";
    /**
     * Rollup rows ({@code r}) of all providers together: the single days' provider rows and the blocks'
     * all-providers rows (see {@link #PERIODS}).
     */
    private static final String ALL_PROVIDERS = " AND r.provider <= u.last_provider";
    /** Rollup rows ({@code r}) of the prompts tagged with the filter's tag. Parameter: the tag. */
    private static final String TAGGED_PROMPTS =
            " AND r.prompt_id IN (SELECT p.id FROM prompt p WHERE ?::text = ANY (p.tags))";
    /** Answer facts ({@code a}) of a range of dates of a workspace. Parameters: workspace, from, to. */
    private static final String FACTS_OF_DATES = "a.workspace_id = ? AND a.run_date BETWEEN ? AND ?";
    /** Answer facts ({@code a}) of a run. Parameter: the run. */
    private static final String FACTS_OF_RUN = "a.run_id = ?";
    private static final String FACTS_OF_PROVIDER = " AND a.provider = ?::text";
    private static final String FACTS_OF_TAG =
            " AND a.prompt_id IN (SELECT p.id FROM prompt p WHERE ?::text = ANY (p.tags))";

    /** groupBy=model: the model the answer was served with (else the one asked for), '' when neither is known. */
    private static final String MODEL = "coalesce(a.model, '')";

    private static String rollup(String base, String rows, String grouping) {
        return ROLLUP_PERIODS.replace("{base}", base).replace("{rows}", rows) + grouping + PER_GROUP;
    }

    /** Where sentiment comes from: the analyzer's, or the judge's with the analyzer's as fallback. */
    public enum SentimentSource { ANALYZER, JUDGE }

    /**
     * The LLM judge's sentiment ({@code sightline.analysis.judge}) where it judged the answer, the analyzer's where it
     * did not (no judge, its call failed, its reply did not parse); read from the answer facts, as the rollups keep
     * the analyzer's.
     */
    private static final String JUDGED = "coalesce(js.sentiment_score, m.sentiment_score)";
    private static final String JUDGED_JOIN = """

                  LEFT JOIN judged_sentiment js ON js.response_id = m.response_id AND js.entity_id = m.entity_id""";

    /** The statement over the scope's answer facts ({@link #factRows}) grouped by groupBy. */
    private static String facts(Scope scope, String groupBy) {
        return facts(scope, groupBy, SentimentSource.ANALYZER);
    }

    private static String facts(Scope scope, String groupBy, SentimentSource source) {
        String base = groupBy == null ? "'all'" : switch (groupBy) {
            case "provider" -> "a.provider";
            case "model" -> MODEL;
            case "day" -> "a.run_date::text";
            case "prompt" -> "a.prompt_id::text";
            default -> "''";
        };
        boolean judge = source == SentimentSource.JUDGE;
        return FACTS.replace("{base}", base).replace("{where}", factRows(scope))
                .replace("{sentiment}", judge ? JUDGED : "m.sentiment_score")
                .replace("{sentimentJoin}", judge ? JUDGED_JOIN : "")
                + ("tag".equals(groupBy) ? BY_TAG : BY_BASE) + PER_GROUP;
    }

    /**
     * For a metrics statement: memory to hash in, a plan for its parameters every time (a cached generic plan cannot
     * know how many periods it reads), and hash aggregation rather than sorting: the planner cannot see how many
     * rollup rows each period holds (joined from unnest), guesses a few thousand where a ragged year reads hundreds
     * of thousands, and sorts them to group (a ragged year by provider: 0.51 s instead of 0.88 s on a busy machine).
     */
    private static final String READ_SETTINGS = """
            SELECT set_config('work_mem', '64MB', true), set_config('plan_cache_mode', 'force_custom_plan', true),
                   set_config('enable_sort', 'off', true)""";

    /** The first and last day the workspace has counted answers on, and the last day of its closed blocks. */
    private static final String DAY_BOUNDS = """
            SELECT (SELECT min(period) FROM rollup_answers WHERE workspace_id = ? AND span = 1) AS first,
                   (SELECT max(period) FROM rollup_answers WHERE workspace_id = ? AND span = 1) AS last,
                   (SELECT through FROM rollup_closed WHERE workspace_id = ?) AS closed""";

    private static final String CITED_DOMAINS = """
            WITH u AS (SELECT * FROM unnest(?::int[], ?::date[], ?::int[]) AS u(span, period, sign))
            SELECT r.domain, r.owner, e.name AS owner_name, sum(u.sign * r.citations) AS citations,
                   sum(u.sign * r.answers) AS answers
              FROM u JOIN rollup_domains r ON r.workspace_id = ? AND r.span = u.span AND r.period = u.period
              LEFT JOIN entity e ON e.id = nullif(r.entity_id, 0)
             GROUP BY r.domain, r.owner, e.name
            HAVING sum(u.sign * r.citations) <> 0
             ORDER BY citations DESC, answers DESC, r.domain, r.owner
             LIMIT ?""";
    /** The cited domains of a run's or a filtered scope's answer facts ({where}, on answer_fact a). */
    private static final String CITED_DOMAINS_OF_FACTS = """
            SELECT t.domain, t.owner, e.name AS owner_name, count(*) AS citations,
                   count(DISTINCT t.response_id) AS answers
              FROM answer_fact a
              JOIN citation t ON t.response_id = a.response_id AND t.domain <> ''
              LEFT JOIN entity e ON e.id = t.entity_id
             WHERE {where}
             GROUP BY t.domain, t.owner, e.name
             ORDER BY citations DESC, answers DESC, t.domain, t.owner
             LIMIT ?""";
    private static final String PROMPT_TEXTS = "SELECT id, text FROM prompt WHERE id = ANY (?::bigint[])";

    private static final String ENTITY_BY_NAME = """
            SELECT id, name, kind FROM entity
             WHERE workspace_id = ? AND lower(name) = lower(?)
             ORDER BY active DESC, id DESC
             LIMIT 1""";
    private static final String BRAND = """
            SELECT id, name, kind FROM entity WHERE workspace_id = ? AND kind = 'brand' AND active""";
    /** The active entities, and inactive ones the run's counted analyses still refer to; brand first. */
    private static final String ENTITIES_OF_RUN = """
            SELECT e.id, e.name, e.kind FROM entity e
             WHERE e.workspace_id = ?
               AND (e.active OR EXISTS (SELECT 1 FROM answer_fact f
                                          JOIN mention m ON m.response_id = f.response_id AND m.entity_id = e.id
                                         WHERE f.run_id = ?))
             ORDER BY e.kind = 'brand' DESC, e.id""";
    /** The latest earlier completed run of the workspace that asked exactly the same providers. */
    private static final String COMPARABLE_RUN = """
            SELECT id FROM run
             WHERE workspace_id = ? AND id < ? AND status = 'completed'
               AND providers @> ?::text[] AND providers <@ ?::text[]
             ORDER BY id DESC LIMIT 1""";

    private final Jdbc jdbc;

    public MetricsRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stats per group (null groupBy: one group "all") for each of the entities, sorted by group (prompts by id)
     * and then in the order the entities were given. Groups without counted answers are absent. A run's report
     * groups its scope by provider.
     */
    public List<EntityStats> stats(Scope scope, String groupBy, List<EntityRef> entities) {
        return stats(scope, groupBy, entities, SentimentSource.ANALYZER);
    }

    /** {@link #stats(Scope, String, List)} with the sentiment of {@code source}. */
    public List<EntityStats> stats(Scope scope, String groupBy, List<EntityRef> entities, SentimentSource source) {
        if (groupBy != null && !GROUP_BY.contains(groupBy)) {
            throw new IllegalArgumentException("groupBy " + groupBy);
        }
        if (entities.isEmpty()) {
            return List.of();
        }
        List<Long> ids = entities.stream().map(EntityRef::id).toList();
        List<EntityStats> rows = new ArrayList<>(source == SentimentSource.JUDGE ? judged(scope, groupBy, ids)
                : query(scope, groupBy, ids));
        if ("prompt".equals(groupBy) && !rows.isEmpty()) {
            Map<Long, String> texts = new HashMap<>();
            jdbc.query(PROMPT_TEXTS, rs -> texts.put(rs.getLong(1), rs.getString(2)),
                    rows.stream().map(r -> Long.parseLong(r.key())).distinct().toList());
            rows.replaceAll(r -> new EntityStats(r.key(), texts.get(Long.parseLong(r.key())), r.entity(), r.n(),
                    r.prompts(), r.sumSquaredSizes(), r.mentioned(), r.sumSquaredHits(), r.credits(), r.cited(),
                    r.citesEntity(), r.ranked(), r.rankSum(), r.ordered(), r.orderSum(), r.scored(),
                    r.sentimentSum()));
        }
        rows.sort((a, b) -> {
            int c = "prompt".equals(groupBy) ? Long.compare(Long.parseLong(a.key()), Long.parseLong(b.key()))
                    : a.key().compareTo(b.key());
            return c != 0 ? c : Integer.compare(ids.indexOf(a.entity().id()), ids.indexOf(b.entity().id()));
        });
        return rows;
    }

    private List<EntityStats> query(Scope scope, String groupBy, List<Long> ids) {
        if (scope.runId() != null) {
            if (!filtered(scope) && !"model".equals(groupBy)) {
                Object[] day = jdbc.queryOne(SOLE_RUN_OF_DAY, rs -> new Object[] {rs.getObject(1, LocalDate.class),
                        rs.getBoolean(2)}, scope.runId()).orElse(null);
                if (day != null && (Boolean) day[1]) {
                    LocalDate d = (LocalDate) day[0];
                    if ("provider".equals(groupBy)) {
                        return read(DAY_BY_PROVIDER, scope.workspaceId(), d, scope.workspaceId(), ids, d, ids);
                    }
                    return rollups(Scope.dates(scope.workspaceId(), d, d), groupBy, ids, d, d, null);
                }
            }
            return read(facts(scope, groupBy), factParams(scope, null, ids, ids, ids));
        }
        Optional<DayRange> range = range(jdbc, scope);
        if (range.isEmpty()) {
            return List.of();
        }
        if ("model".equals(groupBy)) {
            return read(facts(scope, groupBy), factParams(scope, range.get(), ids, ids, ids));
        }
        DayRange r = range.get();
        return rollups(scope, groupBy, ids, r.from(), r.to(), r.closed());
    }

    /** With the judge's sentiment: always from the answer facts (the rollups add up the analyzer's). */
    private List<EntityStats> judged(Scope scope, String groupBy, List<Long> ids) {
        if (scope.runId() != null) {
            return read(facts(scope, groupBy, SentimentSource.JUDGE), factParams(scope, null, ids, ids, ids));
        }
        Optional<DayRange> range = range(jdbc, scope);
        if (range.isEmpty()) {
            return List.of();
        }
        return read(facts(scope, groupBy, SentimentSource.JUDGE), factParams(scope, range.get(), ids, ids, ids));
    }

    /**
     * A date scope's stats from the rollups of the days from..to (any groupBy but model), with blocks of days closed
     * through {@code closed} (null: single days only).
     */
    private List<EntityStats> rollups(Scope scope, String groupBy, List<Long> ids, LocalDate from, LocalDate to,
                                      LocalDate closed) {
        if ("day".equals(groupBy) && !filtered(scope)) {
            return read(DAYS, ids, scope.workspaceId(), from, to);
        }
        String sql = groupBy == null ? rollup("''", rollupRows(scope, null), BY_ALL) : switch (groupBy) {
            case "provider" -> rollup("r.provider", rollupRows(scope, groupBy), BY_BASE);
            case "prompt" -> rollup("''", rollupRows(scope, groupBy), BY_PROMPT);
            case "day" -> rollup("r.period::text", rollupRows(scope, groupBy), BY_BASE);
            default -> rollup("''", rollupRows(scope, groupBy), BY_TAG);
        };
        Periods p = periods(groupBy, from, to, closed);
        List<Object> params = new ArrayList<>(List.of(p.spans(), p.starts(), p.signs(), scope.workspaceId()));
        params.addAll(filterParams(scope));
        params.addAll(List.of(scope.workspaceId(), ids));
        params.addAll(filterParams(scope));
        params.add(ids);
        return read(sql, params.toArray());
    }

    /** A metrics statement, planned as {@link #READ_SETTINGS} says. */
    private List<EntityStats> read(String sql, Object... params) {
        return read(jdbc, sql, MetricsRepository::stats, params);
    }

    /** A metrics statement, read as {@link #read(String, Object...)} describes. */
    static <T> List<T> read(Jdbc jdbc, String sql, Jdbc.RowMapper<T> mapper, Object... params) {
        return jdbc.inTransaction(c -> {
            Jdbc.queryOne(c, READ_SETTINGS, rs -> 0);
            return Jdbc.query(c, sql, mapper, params);
        });
    }

    /** Whether the scope keeps only some providers' or prompts' answers: then no per-day total fits it. */
    static boolean filtered(Scope scope) {
        return scope.provider() != null || scope.tag() != null;
    }

    /**
     * Which rollup rows ({@code r}) of its periods ({@code u}, {@link #PERIODS}) a date scope reads, conditions to
     * follow the period's: all providers together, each provider's (groupBy=provider), or the filter's provider's;
     * then only the filter's tag's prompts. Parameters: {@link #filterParams}.
     */
    static String rollupRows(Scope scope, String groupBy) {
        String providers = scope.provider() != null ? ONE_PROVIDER
                : "provider".equals(groupBy) ? EACH_PROVIDER : ALL_PROVIDERS;
        return scope.tag() != null ? providers + TAGGED_PROMPTS : providers;
    }

    /**
     * Which answer facts ({@code a}) a scope reads: a run's, or a range of dates' of the workspace; then only the
     * filter's provider's and tag's. Parameters: {@link #factParams}.
     */
    static String factRows(Scope scope) {
        return (scope.runId() != null ? FACTS_OF_RUN : FACTS_OF_DATES)
                + (scope.provider() != null ? FACTS_OF_PROVIDER : "") + (scope.tag() != null ? FACTS_OF_TAG : "");
    }

    /** The filter's provider and tag, those that are set, in the order {@link #rollupRows} uses them. */
    static List<Object> filterParams(Scope scope) {
        List<Object> p = new ArrayList<>();
        if (scope.provider() != null) {
            p.add(scope.provider());
        }
        if (scope.tag() != null) {
            p.add(scope.tag());
        }
        return p;
    }

    /** The parameters of {@link #factRows} (range: the dates of a date scope), then more. */
    static Object[] factParams(Scope scope, DayRange range, Object... more) {
        List<Object> p = new ArrayList<>();
        if (scope.runId() != null) {
            p.add(scope.runId());
        } else {
            p.addAll(List.of(scope.workspaceId(), range.from(), range.to()));
        }
        p.addAll(filterParams(scope));
        p.addAll(List.of(more));
        return p.toArray();
    }

    /**
     * The rollup periods a date range is read as: single days for groupBy=day, else the fewest periods with blocks
     * closed through {@code closed}.
     */
    static Periods periods(String groupBy, LocalDate from, LocalDate to, LocalDate closed) {
        return "day".equals(groupBy) ? Periods.days(from, to) : Periods.cover(from, to, closed);
    }

    /**
     * A date scope's days as read: {@code from} to {@code to}, and {@code closed}, the last day of the workspace's
     * closed 8-day rollup blocks (null: none).
     */
    record DayRange(LocalDate from, LocalDate to, LocalDate closed) {
    }

    /**
     * The scope's dates clipped to the days the workspace has answers on, with the last day of its closed 8-day
     * rollup blocks; empty when nothing is left.
     */
    static Optional<DayRange> range(Jdbc jdbc, Scope scope) {
        // the days the workspace has answers on, and its closed day
        DayRange known = jdbc.queryOne(DAY_BOUNDS, rs -> new DayRange(rs.getObject("first", LocalDate.class),
                rs.getObject("last", LocalDate.class), rs.getObject("closed", LocalDate.class)), scope.workspaceId(),
                scope.workspaceId(), scope.workspaceId()).orElseThrow();
        if (known.from() == null) {
            return Optional.empty();
        }
        if ((scope.from() != null && scope.from().isAfter(known.to()))
                || (scope.to() != null && scope.to().isBefore(known.from()))
                || (scope.from() != null && scope.to() != null && scope.from().isAfter(scope.to()))) {
            return Optional.empty();
        }
        // an open end reaches out to the edge of the largest period: no day lies beyond the history, so the range
        // means the same and is read as whole periods (all history: a few 64-day blocks, no edge days)
        LocalDate from = scope.from() == null || !scope.from().isAfter(known.from())
                ? Periods.largestStart(known.from()) : scope.from();
        LocalDate to = scope.to() == null || !scope.to().isBefore(known.to()) ? Periods.largestEnd(known.to())
                : scope.to();
        return Optional.of(new DayRange(from, to, known.closed()));
    }

    /**
     * The most cited domains of the scope's counted answers: from rollup_domains for a range of dates, from the
     * answer facts of a run or of a provider or tag filter.
     */
    public List<DomainCount> citedDomains(Scope scope, int limit) {
        Jdbc.RowMapper<DomainCount> domain = rs -> new DomainCount(rs.getString("domain"), rs.getString("owner"),
                rs.getString("owner_name"), rs.getLong("citations"), rs.getLong("answers"));
        if (scope.runId() != null) {
            return read(jdbc, CITED_DOMAINS_OF_FACTS.replace("{where}", factRows(scope)), domain,
                    factParams(scope, null, limit));
        }
        Optional<DayRange> range = range(jdbc, scope);
        if (range.isEmpty()) {
            return List.of();
        }
        if (filtered(scope)) {
            return read(jdbc, CITED_DOMAINS_OF_FACTS.replace("{where}", factRows(scope)), domain,
                    factParams(scope, range.get(), limit));
        }
        // rollup_domains keeps every block: read as the other rollups are
        Periods p = Periods.cover(range.get().from(), range.get().to(), range.get().closed());
        return read(jdbc, CITED_DOMAINS, domain, p.spans(), p.starts(), p.signs(), scope.workspaceId(), limit);
    }

    /** An entity of the workspace by name, case-insensitively; the active one when an old one has the name too. */
    public Optional<EntityRef> entity(long workspaceId, String name) {
        return jdbc.queryOne(ENTITY_BY_NAME, MetricsRepository::entityRef, workspaceId, name);
    }

    /** The workspace's active brand. */
    public Optional<EntityRef> brand(long workspaceId) {
        return jdbc.queryOne(BRAND, MetricsRepository::entityRef, workspaceId);
    }

    /** The active entities and the inactive ones the run's counted answers mention; brand first. */
    public List<EntityRef> entitiesOfRun(long workspaceId, long runId) {
        return jdbc.query(ENTITIES_OF_RUN, MetricsRepository::entityRef, workspaceId, runId);
    }

    /** The latest earlier completed run of the workspace that asked exactly these providers. */
    public Optional<Long> comparableRunId(long workspaceId, long runId, List<String> providers) {
        return jdbc.queryOne(COMPARABLE_RUN, rs -> rs.getLong(1), workspaceId, runId, providers, providers);
    }

    private static EntityStats stats(ResultSet rs) throws SQLException {
        String key = rs.getString("key");
        return new EntityStats(key, key, entityRef(rs.getLong("entity_id"), rs.getString("name"),
                rs.getString("kind")), rs.getLong("n"), rs.getLong("prompts"), rs.getLong("sum_m2"),
                rs.getLong("mentioned"), rs.getBigDecimal("sum_y2_m"), rs.getLong("credits"), rs.getLong("cited"),
                rs.getLong("cites_entity"), rs.getLong("ranked"), rs.getLong("rank_sum"), rs.getLong("ordered"),
                rs.getLong("order_sum"), rs.getLong("scored"), rs.getBigDecimal("sentiment_sum"));
    }

    private static EntityRef entityRef(ResultSet rs) throws SQLException {
        return entityRef(rs.getLong("id"), rs.getString("name"), rs.getString("kind"));
    }

    private static EntityRef entityRef(long id, String name, String kind) {
        return new EntityRef(id, name, kind.toLowerCase(Locale.ROOT));
    }

}
