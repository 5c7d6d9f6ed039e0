package dev.sightline.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sightline.simulator.FaultProfile;
import dev.sightline.simulator.Simulator;
import dev.sightline.store.Jdbc;
import dev.sightline.testing.HistoryCopy;
import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;
import dev.sightline.values.Scope;

/**
 * Numbers do not change with the rollups: every metric (each groupBy, several ranges, every entity, with and without
 * the provider and tag filters), the refused and empty answers per group, each run's report and the cited domains
 * are computed from the raw rows by the definitions of the README and compared with what the API's repositories
 * read from the rollups and answer facts: sums and counts equal exactly (sentiment sums are numeric, so any grouping
 * adds up to the same value). History: a real sampled run (anthropic refusing a third of the time), copied to days
 * that exercise the 8- and 64-day periods, some of the copies with a failed analysis or found empty, a run at a
 * provider that changed its model, and a cancelled run; then again after the workspace lost a competitor and
 * everything was re-analysed; and the rollups kept incrementally equal a rebuild. The copies are recorded after
 * the newest day, so their 8-day blocks are written as closed ones; the rebuild records the runs by date, closing
 * each 8-day block by adding up its days (sql/V18), and must give the same rows.
 */
class RollupEquivalenceTest {

    static final String HEAD = """
            workspace: {slug: rollups, name: Rollups, category: CRM software}
            brand: {name: Pipedrive, aliases: [Pipedrive CRM], domains: [pipedrive.com]}
            """;
    static final String PROMPTS = """
            prompts:
              - text: What is the best CRM for a 10-person startup?
                tags: [topic:crm, stage:consideration]
              - text: Best CRM for small businesses with a tight budget?
                tags: [topic:pricing]
              - text: Which CRM has the best visual sales pipeline?
                tags: [topic:pipeline, topic:crm]
              - text: What are the top-rated CRMs on G2 this year?
              - text: Which CRM is better for inside sales, Close or Pipedrive?
                tags: [topic:comparison]
            """;
    /** The groups of each counted answer, by the groupBy parameter. */
    static final String GROUPS = """
            , grouped AS (
                SELECT g.key, a.* FROM counted a
                 CROSS JOIN LATERAL unnest(CASE ?::text
                       WHEN 'tag' THEN ARRAY(SELECT DISTINCT x FROM unnest(a.tags) AS x)
                       WHEN 'day' THEN ARRAY[a.run_date::text]
                       WHEN 'provider' THEN ARRAY[a.provider]
                       WHEN 'prompt' THEN ARRAY[a.prompt_id::text]
                       WHEN 'model' THEN ARRAY[a.model]
                       ELSE ARRAY['all'] END) AS g(key))""";
    static final String GROUPED = GROUPS + """
            ,
            scored AS (
                SELECT g.key, g.prompt_id, g.response_id,
                       (SELECT count(*) FROM mention k WHERE k.response_id = g.response_id AND k.mentioned) AS credits,
                       EXISTS (SELECT 1 FROM citation t WHERE t.response_id = g.response_id) AS cited,
                       m.response_id IS NOT NULL AS mentioned, m.list_rank, m.mention_order, m.sentiment_score,
                       EXISTS (SELECT 1 FROM citation t WHERE t.response_id = g.response_id AND t.entity_id = ?)
                         AS cites_entity
                  FROM grouped g
                  LEFT JOIN mention m ON m.response_id = g.response_id AND m.entity_id = ? AND m.mentioned),
            per_prompt AS (
                SELECT key, prompt_id, count(*) AS m, sum(credits) AS credits, count(*) FILTER (WHERE cited) AS cited,
                       count(*) FILTER (WHERE mentioned) AS y, coalesce(sum(list_rank), 0) AS rank_sum,
                       count(list_rank) AS ranked, coalesce(sum(mention_order), 0) AS order_sum,
                       count(mention_order) AS ordered, coalesce(sum(sentiment_score::numeric), 0) AS sentiment_sum,
                       count(sentiment_score) AS scored, count(*) FILTER (WHERE cites_entity) AS cites_entity
                  FROM scored GROUP BY key, prompt_id)
            SELECT key, count(*) AS prompts, sum(m) AS n, sum(m * m) AS sum_m2, sum(credits) AS credits,
                   sum(cited) AS cited, sum(y) AS mentioned, sum(y::numeric * y / m) AS sum_y2_m,
                   sum(rank_sum) AS rank_sum, sum(ranked) AS ranked, sum(order_sum) AS order_sum,
                   sum(ordered) AS ordered, sum(sentiment_sum) AS sentiment_sum, sum(scored) AS scored,
                   sum(cites_entity) AS cites_entity
              FROM per_prompt GROUP BY key""";
    /**
     * Counted answers, as the README defines them: succeeded cells whose analysis has no error; of one provider and
     * of the prompts with one tag when those parameters are not null (the filters of /api/metrics).
     */
    static final String COUNTED = """
            WITH counted AS (
                SELECT s.id AS response_id, r.run_date, c.provider, c.prompt_id, p.tags,
                       coalesce(s.model_served, s.model_requested, '') AS model, an.answer_state
                  FROM run r
                  JOIN cell c ON c.run_id = r.id AND c.status = 'succeeded'
                  JOIN response s ON s.cell_id = c.id
                  JOIN prompt p ON p.id = c.prompt_id
                  JOIN analysis an ON an.response_id = s.id AND an.error IS NULL
                 WHERE r.workspace_id = ? AND r.run_date BETWEEN ? AND ? {run}
                   AND (?::text IS NULL OR c.provider = ?::text) AND (?::text IS NULL OR ?::text = ANY (p.tags)))""";
    static final String RAW_STATS = COUNTED.replace("{run}", "") + GROUPED;
    static final String RAW_RUN_STATS = COUNTED.replace("{run}", "AND r.id = ?") + GROUPED;
    static final String STATES = GROUPS + """

            SELECT key, count(*) AS n, count(*) FILTER (WHERE answer_state = 'refused') AS refused,
                   count(*) FILTER (WHERE answer_state = 'empty') AS empty
              FROM grouped GROUP BY key""";
    static final String RAW_STATES = COUNTED.replace("{run}", "") + STATES;
    static final String RAW_RUN_STATES = COUNTED.replace("{run}", "AND r.id = ?") + STATES;
    static final String DOMAINS = """
            SELECT t.domain, t.owner, e.name AS owner_name, count(*) AS citations,
                   count(DISTINCT t.response_id) AS answers
              FROM citation t JOIN counted a ON a.response_id = t.response_id
              LEFT JOIN entity e ON e.id = t.entity_id
             WHERE t.domain <> ''
             GROUP BY t.domain, t.owner, e.name""";
    static final String RAW_DOMAINS = COUNTED.replace("{run}", "") + DOMAINS;
    static final String RAW_RUN_DOMAINS = COUNTED.replace("{run}", "AND r.id = ?") + DOMAINS;
    /**
     * Filters compared (provider, tag): none, a provider (the one that refuses), a tag, both, and a provider that
     * never answered.
     */
    static final String[][] FILTERS = {{null, null}, {"anthropic", null}, {null, "topic:crm"}, {"openai", "topic:crm"},
            {"nobody", null}};
    static final String NEW_MODEL = "gpt-4o-mini-2027-02-01";
    static final LocalDate MIN = LocalDate.of(1, 1, 1);
    static final LocalDate MAX = LocalDate.of(9999, 12, 31);

