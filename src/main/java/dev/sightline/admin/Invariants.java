package dev.sightline.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sightline.store.Jdbc;

/**
 * The reliability guarantees as SQL over the stored state. Each check lists what breaks it; an empty list means the
 * guarantee holds right now. They hold at every instant, not only when runs are over, so the checker may run
 * while nodes are working (and the reliability tests run it after every fault they inject).
 */
public final class Invariants {

    /** Offending rows shown per check; {@code count} always has the full number. */
    static final int EXAMPLES = 10;

    // Every statement returns one line per offending row and starts with the workspace filter
    // "(? IS NULL OR r.workspace_id = ?)": both bound to the workspace id, or to null for all workspaces.

    private static final String ONE_RESPONSE_PER_CELL = """
            SELECT 'cell ' || s.cell_id || ' (' || count(*) || ' responses)'
              FROM response s JOIN cell c ON c.id = s.cell_id JOIN run r ON r.id = c.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint)
             GROUP BY s.cell_id HAVING count(*) > 1 ORDER BY s.cell_id""";

    private static final String SUCCEEDED_HAS_RESPONSE = """
            SELECT 'cell ' || c.id
              FROM cell c JOIN run r ON r.id = c.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND c.status = 'succeeded'
               AND NOT EXISTS (SELECT 1 FROM response s WHERE s.cell_id = c.id)
             ORDER BY c.id""";

    private static final String RESPONSE_ONLY_IF_SUCCEEDED = """
            SELECT 'cell ' || c.id || ' (' || c.status || ')'
              FROM cell c JOIN run r ON r.id = c.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND c.status <> 'succeeded'
               AND EXISTS (SELECT 1 FROM response s WHERE s.cell_id = c.id)
             ORDER BY c.id""";

    /**
     * A cell's attempts do not change while it is leased, and a success ends the lease: the stored response must
     * come from the cell's last attempt. One from an earlier attempt was written by a node whose lease had already
     * been taken over, i.e. past the lease-token fence.
     */
    private static final String RESPONSE_FROM_CURRENT_LEASE = """
            SELECT 'cell ' || c.id || ' (response of attempt ' || s.attempt || ', cell at attempt ' || c.attempts || ')'
              FROM response s JOIN cell c ON c.id = s.cell_id JOIN run r ON r.id = c.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND s.attempt <> c.attempts
             ORDER BY c.id""";

    private static final String COUNTS_ADD_UP = """
            SELECT 'run ' || r.id || ' (cells_total ' || r.cells_total || ', cells by status '
                   || count(c.id) FILTER (WHERE c.status IN ('pending', 'leased', 'succeeded', 'failed', 'cancelled'))
                   || ')'
              FROM run r LEFT JOIN cell c ON c.run_id = r.id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint)
             GROUP BY r.id, r.cells_total
            HAVING r.cells_total <> count(c.id) FILTER (WHERE c.status IN ('pending', 'leased', 'succeeded', 'failed', 'cancelled'))
             ORDER BY r.id""";

    private static final String ATTEMPTS_WITHIN_MAX = """
            SELECT 'cell ' || c.id || ' (' || c.attempts || ' attempts)'
              FROM cell c JOIN run r ON r.id = c.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND c.attempts > ?
             ORDER BY c.id""";

    private static final String NO_STALE_LEASE = """
            SELECT 'cell ' || c.id || ' (node ' || coalesce(c.lease_owner, '?') || ', expired '
                   || round(extract(epoch FROM now() - c.lease_until)::numeric, 1) || ' s ago)'
              FROM cell c JOIN run r ON r.id = c.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND c.status = 'leased' AND c.lease_until < now() - make_interval(secs => ?)
             ORDER BY c.id""";

    /**
     * A stored response waits in analysis_queue until its analysis is written, and runs finish only once their
     * queue is empty. A node that stored it and died leaves the entry; live nodes take such entries over after a
     * lease. One older than that (plus the grace) means nobody will: its run can never finish.
     */
    private static final String NO_STALE_ANALYSIS = """
            SELECT 'response ' || q.response_id || ' (run ' || q.run_id || ', queued '
                   || round(extract(epoch FROM now() - q.queued_at)::numeric, 1) || ' s ago)'
              FROM analysis_queue q JOIN run r ON r.id = q.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND q.queued_at < now() - make_interval(secs => ?)
             ORDER BY q.response_id""";

