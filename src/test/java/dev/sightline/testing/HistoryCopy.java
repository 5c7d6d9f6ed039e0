package dev.sightline.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;

import dev.sightline.store.Jdbc;

/**
 * History made from real runs: copies runs (their cells, responses, raw bodies, analyses, mentions and citations)
 * to other run dates, every foreign key remapped, in one statement per table whatever the number of dates. New ids
 * are computed (the template's id range, shifted once per copy) rather than looked up, so a year of copies is a
 * handful of bulk inserts. Times move with the date. Facts and rollups are not written: the caller decides how
 * (rollup_record for the answers, as the analysis route does, or rollup_rebuild).
 */
public final class HistoryCopy {

    private static final String PREPARE = """
            CREATE TEMP TABLE copy_plan ON COMMIT DROP AS
            SELECT g.k, g.d,
                   (SELECT max(id) FROM run) AS run_base, (SELECT max(id) FROM cell) AS cell_base,
                   (SELECT max(id) FROM response) AS response_base
              FROM unnest(?::date[]) WITH ORDINALITY AS g(d, k)""";
    private static final String TEMPLATE = """
            CREATE TEMP TABLE copy_template ON COMMIT DROP AS
            SELECT t.run_id, t.i,
                   (SELECT count(*) FROM unnest(?::bigint[])) AS runs,
                   (SELECT min(c.id) FROM cell c WHERE c.run_id = ANY (?::bigint[])) AS cell_min,
                   (SELECT max(c.id) - min(c.id) + 1 FROM cell c WHERE c.run_id = ANY (?::bigint[])) AS cell_width,
                   (SELECT min(s.id) FROM response s JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ANY (?::bigint[])) AS response_min,
                   (SELECT max(s.id) - min(s.id) + 1 FROM response s JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ANY (?::bigint[])) AS response_width
              FROM unnest(?::bigint[]) WITH ORDINALITY AS t(run_id, i)""";
    private static final String RUNS = """
            INSERT INTO run (id, workspace_id, run_date, trigger, status, providers, prompt_tags, samples, cells_total,
                             estimated_cost_usd, cancel_requested_at, created_at, finished_at, cell_counts, tokens_in,
                             tokens_out, cost_usd, last_cell_update)
            SELECT p.run_base + (p.k - 1) * t.runs + t.i, r.workspace_id, p.d, r.trigger, r.status, r.providers,
                   r.prompt_tags, r.samples, r.cells_total, r.estimated_cost_usd,
                   r.cancel_requested_at + (p.d - r.run_date) * interval '1 day',
                   r.created_at + (p.d - r.run_date) * interval '1 day',
                   r.finished_at + (p.d - r.run_date) * interval '1 day', r.cell_counts, r.tokens_in, r.tokens_out,
                   r.cost_usd, r.last_cell_update + (p.d - r.run_date) * interval '1 day'
              FROM copy_template t JOIN run r ON r.id = t.run_id CROSS JOIN copy_plan p
             ORDER BY p.k, t.i""";
    private static final String CELLS = """
            INSERT INTO cell (id, run_id, prompt_id, provider, sample, status, attempts, next_attempt_at, last_error,
                              created_at, updated_at)
            SELECT p.cell_base + (p.k - 1) * t.cell_width + (c.id - t.cell_min) + 1,
                   p.run_base + (p.k - 1) * t.runs + t.i, c.prompt_id, c.provider, c.sample, c.status, c.attempts,
                   c.next_attempt_at + (p.d - r.run_date) * interval '1 day', c.last_error,
                   c.created_at + (p.d - r.run_date) * interval '1 day',
                   c.updated_at + (p.d - r.run_date) * interval '1 day'
              FROM copy_template t JOIN run r ON r.id = t.run_id JOIN cell c ON c.run_id = t.run_id
             CROSS JOIN copy_plan p
             ORDER BY 1""";
    /** The responses of the copied cells; {@code {columns}} and {@code {values}} name the table's other columns. */
    private static final String PER_RESPONSE = """
            INSERT INTO {table} (response_id, {columns})
            SELECT p.response_base + (p.k - 1) * t.response_width + (s.id - t.response_min) + 1, {values}
              FROM copy_template t JOIN run r ON r.id = t.run_id JOIN cell c ON c.run_id = t.run_id
              JOIN response s ON s.cell_id = c.id JOIN {table} x ON x.response_id = s.id
             CROSS JOIN copy_plan p
             ORDER BY 1""";
    private static final String RESPONSES = """
            INSERT INTO response_row (id, cell_id, provider, kind, model_requested, model_served, http_status, answer,
                                      answer_text, citations, tokens_in, tokens_out, search_calls, cost_usd,
                                      latency_ms, provider_request_id, finish_reason, attempt, created_at,
                                      citation_urls, label_id)
            SELECT p.response_base + (p.k - 1) * t.response_width + (s.id - t.response_min) + 1,
                   p.cell_base + (p.k - 1) * t.cell_width + (c.id - t.cell_min) + 1, s.provider, s.kind,
                   s.model_requested, s.model_served, s.http_status, s.answer, s.answer_text, s.citations,
                   s.tokens_in,
                   s.tokens_out, s.search_calls, s.cost_usd, s.latency_ms, s.provider_request_id, s.finish_reason,
                   s.attempt, s.created_at + (p.d - r.run_date) * interval '1 day', s.citation_urls, s.label_id
              FROM copy_template t JOIN run r ON r.id = t.run_id JOIN cell c ON c.run_id = t.run_id
              JOIN response_row s ON s.cell_id = c.id
             CROSS JOIN copy_plan p
             ORDER BY 1""";
    private static final String[][] RESPONSE_TABLES = {
            {"response_body", "encoding, body, created_at",
                    "x.encoding, x.body, x.created_at + (p.d - r.run_date) * interval '1 day'"},
            {"analysis", "analyzer_version, brand_visible, share_of_voice, error, analyzed_at, answer_state, mentions, "
                    + "mention_scores, mention_offsets, mention_evidence, citations",
                    "x.analyzer_version, x.brand_visible, x.share_of_voice, x.error, x.analyzed_at, x.answer_state, "
                    + "x.mentions, x.mention_scores, x.mention_offsets, x.mention_evidence, x.citations"}};
    /** The copies' responses: every id above the largest one before the copy (see {@link #RESPONSES}). */
    private static final String NEW_RESPONSES = "SELECT id FROM response WHERE id > ? ORDER BY id";
    private static final String[] SEQUENCES = {
            "SELECT setval(pg_get_serial_sequence('run', 'id'), (SELECT max(id) FROM run))",
            "SELECT setval(pg_get_serial_sequence('cell', 'id'), (SELECT max(id) FROM cell))",
            "SELECT setval(pg_get_serial_sequence('response_row', 'id'), (SELECT max(id) FROM response_row))"};