    @TempDir
    Path dir;

    @Test
    void everyMetricFromRollupsEqualsTheSameMetricFromRawRows() throws Exception {
        Path file = dir.resolve("workspace.yaml");
        Files.writeString(file, HEAD + """
                competitors:
                  - {name: HubSpot, aliases: [HubSpot CRM], domains: [hubspot.com]}
                  - {name: Salesforce, aliases: [Sales Cloud], domains: [salesforce.com]}
                  - {name: Attio, domains: [attio.com]}
                  - {name: Close, domains: [close.com]}
                """ + PROMPTS);
        String jdbcUrl = TestPostgres.newDatabase("rollup_equivalence");
        // anthropic declines a third of the time: refusals the analyzer finds (answer_state), counted per group
        Map<String, String> settings = Map.of("sightline.workspace.file", file.toString(),
                "sightline.simulator.latency-median", "150ms", "sightline.simulator.latency-p99", "150ms",
                "sightline.simulator.kinds.anthropic.rate-refusal", "0.3");
        LocalDate today;
        try (TestApp app = TestApp.start(jdbcUrl, settings, true)) {
            long sampled = app.startRun("{\"samples\": 3}");
            today = LocalDate.parse(app.awaitRun(sampled, Duration.ofSeconds(90)).get("runDate").asText());
            Jdbc jdbc = app.app().bean(Jdbc.class);
            // history: the sampled run copied to days on both sides of 8- and 64-day period boundaries
            List<LocalDate> days = List.of(today.minusDays(1), today.minusDays(9), today.minusDays(70),
                    today.minusDays(71), today.minusDays(200));
            List<Long> copied = HistoryCopy.copy(jdbc, List.of(sampled), days);
            // a few copied answers whose analysis failed: never counted
            jdbc.update("UPDATE analysis SET error = 'IllegalStateException: boom' WHERE response_id = ANY (?)",
                    copied.subList(0, 7));
            // a few copied answers without mentions or citations written as the analyzer writes an answer without
            // words (answer_state 'empty', before rollup_record, as the analysis route does); re-analysis below
            // finds their words again and moves them back
            assertThat(jdbc.update("""
                    UPDATE analysis SET answer_state = 'empty'
                     WHERE response_id IN (
                           SELECT x.id FROM unnest(?::bigint[]) AS x(id)
                            WHERE NOT EXISTS (SELECT 1 FROM mention m WHERE m.response_id = x.id AND m.mentioned)
                              AND NOT EXISTS (SELECT 1 FROM citation t WHERE t.response_id = x.id)
                            ORDER BY x.id LIMIT 6)""", copied.subList(7, copied.size()))).isPositive();
            for (int i = 0; i < copied.size(); i += 250) {
                List<Long> batch = copied.subList(i, Math.min(copied.size(), i + 250));
                jdbc.inTransaction(c -> Jdbc.update(c, "CALL rollup_record(?::bigint[])", batch));
            }
            // a second run today at one provider that now answers with another model (groupBy=model has two
            // groups for it; the day has two runs, so their reports read their facts)
            Simulator sim = app.app().bean(Simulator.class);
            FaultProfile usual = sim.faults("openai-chat");
            sim.setFaults("openai-chat", usual.withServedModel(NEW_MODEL));
            long swapped = app.startRun("{\"providers\": [\"openai\"], \"samples\": 1}");
            assertThat(app.awaitRun(swapped, Duration.ofSeconds(60)).get("status").asText()).isEqualTo("completed");
            sim.setFaults("openai-chat", usual);
            long cancelled = app.startRun("{\"samples\": 3}");
            assertThat(app.post("/api/runs/" + cancelled + "/cancel", null).status()).isEqualTo(202);
            assertThat(app.awaitRun(cancelled, Duration.ofSeconds(60)).get("status").asText())
                    .isEqualTo("cancelled");
            assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'cancelled'", cancelled))
                    .isPositive();
            long[] states = assertEquivalent(app, today);
            assertThat(states[0]).as("refused answers").isPositive();
            assertThat(states[1]).as("empty answers").isPositive();
            // 8-day blocks closed through the day before the newest run date, none after it (V18)
            assertThat(app.count("SELECT count(*) FROM rollup_closed WHERE through = ?::date", today.minusDays(1)))
                    .isEqualTo(1);
            assertThat(app.count("SELECT count(*) FROM rollup_entity WHERE span = 8")).isPositive();
            assertThat(app.count("""
                    SELECT (SELECT count(*) FROM rollup_entity e JOIN rollup_closed c USING (workspace_id)
                             WHERE e.span = 8 AND e.period + 7 > c.through)
                         + (SELECT count(*) FROM rollup_answers a JOIN rollup_closed c USING (workspace_id)
                             WHERE a.span = 8 AND a.period + 7 > c.through)""")).isZero();
        }

        Files.writeString(file, HEAD + """
                competitors:
                  - {name: HubSpot, aliases: [HubSpot CRM], domains: [hubspot.com]}
                  - {name: Attio, domains: [attio.com]}
                  - {name: Close, domains: [close.com]}
                """ + PROMPTS);
        try (TestApp app = TestApp.start(jdbcUrl, settings, true)) {
            TestApp.Reply r = app.post("/api/reanalyze", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("reanalyzed").asInt()).isPositive();
            assertThat(app.count("SELECT count(*) FROM analysis WHERE error IS NOT NULL")).isZero();
            assertThat(assertEquivalent(app, today)[0]).as("refused answers").isPositive();

            String snapshot = """
                    SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM (
                      SELECT (a.*)::text AS x FROM rollup_answers a UNION ALL
                      SELECT (e.workspace_id, e.entity_id, e.span, e.period, e.provider, e.prompt_id, e.mentioned,
                              e.rank_sum, e.rank_count, e.order_sum, e.order_count, e.sentiment_sum::float8,
                              e.sentiment_count, e.citing)::text FROM rollup_entity e UNION ALL
                      SELECT (d.*)::text FROM rollup_domains d UNION ALL
                      SELECT (y.workspace_id, y.day, y.entity_id, y.n, y.prompts, y.sum_m2, y.credits, y.cited,
                              y.refused, y.empty, y.mentioned, y.sum_y2_m::float8, y.rank_sum, y.rank_count,
                              y.order_sum, y.order_count, y.sentiment_sum::float8, y.sentiment_count,
                              y.citing)::text FROM rollup_days y UNION ALL
                      SELECT (f.*)::text FROM answer_fact f) s""";
            // rollup_days is kept by difference (V15): every row as a recount of the days' rows, each prompt's added
            // up over its providers first (V24), has it
            String recount = """
                    WITH kept AS (
                      SELECT workspace_id, day, entity_id, n, prompts, sum_m2, credits, cited, refused, empty,
                             mentioned, sum_y2_m, rank_sum, rank_count, order_sum, order_count, sentiment_sum,
                             sentiment_count, citing FROM rollup_days),
                    pa AS (
                      SELECT workspace_id, period, prompt_id, sum(answers) AS answers, sum(credits) AS credits,
                             sum(cited) AS cited, sum(refused) AS refused, sum(empty) AS empty
                        FROM rollup_answers WHERE span = 1 GROUP BY 1, 2, 3),
                    pe AS (
                      SELECT workspace_id, period, prompt_id, entity_id, sum(mentioned) AS mentioned,
                             sum(rank_sum) AS rank_sum, sum(rank_count) AS rank_count, sum(order_sum) AS order_sum,
                             sum(order_count) AS order_count, sum(sentiment_sum) AS sentiment_sum,
                             sum(sentiment_count) AS sentiment_count, sum(citing) AS citing
                        FROM rollup_entity WHERE span = 1 GROUP BY 1, 2, 3, 4),
                    recounted AS (
                      SELECT a.workspace_id, a.period AS day, 0::bigint AS entity_id, sum(a.answers) AS n,
                             count(*) AS prompts, sum(a.answers * a.answers) AS sum_m2, sum(a.credits),
                             sum(a.cited), sum(a.refused), sum(a.empty), 0, 0, 0, 0, 0, 0, 0, 0, 0
                        FROM pa a GROUP BY 1, 2
                      UNION ALL
                      SELECT x.workspace_id, x.period, x.entity_id, 0, 0, 0, 0, 0, 0, 0, sum(x.mentioned),
                             sum(x.mentioned::numeric * x.mentioned / a.answers), sum(x.rank_sum), sum(x.rank_count),
                             sum(x.order_sum), sum(x.order_count), sum(x.sentiment_sum), sum(x.sentiment_count),
                             sum(x.citing)
                        FROM pe x
                        JOIN pa a ON a.workspace_id = x.workspace_id AND a.period = x.period
                                 AND a.prompt_id = x.prompt_id
                       GROUP BY 1, 2, 3)
                    SELECT (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM recounted) k)
                         + (SELECT count(*) FROM (SELECT * FROM recounted EXCEPT SELECT * FROM kept) r)""";
            assertThat(app.count("SELECT count(*) FROM rollup_days")).isPositive();
            assertThat(app.count(recount)).as("rollup_days rows that differ from a recount").isZero();
            String incremental = snapshotOf(app, snapshot);
            new Rollups(app.app().bean(Jdbc.class)).rebuildAll();
            assertThat(snapshotOf(app, snapshot)).isEqualTo(incremental);
        }
    }

