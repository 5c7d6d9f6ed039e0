package dev.sightline.experiment;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.sightline.store.AnswerColumns;
import dev.sightline.store.Jdbc;

/**
 * The read side of experiments: the grid (current cells, each with its verdict, changed when its cell, a grade, a
 * manual grade or its grader call last changed), its summary per model, the
 * per-row counts behind the intervals, one cell in full, and the export. A cell's verdict: a manual {@code pass} or
 * {@code fail} wins; else {@code fail} when a grader failed it, {@code error} when one could not decide (its prompt's
 * reply did not parse, its call failed), {@code pass} once every grader passed it, {@code pending} while grades are
 * due; null when the cell has no answer or the experiment no grader.
 */
public final class ExperimentQueries {

    /**
     * The experiment's current cells (a re-run's new cell replaces the old one) with what decides their verdict.
     * Parameters: experiment id, those of {@code where}, then the expected number of automatic grades twice.
     */
    private static String grid(String where) {
        return """
                WITH grid AS (
                  SELECT ec.cell_id, ec.model_index, ec.row_index, ec.sample, c.provider, c.status, c.attempts,
                         c.last_error, c.next_attempt_at,
                         greatest(c.updated_at, g.last, m.created_at, gc.updated_at) AS updated_at,
                         s.id AS response_id, s.latency_ms, s.tokens_in, s.tokens_out, s.cost_usd,
                         gc.id AS grader_cell_id, gc.status AS grader_status, gc.last_error AS grader_error,
                         gs.tokens_in AS grader_tokens_in, gs.tokens_out AS grader_tokens_out,
                         gs.cost_usd AS grader_cost_usd, g.n AS grades, g.fails, g.errors,
                         m.grade AS manual, m.note AS manual_note
                    FROM experiment_cell ec
                    JOIN cell c ON c.id = ec.cell_id AND c.replaced_by IS NULL
                    LEFT JOIN response s ON s.cell_id = c.id
                    LEFT JOIN cell gc ON gc.parent_cell_id = c.id AND gc.kind = 'grader'
                    LEFT JOIN response gs ON gs.cell_id = gc.id
                    LEFT JOIN LATERAL (SELECT count(*) AS n, count(*) FILTER (WHERE NOT x.pass) AS fails,
                                              count(*) FILTER (WHERE x.error IS NOT NULL) AS errors,
                                              max(x.created_at) AS last
                                         FROM grade x WHERE x.cell_id = c.id) g ON true
                    LEFT JOIN LATERAL (SELECT mg.grade, mg.note, mg.created_at FROM manual_grade mg
                                        WHERE mg.cell_id = c.id ORDER BY mg.id DESC LIMIT 1) m ON true
                   WHERE ec.experiment_id = ?""" + where + """
                ),
                verdicts AS (
                  SELECT grid.*, CASE WHEN status <> 'succeeded' THEN NULL
                                      WHEN fails > 0 THEN 'fail'
                                      WHEN errors > 0 THEN 'error'
                                      WHEN ?::int = 0 THEN NULL
                                      WHEN grades >= ?::int THEN 'pass'
                                      WHEN grader_status IN ('failed', 'cancelled') THEN 'error'
                                      ELSE 'pending' END AS auto_verdict
                    FROM grid)
                SELECT verdicts.*,
                       CASE WHEN manual IN ('pass', 'fail') AND status = 'succeeded' THEN manual
                            ELSE auto_verdict END AS verdict,
                       CASE WHEN manual IN ('pass', 'fail') AND status = 'succeeded' THEN 'manual'
                            WHEN auto_verdict IS NULL THEN NULL ELSE 'auto' END AS verdict_source
                  FROM verdicts""";
    }