    private static final String LEASE_FIELDS_CONSISTENT = """
            SELECT 'cell ' || c.id || ' (' || c.status || ', owner ' || coalesce(c.lease_owner, '-') || ', token '
                   || coalesce(c.lease_token::text, '-') || ')'
              FROM cell c JOIN run r ON r.id = c.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint)
               AND CASE WHEN c.status = 'leased'
                        THEN c.lease_token IS NULL OR c.lease_owner IS NULL OR c.lease_until IS NULL
                        ELSE c.lease_token IS NOT NULL OR c.lease_owner IS NOT NULL OR c.lease_until IS NOT NULL END
             ORDER BY c.id""";

    private static final String TERMINAL_RUN_SETTLED = """
            SELECT 'run ' || r.id || ' (' || r.status || ': '
                   || (SELECT count(*) FROM cell c WHERE c.run_id = r.id AND c.status IN ('pending', 'leased'))
                   || ' pending or leased cells, '
                   || (SELECT count(*) FROM analysis_queue q WHERE q.run_id = r.id) || ' unanalysed responses)'
              FROM run r
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND r.status <> 'running'
               AND (EXISTS (SELECT 1 FROM cell c WHERE c.run_id = r.id AND c.status IN ('pending', 'leased'))
                    OR EXISTS (SELECT 1 FROM analysis_queue q WHERE q.run_id = r.id))
             ORDER BY r.id""";

    /**
     * A run's status is decided by the cells it asked for: its sweep or experiment cells that no re-run replaced.
     * Grader and judge calls about its answers are settled (no run ends before them) but do not decide it.
     */
    private static final String RUN_STATUS_MATCHES_CELLS = """
            SELECT 'run ' || r.id || ' (' || r.status || ')'
              FROM run r
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint)
               AND ((r.status = 'completed'
                     AND EXISTS (SELECT 1 FROM cell c WHERE c.run_id = r.id AND c.status <> 'succeeded'
                                    AND c.kind IN ('sweep', 'experiment') AND c.replaced_by IS NULL))
                 OR (r.status = 'completed_with_failures'
                     AND NOT EXISTS (SELECT 1 FROM cell c WHERE c.run_id = r.id AND c.status = 'failed'
                                        AND c.kind IN ('sweep', 'experiment') AND c.replaced_by IS NULL))
                 OR (r.status = 'cancelled' AND r.cancel_requested_at IS NULL))
             ORDER BY r.id""";

    private static final String FAILED_HAS_REASON = """
            SELECT 'cell ' || c.id
              FROM cell c JOIN run r ON r.id = c.run_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND c.status = 'failed' AND coalesce(c.last_error, '') = ''
             ORDER BY c.id""";

    /**
     * Grades and judgements are written in the transaction that takes their response off analysis_queue: an
     * experiment answer analysed without its rule grades, or a grader's or judge's reply read without the grade or
     * judgement it gives, was lost on the way.
     */
    private static final String REPLIES_GRADED = """
            SELECT 'cell ' || c.id || ' (' || c.kind || ')'
              FROM cell c JOIN run r ON r.id = c.run_id JOIN response s ON s.cell_id = c.id
              LEFT JOIN experiment_cell ec ON ec.cell_id = c.id
              LEFT JOIN experiment e ON e.id = ec.experiment_id
             WHERE (?::bigint IS NULL OR r.workspace_id = ?::bigint) AND c.status = 'succeeded'
               AND c.kind IN ('experiment', 'grader', 'judge')
               AND NOT EXISTS (SELECT 1 FROM analysis_queue q WHERE q.response_id = s.id)
               AND CASE c.kind
                     WHEN 'experiment' THEN (SELECT count(*) FROM grade g WHERE g.cell_id = c.id
                                                AND g.position < jsonb_array_length(e.graders))
                                            < jsonb_array_length(e.graders)
                     WHEN 'grader' THEN NOT EXISTS (SELECT 1 FROM grade g WHERE g.grader_cell_id = c.id)
                     ELSE NOT EXISTS (SELECT 1 FROM judgement j WHERE j.judge_cell_id = c.id) END
             ORDER BY c.id""";