    private static String snapshotOf(TestApp app, String sql) {
        return app.app().bean(Jdbc.class).queryOne(sql, rs -> rs.getString(1)).orElseThrow();
    }

    /**
     * Every metric, answer-state count and cited-domain list of every range, groupBy and filter, and each run's
     * report, from the repository and from the raw rows.
     *
     * @return the refused and the empty answers of the whole history
     */
    private static long[] assertEquivalent(TestApp app, LocalDate today) {
        Jdbc jdbc = app.app().bean(Jdbc.class);
        MetricsRepository metrics = new MetricsRepository(jdbc);
        AnswerStates states = new AnswerStates(jdbc);
        long ws = app.count("SELECT id FROM workspace WHERE slug = 'rollups'");
        List<EntityRef> entities = jdbc.query("SELECT id, name, kind FROM entity WHERE workspace_id = ? ORDER BY id",
                rs -> new EntityRef(rs.getLong(1), rs.getString(2), rs.getString(3)), ws);
        LocalDate[][] ranges = {{null, null}, {today, today}, {today.minusDays(9), today},
                {today.minusDays(80), today.minusDays(1)}, {today.minusDays(71), today.minusDays(70)},
                {today.minusDays(300), today.minusDays(2)}, {today.plusDays(1), null},
                // edges deep inside 8-day blocks: read as blocks less some days (Periods)
                {today.minusDays(62), today.minusDays(3)}};
        List<String> groupings = new ArrayList<>(MetricsRepository.GROUP_BY);
        groupings.add(null);
        int compared = 0;
        long[] totals = new long[2];
        for (LocalDate[] range : ranges) {
            LocalDate from = range[0] == null ? MIN : range[0];
            LocalDate to = range[1] == null ? MAX : range[1];
            for (String[] filter : FILTERS) {
                Scope scope = Scope.dates(ws, range[0], range[1]).only(filter[0], filter[1]);
                String what = java.util.Arrays.toString(range) + " provider=" + filter[0] + " tag=" + filter[1];
                for (String groupBy : groupings) {
                    Set<String> groups = new TreeSet<>();
                    for (EntityRef e : entities) {
                        List<EntityStats> stats = metrics.stats(scope, groupBy, List.of(e));
                        stats.forEach(x -> groups.add(x.key()));
                        List<String> fromRaw = jdbc.query(RAW_STATS, rs -> raw(rs, e), ws, from, to, filter[0],
                                filter[0], filter[1], filter[1], groupBy == null ? "all" : groupBy, e.id(), e.id());
                        assertThat(stats.stream().map(RollupEquivalenceTest::numbers).toList())
                                .as("%s groupBy=%s %s", e.name(), groupBy, what)
                                .containsExactlyInAnyOrderElementsOf(fromRaw);
                        compared += fromRaw.size();
                    }
                    Map<String, AnswerStates.Counts> counted = states.perGroup(scope, groupBy);
                    List<String> rawStates = jdbc.query(RAW_STATES, RollupEquivalenceTest::rawStates, ws, from, to,
                            filter[0], filter[0], filter[1], filter[1], groupBy == null ? "all" : groupBy);
                    assertThat(states(counted)).as("answer states groupBy=%s %s", groupBy, what)
                            .containsExactlyInAnyOrderElementsOf(rawStates);
                    assertThat(counted.keySet()).as("groups of answer states groupBy=%s %s", groupBy, what)
                            .containsExactlyInAnyOrderElementsOf(groups);
                    compared += rawStates.size();
                    if (groupBy == null && range[0] == null && range[1] == null && filter[0] == null
                            && filter[1] == null) {
                        AnswerStates.Counts all = counted.get("all");
                        totals[0] = all.refused();
                        totals[1] = all.empty();
                    }
                    if ("model".equals(groupBy) && range[0] == null && range[1] == null && filter[0] == null
                            && filter[1] == null) {
                        assertThat(groups).contains(NEW_MODEL);
                    }
                }
                List<String> domains = metrics.citedDomains(scope, 1000).stream()
                        .map(RollupEquivalenceTest::domain).toList();
                List<String> rawDomains = jdbc.query(RAW_DOMAINS, RollupEquivalenceTest::rawDomain, ws, from, to,
                        filter[0], filter[0], filter[1], filter[1]);
                assertThat(domains).as("cited domains %s", what).containsExactlyInAnyOrderElementsOf(rawDomains);
            }
        }
        for (long run : jdbc.query("SELECT id FROM run WHERE workspace_id = ? ORDER BY id", rs -> rs.getLong(1), ws)) {
            // the report (by provider), the headline of run.completed (all together), and any other grouping
            Scope scope = Scope.run(ws, run);
            for (String groupBy : groupings) {
                for (EntityRef e : entities) {
                    List<String> report = metrics.stats(scope, groupBy, List.of(e)).stream()
                            .map(RollupEquivalenceTest::numbers).toList();
                    List<String> raw = jdbc.query(RAW_RUN_STATS, rs -> raw(rs, e), ws, MIN, MAX, run, null, null,
                            null, null, groupBy == null ? "all" : groupBy, e.id(), e.id());
                    assertThat(report).as("run %d %s groupBy=%s", run, e.name(), groupBy)
                            .containsExactlyInAnyOrderElementsOf(raw);
                    compared += raw.size();
                }
                assertThat(states(states.perGroup(scope, groupBy))).as("answer states of run %d groupBy=%s", run,
                        groupBy).containsExactlyInAnyOrderElementsOf(jdbc.query(RAW_RUN_STATES,
                        RollupEquivalenceTest::rawStates, ws, MIN, MAX, run, null, null, null, null,
                        groupBy == null ? "all" : groupBy));
            }
            assertThat(metrics.citedDomains(scope, 1000).stream().map(RollupEquivalenceTest::domain).toList())
                    .as("cited domains of run %d", run)
                    .containsExactlyInAnyOrderElementsOf(jdbc.query(RAW_RUN_DOMAINS, RollupEquivalenceTest::rawDomain,
                            ws, MIN, MAX, run, null, null, null, null));
        }
        assertThat(compared).isGreaterThan(500);
        // one row per key, though the keys are not unique (V31): the procedures replace a key's row
        assertThat(app.count("""
                SELECT count(*) - count(DISTINCT (workspace_id, period, span, prompt_id, provider, entity_id))
                  FROM rollup_entity""")).as("rollup_entity rows sharing a key").isZero();
        assertThat(app.count("""
                SELECT count(*) - count(DISTINCT (workspace_id, period, span, prompt_id, provider))
                  FROM rollup_answers""")).as("rollup_answers rows sharing a key").isZero();
        return totals;
    }

