package dev.sightline.metrics;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sightline.store.Jdbc;
import dev.sightline.values.Scope;

/**
 * How many of the counted answers per group were answered, refused or empty (README "Answer states"): the refusal
 * rate per provider is {@code groupBy=provider}. The same answers and groups as {@link MetricsRepository#stats},
 * read from the same rows (see there): the refused and empty counts kept in rollup_answers, rollup_days and
 * answer_fact (sql/V12), never the raw analyses.
 */
public final class AnswerStates {

    /** Unfiltered groupBy=day: the days' rows of rollup_days. */
    private static final String DAYS = """
            SELECT day::text AS key, n, refused, empty
              FROM rollup_days
             WHERE workspace_id = ? AND entity_id = 0 AND day BETWEEN ? AND ?""";

    /**
     * Rollup rows of the given periods per group; {key}: the group of a row {@code r}, {rows}: which rows (see
     * {@link MetricsRepository#rollupRows}), {tags}: for groupBy=tag, each distinct tag of the row's prompt.
     */
    private static final String ROLLUPS = MetricsRepository.PERIODS + """

            SELECT {key} AS key, sum(u.sign * r.answers) AS n, sum(u.sign * r.refused) AS refused,
                   sum(u.sign * r.empty) AS empty
              FROM u JOIN rollup_answers r ON r.workspace_id = ? AND r.period = u.period AND r.span = u.span{rows}
              {tags}
             GROUP BY 1
            HAVING sum(u.sign * r.answers) <> 0""";
    /**
     * Answer facts per group; {key}: the group of a fact {@code a}, {where}: {@link MetricsRepository#factRows},
     * {tags} as in {@link #ROLLUPS}.
     */
    private static final String FACTS = """
            SELECT {key} AS key, count(*) AS n, count(*) FILTER (WHERE a.answer_state = 'refused') AS refused,
                   count(*) FILTER (WHERE a.answer_state = 'empty') AS empty
              FROM answer_fact a
              {tags}
             WHERE {where}
             GROUP BY 1""";
    /**
     * An answer counts in each distinct tag of its prompt, prompts without tags in no group; {row}: the rollup row
     * or fact.
     */
    private static final String TAGS = """
            CROSS JOIN LATERAL (SELECT DISTINCT x.tag
                                  FROM prompt p CROSS JOIN LATERAL unnest(p.tags) AS x(tag)
                                 WHERE p.id = {row}.prompt_id) AS t""";

    /**
     * @param n       counted answers in the group
     * @param refused of those, answers that declined
     * @param empty   of those, answers without words
     */
    public record Counts(long n, long refused, long empty) {

        /** Refused ÷ n; null for no answers. */
        public Double refusalRate() {
            return n == 0 ? null : (double) refused / n;
        }
    }

    private final Jdbc jdbc;

    public AnswerStates(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Per group key (null groupBy: one group "all"), groups without counted answers absent. */
    public Map<String, Counts> perGroup(Scope scope, String groupBy) {
        if (groupBy != null && !MetricsRepository.GROUP_BY.contains(groupBy)) {
            throw new IllegalArgumentException("groupBy " + groupBy);
        }
        Map<String, Counts> out = new LinkedHashMap<>();
        Jdbc.RowMapper<Object> put = rs -> out.put(rs.getString("key"), new Counts(rs.getLong("n"),
                rs.getLong("refused"), rs.getLong("empty")));
        if (scope.runId() != null) {
            MetricsRepository.read(jdbc, facts(scope, groupBy), put, MetricsRepository.factParams(scope, null));
            return out;
        }
        Optional<MetricsRepository.DayRange> range = MetricsRepository.range(jdbc, scope);
        if (range.isEmpty()) {
            return out;
        }
        LocalDate from = range.get().from();
        LocalDate to = range.get().to();
        if ("model".equals(groupBy)) {
            MetricsRepository.read(jdbc, facts(scope, groupBy), put, MetricsRepository.factParams(scope, range.get()));
        } else if ("day".equals(groupBy) && !MetricsRepository.filtered(scope)) {
            MetricsRepository.read(jdbc, DAYS, put, scope.workspaceId(), from, to);
        } else {
            String key = groupBy == null ? "'all'" : switch (groupBy) {
                case "provider" -> "r.provider";
                case "prompt" -> "r.prompt_id::text";
                case "day" -> "r.period::text";
                default -> "t.tag";
            };
            String sql = ROLLUPS.replace("{key}", key)
                    .replace("{rows}", MetricsRepository.rollupRows(scope, groupBy))
                    .replace("{tags}", "tag".equals(groupBy) ? TAGS.replace("{row}", "r") : "");
            Periods p = MetricsRepository.periods(groupBy, from, to, range.get().closed());
            List<Object> params = new ArrayList<>(List.of(p.spans(), p.starts(), p.signs(), scope.workspaceId()));
            params.addAll(MetricsRepository.filterParams(scope));
            MetricsRepository.read(jdbc, sql, put, params.toArray());
        }
        return out;
    }

    /** The statement over the scope's answer facts grouped by groupBy (a run's, or groupBy=model). */
    private static String facts(Scope scope, String groupBy) {
        String key = groupBy == null ? "'all'" : switch (groupBy) {
            case "provider" -> "a.provider";
            case "model" -> "coalesce(a.model, '')";
            case "day" -> "a.run_date::text";
            case "prompt" -> "a.prompt_id::text";
            default -> "t.tag";
        };
        return FACTS.replace("{key}", key).replace("{tags}", "tag".equals(groupBy) ? TAGS.replace("{row}", "a") : "")
                .replace("{where}", MetricsRepository.factRows(scope));
    }
}
