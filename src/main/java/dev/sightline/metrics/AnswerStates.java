package dev.sightline.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.sightline.store.Jdbc;
import dev.sightline.values.Scope;

/**
 * How many of the counted answers per group were answered, refused or empty (README "Answer states"): the refusal
 * rate per provider is {@code groupBy=provider}. The same answers and groups as {@link MetricsRepository#stats}.
 */
public final class AnswerStates {

    /** Extra parameter: groupBy. */
    private static final String PER_GROUP = "WITH " + MetricsRepository.COUNTED_ANSWERS + """
            ,
            stated AS (
                SELECT a.*, an.answer_state
                  FROM analysed a JOIN analysis an ON an.response_id = a.response_id)
            SELECT g.key, count(*) AS n,
                   count(*) FILTER (WHERE s.answer_state = 'refused') AS refused,
                   count(*) FILTER (WHERE s.answer_state = 'empty') AS empty
              FROM stated s
              CROSS JOIN LATERAL unnest(""" + MetricsRepository.GROUP_KEYS + """
            ) AS g(key)
             GROUP BY g.key""";

    /**
     * @param n       counted answers in the group
     * @param refused of those, answers that declined
     * @param empty   of those, answers without words
     */
    public record Counts(long n, long refused, long empty) {

        public Double refusalRate() {
            return n == 0 ? null : (double) refused / n;
        }
    }

    private final Jdbc jdbc;

    public AnswerStates(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Per group key (null groupBy: one group "all"). */
    public Map<String, Counts> perGroup(Scope scope, String groupBy) {
        Map<String, Counts> out = new LinkedHashMap<>();
        jdbc.query(PER_GROUP, rs -> out.put(rs.getString("key"), new Counts(rs.getLong("n"), rs.getLong("refused"),
                rs.getLong("empty"))), MetricsRepository.params(scope, groupBy));
        return out;
    }
}
