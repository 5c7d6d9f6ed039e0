package dev.sightline.metrics;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes runs, cells, responses and analyses straight into a test database, with known values, so metrics can be
 * checked against numbers worked out by hand rather than against the code that computes them.
 */
final class StoredAnswers {

    /** One entity's mention in an answer; {@code rank} null when not in a list. */
    record M(long entity, boolean mentioned, Integer rank, Integer order, Double score) {
    }

    /** One citation row: registrable domain, owner, owning entity (null for other). */
    record C(String url, String domain, String owner, Long entity) {
    }

    static M m(long entity, Integer rank, int order, double score) {
        return new M(entity, true, rank, order, score);
    }

    static C c(String url, String domain, String owner, Long entity) {
        return new C(url, domain, owner, entity);
    }

    private final String jdbcUrl;
    private final List<Long> trackedEntities;

    StoredAnswers(String jdbcUrl, List<Long> trackedEntities) {
        this.jdbcUrl = jdbcUrl;
        this.trackedEntities = trackedEntities;
    }

    long run(long workspaceId, LocalDate date, String status, String... providers) {
        return one("""
                INSERT INTO run (workspace_id, run_date, trigger, status, providers, samples, cells_total, finished_at)
                VALUES (?, ?, 'api', ?, ?, 1, 0, now()) RETURNING id""", workspaceId, date, status,
                List.of(providers));
    }

    /**
     * A succeeded cell with its response and a clean analysis: the given mentions, a "not mentioned" row for every
     * other tracked entity (as the analyzer writes them), and the citations.
     */
    long answer(long run, long prompt, String provider, int sample, List<M> mentions, List<C> citations) {
        return answer(run, prompt, provider, sample, "succeeded", true, null, mentions, citations);
    }

    /**
     * @param analysed false: the response has no analysis row at all (not analysed yet)
     * @param error    the analysis failed with this error (its mention rows are still written here, to prove they
     *                 are ignored)
     */
    long answer(long run, long prompt, String provider, int sample, String cellStatus, boolean analysed, String error,
                List<M> mentions, List<C> citations) {
        long cell = one("INSERT INTO cell (run_id, prompt_id, provider, sample, status, attempts) VALUES (?, ?, ?, ?, ?, 1)"
                + " RETURNING id", run, prompt, provider, sample, cellStatus);
        long response = one("""
                INSERT INTO response (cell_id, provider, kind, http_status, answer_text, attempt)
                VALUES (?, ?, 'openai-chat', 200, 'hand-written answer', 1) RETURNING id""", cell, provider);
        if (!analysed) {
            return response;
        }
        boolean brandVisible = mentions.stream().anyMatch(x -> x.mentioned() && x.entity() == trackedEntities.get(0));
        List<M> rows = new ArrayList<>(mentions);
        for (long e : trackedEntities) {
            if (mentions.stream().noneMatch(x -> x.entity() == e)) {
                rows.add(new M(e, false, null, null, null));
            }
        }
        // the analysis row with its mentions and citations as arrays (V28), what the views mention and citation show
        List<String> mentionRows = new ArrayList<>();
        List<String> scores = new ArrayList<>();
        for (M x : rows) {
            mentionRows.add("{" + x.entity() + "," + (x.mentioned() ? 1 : 0) + "," + (x.mentioned() ? 1 : 0) + ","
                    + literal(x.rank()) + "," + literal(x.order()) + "," + (x.mentioned() ? "2" : "NULL") + "}");
            scores.add(literal(x.score()));
        }
        List<String> urls = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        List<String> owningEntities = new ArrayList<>();
        for (C x : citations) {
            exec("INSERT INTO cited_url (url) VALUES (?) ON CONFLICT (url) DO NOTHING", x.url());
            if (!x.domain().isEmpty()) {
                exec("INSERT INTO cited_domain (domain) VALUES (?) ON CONFLICT (domain) DO NOTHING", x.domain());
            }
            urls.add(x.url());
            domains.add(x.domain());
            owners.add(x.owner());
            owningEntities.add(x.entity() == null ? null : x.entity().toString());
        }
        exec("""
                INSERT INTO analysis (response_id, analyzer_version, brand_visible, share_of_voice, error, mentions,
                                      mention_scores, citations)
                SELECT ?, 'test', ?, 0, ?, nullif(?::int[], '{}'), nullif(?::float8[], '{}'),
                       (SELECT array_agg(ARRAY[p::int, u.id::int, d.id, e::int, NULL,
                                               array_position(citation_owners(), o), 1]
                                         ORDER BY p)
                          FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS c(url, dn, o, e, p)
                          JOIN cited_url u ON u.url = c.url LEFT JOIN cited_domain d ON d.domain = c.dn)""",
                response, brandVisible, error, "{" + String.join(",", mentionRows) + "}",
                "{" + String.join(",", scores) + "}", urls, domains, owners, owningEntities);
        // what the analysis route does in the transaction that writes an analysis
        exec("CALL rollup_record(ARRAY[?]::bigint[])", response);
        return response;
    }

    private static String literal(Object value) {
        return value == null ? "NULL" : value.toString();
    }

    long one(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    void exec(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void bind(Connection c, PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof List<?> l) {
                ps.setArray(i + 1, c.createArrayOf("text", l.toArray()));
            } else if (p == null) {
                ps.setNull(i + 1, java.sql.Types.NULL);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }
}