    private HistoryCopy() {
    }

    /**
     * Copies the runs to each date, in one transaction (no answer of them may be waiting for analysis).
     *
     * @return the ids of the responses created
     */
    public static List<Long> copy(Jdbc jdbc, List<Long> runs, List<LocalDate> dates) {
        return jdbc.inTransaction(c -> copy(c, runs, dates));
    }

    public static List<Long> copy(Connection c, List<Long> runs, List<LocalDate> dates) throws SQLException {
        Jdbc.update(c, PREPARE, dates);
        Jdbc.update(c, TEMPLATE, runs, runs, runs, runs, runs, runs);
        // temporary tables have no statistics until analysed: without them the planner guesses a thousand rows each
        // and joins the whole history (the history scenario's copies, a day at a time, went from 3 s a day at 30 days
        // of history to 22 s at 300)
        Jdbc.update(c, "ANALYZE copy_plan, copy_template");
        long responseBase = Jdbc.query(c, "SELECT coalesce(max(response_base), 0) FROM copy_plan",
                rs -> rs.getLong(1)).get(0);
        Jdbc.update(c, RUNS);
        Jdbc.update(c, CELLS);
        Jdbc.update(c, RESPONSES);
        for (String[] t : RESPONSE_TABLES) {
            Jdbc.update(c, PER_RESPONSE.replace("{table}", t[0]).replace("{columns}", t[1]).replace("{values}", t[2]));
        }
        List<Long> created = Jdbc.query(c, NEW_RESPONSES, rs -> rs.getLong(1), responseBase);
        for (String s : SEQUENCES) {
            Jdbc.query(c, s, rs -> null);
        }
        return created;
    }
}