    /** One guarantee that does not hold: which check, what is wrong (with examples), and how many rows. */
    public record Violation(String check, String detail, long count) {
    }

    /** The result of a check: {@code ok} when there are no violations. */
    public record Report(boolean ok, List<Violation> violations) {
        public Report {
            violations = List.copyOf(violations);
        }
    }

    private final Jdbc jdbc;
    private final int maxAttempts;
    private final Duration leaseGrace;
    private final Duration analysisGrace;

    /**
     * @param maxAttempts   {@code sightline.retry.max-attempts}
     * @param leaseGrace    how long a lease may stay expired before it counts as abandoned (rescuers run every 2 s)
     * @param analysisGrace how long a stored response may wait for its analysis (a lease plus {@code leaseGrace})
     */
    public Invariants(Jdbc jdbc, int maxAttempts, Duration leaseGrace, Duration analysisGrace) {
        this.jdbc = jdbc;
        this.maxAttempts = maxAttempts;
        this.leaseGrace = leaseGrace;
        this.analysisGrace = analysisGrace;
    }

    /** Every check over every workspace. */
    public Report check() {
        return check(null);
    }

    /** Every check over one workspace's runs (null: all workspaces). */
    public Report check(Long workspaceId) {
        double graceSeconds = leaseGrace.toMillis() / 1000.0;
        List<Violation> out = new ArrayList<>();
        run(out, "one_response_per_cell", "cells with more than one stored response", ONE_RESPONSE_PER_CELL,
                workspaceId);
        run(out, "succeeded_has_response", "succeeded cells without a stored response", SUCCEEDED_HAS_RESPONSE,
                workspaceId);
        run(out, "response_only_if_succeeded", "cells with a stored response that are not succeeded",
                RESPONSE_ONLY_IF_SUCCEEDED, workspaceId);
        run(out, "response_from_current_lease",
                "responses stored from an earlier attempt than the cell's last (written past the lease-token fence)",
                RESPONSE_FROM_CURRENT_LEASE, workspaceId);
        run(out, "counts_add_up", "runs whose cells by status do not add up to cells_total", COUNTS_ADD_UP,
                workspaceId);
        run(out, "attempts_within_max", "cells with more attempts than sightline.retry.max-attempts ("
                + maxAttempts + ")", ATTEMPTS_WITHIN_MAX, workspaceId, maxAttempts);
        run(out, "no_stale_lease", "leases expired for more than " + graceSeconds
                + " s that no node returned to the queue", NO_STALE_LEASE, workspaceId, graceSeconds);
        double analysisSeconds = analysisGrace.toMillis() / 1000.0;
        run(out, "no_stale_analysis", "stored responses waiting for their analysis for more than " + analysisSeconds
                + " s (no node is analysing them; their runs cannot finish)", NO_STALE_ANALYSIS, workspaceId,
                analysisSeconds);
        run(out, "lease_fields_consistent",
                "leased cells without owner, token or expiry, or cells not leased that still carry one",
                LEASE_FIELDS_CONSISTENT, workspaceId);
        run(out, "terminal_run_settled", "finished runs with pending or leased cells or unanalysed responses",
                TERMINAL_RUN_SETTLED, workspaceId);
        run(out, "run_status_matches_cells", "finished runs whose status does not match their cells",
                RUN_STATUS_MATCHES_CELLS, workspaceId);
        run(out, "failed_has_reason", "failed cells without a reason", FAILED_HAS_REASON, workspaceId);
        run(out, "replies_graded", "analysed experiment answers without their rule grades, or grader and judge "
                + "replies read without their grade or judgement", REPLIES_GRADED, workspaceId);
        return new Report(out.isEmpty(), out);
    }

    private void run(List<Violation> out, String name, String description, String sql, Long workspaceId,
                     Object... more) {
        Object[] params = new Object[2 + more.length];
        params[0] = workspaceId;
        params[1] = workspaceId;
        System.arraycopy(more, 0, params, 2, more.length);
        List<String> rows = jdbc.query(sql, rs -> rs.getString(1), params);
        if (!rows.isEmpty()) {
            String examples = String.join(", ", rows.subList(0, Math.min(EXAMPLES, rows.size())))
                    + (rows.size() > EXAMPLES ? ", ..." : "");
            out.add(new Violation(name, description + ": " + examples, rows.size()));
        }
    }
}