    private static final String PAGE = grid(" AND ec.cell_id > ?") + " ORDER BY cell_id LIMIT ?";
    private static final String PAGE_SINCE = grid("""
             AND ec.cell_id > ? AND greatest(c.updated_at, g.last, m.created_at, gc.updated_at) >= ?""")
            + " ORDER BY cell_id LIMIT ?";
    private static final String ONE = grid(" AND ec.cell_id = ?");
    private static final String SUMMARY = """
            SELECT model_index, count(*) AS cells,
                   count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE status = 'failed') AS failed,
                   count(*) FILTER (WHERE status IN ('pending', 'leased')) AS open,
                   count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                   count(*) FILTER (WHERE verdict = 'pass') AS verdict_pass,
                   count(*) FILTER (WHERE verdict = 'fail') AS verdict_fail,
                   count(*) FILTER (WHERE verdict = 'error') AS verdict_error,
                   count(*) FILTER (WHERE verdict = 'pending') AS verdict_pending,
                   count(*) FILTER (WHERE verdict_source = 'manual') AS manual,
                   coalesce(sum(tokens_in), 0) AS tokens_in, coalesce(sum(tokens_out), 0) AS tokens_out,
                   coalesce(sum(cost_usd), 0) AS cost,
                   coalesce(sum(grader_tokens_in), 0) AS grader_tokens_in,
                   coalesce(sum(grader_tokens_out), 0) AS grader_tokens_out,
                   coalesce(sum(grader_cost_usd), 0) AS grader_cost,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
              FROM (""" + grid("") + """
            ) x GROUP BY model_index ORDER BY model_index""";
    private static final String ROW_COUNTS = """
            SELECT model_index, row_index,
                   count(*) FILTER (WHERE verdict IN ('pass', 'fail', 'error')) AS graded,
                   count(*) FILTER (WHERE verdict = 'pass') AS passed
              FROM (""" + grid("") + """
            ) x GROUP BY model_index, row_index ORDER BY model_index, row_index""";
    private static final String EXPORT = """
            SELECT x.*, c.prompt_text, """ + AnswerColumns.SELECT + """
              FROM (""" + grid("") + """
            ) x JOIN cell c ON c.id = x.cell_id LEFT JOIN response s ON s.id = x.response_id
             ORDER BY x.row_index, x.sample, x.model_index""";
    private static final String GRADES = """
            SELECT cell_id, position, grader, pass, score, reason, error, raw_answer, grader_cell_id
              FROM grade WHERE cell_id = ANY (?) ORDER BY cell_id, position""";
    private static final String DETAIL = """
            SELECT c.prompt_text, s.model_served, s.finish_reason, gc.prompt_text AS grader_prompt,
                   """ + AnswerColumns.SELECT + """
              FROM cell c LEFT JOIN response s ON s.cell_id = c.id
              LEFT JOIN cell gc ON gc.parent_cell_id = c.id AND gc.kind = 'grader'
             WHERE c.id = ?""";
    private static final String MANUAL_HISTORY = """
            SELECT id, grade, note, created_at FROM manual_grade WHERE cell_id = ? ORDER BY id""";
    private static final String GRADER_CALLS = """
            SELECT status, count(*) FROM cell WHERE run_id = ? AND kind = 'grader' GROUP BY status""";
    /** See {@code CellQueries}: the next poll's {@code updatedSince}, safe against transactions still open. */
    private static final String SAFE_NOW = """
            SELECT least(now(), (SELECT min(xact_start) FROM pg_stat_activity
                                  WHERE datname = current_database() AND xact_start IS NOT NULL)) AS now""";

    /** One cell of the grid. */
    public record Cell(long id, int modelIndex, int rowIndex, int sample, String provider, String status,
                       int attempts, String lastError, Instant nextAttemptAt, Instant updatedAt, Long responseId,
                       Long latencyMs, Long tokensIn, Long tokensOut, BigDecimal costUsd, Long graderCellId,
                       String graderStatus, String graderError, BigDecimal graderCostUsd, String verdict,
                       String verdictSource, String autoVerdict, String manualNote) {
    }

    public record Grade(int position, String grader, Boolean pass, Double score, String reason, String error,
                        String rawAnswer, Long graderCellId) {
    }

    public record Page(List<Cell> cells, Map<Long, List<Grade>> grades, Instant serverTime) {
    }

    public record ModelSummary(int modelIndex, int cells, int succeeded, int failed, int open, int cancelled,
                               int pass, int fail, int errors, int pending, int manual, long tokensIn, long tokensOut,
                               BigDecimal costUsd, long graderTokensIn, long graderTokensOut, BigDecimal graderCostUsd,
                               Double latencyP50Ms, Double latencyP95Ms, PassRates.Rate passRate) {
    }

    public record ManualGrade(long id, String grade, String note, Instant createdAt) {
    }

    public record Detail(Cell cell, String prompt, String answer, String modelServed, String finishReason,
                         String graderPrompt, List<Grade> grades, List<ManualGrade> manualGrades) {
    }

    public record ExportRow(Cell cell, String prompt, String answer, List<Grade> grades) {
    }

    private final Jdbc jdbc;

    public ExperimentQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Cells after {@code after} in id order, those changed since {@code updatedSince} when it is given. */
    public Page page(Experiment e, Instant updatedSince, long after, int limit) {
        int expected = e.expectedGrades();
        return jdbc.withConnection(c -> {
            Instant now = Jdbc.queryOne(c, SAFE_NOW, rs -> Jdbc.instant(rs, "now")).orElseThrow();
            List<Cell> cells = updatedSince == null
                    ? Jdbc.query(c, PAGE, ExperimentQueries::cell, e.id(), after, expected, expected, limit)
                    : Jdbc.query(c, PAGE_SINCE, ExperimentQueries::cell, e.id(), after, updatedSince, expected,
                            expected, limit);
            return new Page(cells, grades(c, cells.stream().map(Cell::id).toList()), now);
        });
    }