    private static List<String> states(Map<String, AnswerStates.Counts> counted) {
        return counted.entrySet().stream().map(x -> x.getKey() + "|" + x.getValue().n() + "|"
                + x.getValue().refused() + "|" + x.getValue().empty()).toList();
    }

    private static String rawStates(ResultSet rs) throws SQLException {
        return rs.getString("key") + "|" + rs.getLong("n") + "|" + rs.getLong("refused") + "|" + rs.getLong("empty");
    }

    private static String domain(DomainCount d) {
        return d.domain() + "|" + d.owner() + "|" + d.ownerName() + "|" + d.count() + "|" + d.answers();
    }

    private static String rawDomain(ResultSet rs) throws SQLException {
        return rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getLong(4) + "|"
                + rs.getLong(5);
    }

    /** Every number a metric is computed from, and the visibility interval derived from them. */
    private static String numbers(EntityStats s) {
        PromptInterval.Result ci = s.visibilityInterval();
        return String.join("|", s.key(), String.valueOf(s.entity().id()), String.valueOf(s.n()),
                String.valueOf(s.prompts()), String.valueOf(s.sumSquaredSizes()), String.valueOf(s.mentioned()),
                plain(s.sumSquaredHits()), String.valueOf(s.credits()), String.valueOf(s.cited()),
                String.valueOf(s.citesEntity()), String.valueOf(s.ranked()), String.valueOf(s.rankSum()),
                String.valueOf(s.ordered()), String.valueOf(s.orderSum()), String.valueOf(s.scored()),
                plain(s.sentimentSum()), String.valueOf(s.visibility()), String.valueOf(s.shareOfVoice()),
                String.valueOf(s.avgRank()), String.valueOf(s.avgOrder()), String.valueOf(s.avgSentiment()),
                String.valueOf(s.citationRate()), ci == null ? "-" : ci.low() + "|" + ci.high() + "|" + ci.method());
    }

    private static String raw(ResultSet rs, EntityRef e) throws SQLException {
        String key = rs.getString("key");
        return numbers(new EntityStats(key, key, e, rs.getLong("n"), rs.getLong("prompts"), rs.getLong("sum_m2"),
                rs.getLong("mentioned"), rs.getBigDecimal("sum_y2_m"), rs.getLong("credits"), rs.getLong("cited"),
                rs.getLong("cites_entity"), rs.getLong("ranked"), rs.getLong("rank_sum"), rs.getLong("ordered"),
                rs.getLong("order_sum"), rs.getLong("scored"), rs.getBigDecimal("sentiment_sum")));
    }

    private static String plain(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

}