    public Optional<Detail> detail(Experiment e, long cellId) {
        return jdbc.withConnection(c -> {
            Optional<Cell> cell = Jdbc.queryOne(c, ONE, ExperimentQueries::cell, e.id(), cellId, e.expectedGrades(),
                    e.expectedGrades());
            if (cell.isEmpty()) {
                return Optional.<Detail>empty();
            }
            String[] d = Jdbc.queryOne(c, DETAIL, rs -> new String[] {rs.getString("prompt_text"),
                    AnswerColumns.read(rs).text(), rs.getString("model_served"), rs.getString("finish_reason"),
                    rs.getString("grader_prompt")}, cellId).orElseThrow();
            List<ManualGrade> manual = Jdbc.query(c, MANUAL_HISTORY, rs -> new ManualGrade(rs.getLong("id"),
                    rs.getString("grade"), rs.getString("note"), Jdbc.instant(rs, "created_at")), cellId);
            return Optional.of(new Detail(cell.get(), d[0], d[1], d[2], d[3], d[4],
                    grades(c, List.of(cellId)).getOrDefault(cellId, List.of()), manual));
        });
    }

    public List<ModelSummary> summary(Experiment e) {
        Map<Integer, List<PassRates.RowCount>> rows = rowCounts(e);
        return jdbc.query(SUMMARY, rs -> {
            int m = rs.getInt("model_index");
            return new ModelSummary(m, rs.getInt("cells"), rs.getInt("succeeded"), rs.getInt("failed"),
                    rs.getInt("open"), rs.getInt("cancelled"), rs.getInt("verdict_pass"), rs.getInt("verdict_fail"),
                    rs.getInt("verdict_error"), rs.getInt("verdict_pending"), rs.getInt("manual"),
                    rs.getLong("tokens_in"), rs.getLong("tokens_out"), rs.getBigDecimal("cost"),
                    rs.getLong("grader_tokens_in"), rs.getLong("grader_tokens_out"), rs.getBigDecimal("grader_cost"),
                    nullableDouble(rs, "p50"), nullableDouble(rs, "p95"),
                    PassRates.rate(rows.getOrDefault(m, List.of())));
        }, e.id(), e.expectedGrades(), e.expectedGrades());
    }

    /** Per model, per row: answers graded and passed. */
    public Map<Integer, List<PassRates.RowCount>> rowCounts(Experiment e) {
        Map<Integer, List<PassRates.RowCount>> out = new TreeMap<>();
        jdbc.query(ROW_COUNTS, rs -> out.computeIfAbsent(rs.getInt("model_index"), k -> new ArrayList<>())
                .add(new PassRates.RowCount(rs.getInt("row_index"), rs.getInt("graded"), rs.getInt("passed"))),
                e.id(), e.expectedGrades(), e.expectedGrades());
        return out;
    }

    /** Grader calls of the experiment by status. */
    public Map<String, Integer> graderCalls(Experiment e) {
        Map<String, Integer> out = new LinkedHashMap<>();
        jdbc.query(GRADER_CALLS, rs -> out.put(rs.getString(1), rs.getInt(2)), e.runId());
        return out;
    }

    /** Every current cell with its prompt, answer and grades, by row, sample and model. */
    public List<ExportRow> export(Experiment e) {
        return jdbc.withConnection(c -> {
            List<Object[]> rows = Jdbc.query(c, EXPORT, rs -> new Object[] {cell(rs), rs.getString("prompt_text"),
                    AnswerColumns.read(rs).text()}, e.id(), e.expectedGrades(), e.expectedGrades());
            Map<Long, List<Grade>> grades = grades(c, rows.stream().map(r -> ((Cell) r[0]).id()).toList());
            List<ExportRow> out = new ArrayList<>(rows.size());
            for (Object[] r : rows) {
                Cell cell = (Cell) r[0];
                out.add(new ExportRow(cell, (String) r[1], (String) r[2], grades.getOrDefault(cell.id(), List.of())));
            }
            return out;
        });
    }

    private static Map<Long, List<Grade>> grades(java.sql.Connection c, List<Long> cellIds) throws SQLException {
        Map<Long, List<Grade>> out = new HashMap<>();
        if (cellIds.isEmpty()) {
            return out;
        }
        Jdbc.query(c, GRADES, rs -> out.computeIfAbsent(rs.getLong("cell_id"), k -> new ArrayList<>())
                .add(new Grade(rs.getInt("position"), rs.getString("grader"), rs.getObject("pass", Boolean.class),
                        nullableDouble(rs, "score"), rs.getString("reason"), rs.getString("error"),
                        rs.getString("raw_answer"), rs.getObject("grader_cell_id", Long.class))), cellIds);
        return out;
    }

    private static Cell cell(ResultSet rs) throws SQLException {
        return new Cell(rs.getLong("cell_id"), rs.getInt("model_index"), rs.getInt("row_index"), rs.getInt("sample"),
                rs.getString("provider"), rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error"),
                Jdbc.instant(rs, "next_attempt_at"), Jdbc.instant(rs, "updated_at"),
                rs.getObject("response_id", Long.class), rs.getObject("latency_ms", Long.class),
                rs.getObject("tokens_in", Long.class), rs.getObject("tokens_out", Long.class),
                rs.getBigDecimal("cost_usd"), rs.getObject("grader_cell_id", Long.class),
                rs.getString("grader_status"), rs.getString("grader_error"), rs.getBigDecimal("grader_cost_usd"),
                rs.getString("verdict"), rs.getString("verdict_source"), rs.getString("auto_verdict"),
                rs.getString("manual_note"));
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
