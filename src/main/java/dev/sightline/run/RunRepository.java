package dev.sightline.run;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

import dev.sightline.events.Outbox;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;

/** Runs: planning (the run and all its cells in one transaction), reading, cancelling, finalising. */
public final class RunRepository {

    static final String RUN_COLUMNS = """
            r.id, r.workspace_id, r.run_date, r.trigger, r.status, r.providers, r.prompt_tags, r.samples,
            r.cells_total, r.estimated_cost_usd, r.created_at, r.finished_at, r.cancel_requested_at,
            r.idempotency_key, r.request_hash, r.kind""";

    private static final String SELECT_BY_KEY = "SELECT " + RUN_COLUMNS
            + " FROM run r WHERE workspace_id = ? AND idempotency_key = ?";
    private static final String SELECT_BY_ID = "SELECT " + RUN_COLUMNS + " FROM run r WHERE id = ? AND workspace_id = ?";
    private static final String SELECT_SWEEP_BY_ID = "SELECT " + RUN_COLUMNS
            + " FROM run r WHERE id = ? AND workspace_id = ? AND kind = 'sweep'";
    private static final String SELECT_PROMPTS_FOR_RUN = """
            SELECT id, text FROM prompt
             WHERE workspace_id = ? AND active AND (cardinality(?::text[]) = 0 OR tags && ?::text[])
             ORDER BY id""";
    private static final String SELECT_ACTIVE_TAGS = """
            SELECT DISTINCT unnest(tags) FROM prompt WHERE workspace_id = ? AND active""";
    private static final String INSERT_RUN = """
            INSERT INTO run (workspace_id, run_date, trigger, idempotency_key, request_hash, providers, prompt_tags,
                             samples, cells_total, estimated_cost_usd)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
            RETURNING id""";
    private static final String INSERT_CELLS = """
            INSERT INTO cell (run_id, prompt_id, provider, sample)
            SELECT ?, pid, prov, s
              FROM unnest(?::bigint[]) WITH ORDINALITY AS p(pid, pord),
                   unnest(?::text[]) WITH ORDINALITY AS v(prov, vord),
                   generate_series(1, ?) AS s
             ORDER BY s, pord, vord""";
    private static final String RUN_CREATED = """
            INSERT INTO event (workspace_id, run_id, type, payload)
            SELECT workspace_id, id, 'run.created',
                   jsonb_build_object('runId', id, 'trigger', trigger, 'runDate', run_date, 'providers', providers,
                                      'promptTags', prompt_tags, 'samples', samples, 'cellsTotal', cells_total,
                                      'estimatedCostUsd', estimated_cost_usd, 'createdAt', created_at)
              FROM run WHERE id = ?""";
    /**
     * A page of runs with their counts and costs in one statement: a terminal run's were frozen in its row when it
     * was finalised, a running run's are counted now. Missing filters are passed as bounds that match every run
     * (not as {@code ? IS NULL OR ...}), so the statement keeps one plan.
     */
    private static final String LIST = "SELECT " + RUN_COLUMNS + """
            , coalesce(r.cell_counts, live.counts) AS counts, coalesce(r.last_cell_update, live.last) AS last,
              coalesce(r.tokens_in, cost.tin) AS tin, coalesce(r.tokens_out, cost.tout) AS tout,
              coalesce(r.cost_usd, cost.cost) AS cost, now() AS now
             FROM run r
             LEFT JOIN LATERAL (
                  SELECT jsonb_object_agg(x.status, x.n) AS counts, max(x.last) AS last
                    FROM (SELECT c.status, count(*) AS n, max(c.updated_at) AS last
                            FROM cell c WHERE c.run_id = r.id AND r.cell_counts IS NULL GROUP BY c.status) x) live
                  ON true
             LEFT JOIN LATERAL (
                  SELECT coalesce(sum(s.tokens_in), 0) AS tin, coalesce(sum(s.tokens_out), 0) AS tout,
                         coalesce(sum(s.cost_usd), 0) AS cost
                    FROM cell c JOIN response s ON s.cell_id = c.id
                   WHERE c.run_id = r.id AND r.cell_counts IS NULL) cost ON true
            WHERE r.workspace_id = ? AND r.kind = 'sweep'
              AND r.status = ANY (?::text[])
              AND r.run_date BETWEEN ?::date AND ?::date
              AND r.id < ?
            ORDER BY r.id DESC
            LIMIT ?""";
    private static final List<String> ANY_STATUS = List.of("running", "completed", "completed_with_failures",
            "cancelled");
    private static final String COUNTS = "SELECT status, count(*) AS n, max(updated_at) AS last FROM cell WHERE run_id = ? GROUP BY status";
    private static final String COUNTS_BY_PROVIDER = """
            SELECT provider, status, count(*) AS n FROM cell WHERE run_id = ? GROUP BY provider, status""";
    private static final String COSTS = """
            SELECT coalesce(sum(r.tokens_in), 0) AS tin, coalesce(sum(r.tokens_out), 0) AS tout,
                   coalesce(sum(r.cost_usd), 0) AS cost
              FROM response r JOIN cell c ON c.id = r.cell_id WHERE c.run_id = ?""";
    private static final String REQUEST_CANCEL = """
            UPDATE run SET cancel_requested_at = coalesce(cancel_requested_at, now())
             WHERE id = ? AND workspace_id = ? AND status = 'running'""";
    private static final String CANCEL_PENDING = """
            WITH changed AS (
              UPDATE cell SET status = 'cancelled', last_error = 'run cancelled', updated_at = now()
               WHERE run_id = ? AND status = 'pending'
              RETURNING id, run_id, provider, prompt_id, status, kind)
            """ + CellRepository.ANNOUNCE_ENDED + "SELECT count(*) FROM changed";
    /**
     * A run is over when none of its cells is pending or leased and every stored response has been analysed
     * (so its metrics are complete the moment it says so). Its status comes from the cells it asked for (sweep or
     * experiment cells that no re-run replaced): a grader or judge call that failed leaves the answer it was about
     * without its grade or judgement, it does not fail the run. Its run.completed (or experiment.completed) event and
     * the webhook deliveries of that event are written by the same statement.
     */
    private static final String FINALIZE = """
            WITH finished AS (
              UPDATE run r
                 SET status = CASE
                       WHEN r.cancel_requested_at IS NOT NULL THEN 'cancelled'
                       WHEN EXISTS (SELECT 1 FROM cell f WHERE f.run_id = r.id AND f.status = 'failed'
                                       AND f.kind IN ('sweep', 'experiment') AND f.replaced_by IS NULL)
                         THEN 'completed_with_failures'
                       ELSE 'completed' END,
                     finished_at = now(),
                     cell_counts = (SELECT jsonb_object_agg(x.status, x.n)
                                      FROM (SELECT c.status, count(*) AS n FROM cell c WHERE c.run_id = r.id
                                             GROUP BY c.status) x),
                     last_cell_update = (SELECT max(c.updated_at) FROM cell c WHERE c.run_id = r.id),
                     (tokens_in, tokens_out, cost_usd) = (
                       SELECT coalesce(sum(s.tokens_in), 0), coalesce(sum(s.tokens_out), 0), coalesce(sum(s.cost_usd), 0)
                         FROM cell c JOIN response s ON s.cell_id = c.id WHERE c.run_id = r.id)
               WHERE r.status = 'running'
                 AND (?::bigint[] IS NULL OR r.id = ANY (?::bigint[]))
                 AND NOT EXISTS (SELECT 1 FROM cell c WHERE c.run_id = r.id AND c.status IN ('pending', 'leased'))
                 AND NOT EXISTS (SELECT 1 FROM analysis_queue q WHERE q.run_id = r.id)
              RETURNING r.id, r.workspace_id, r.status, r.cells_total, r.finished_at, r.kind),
            announced AS (
              INSERT INTO event (workspace_id, run_id, type, payload)
              SELECT f.workspace_id, f.id,
                     CASE f.kind WHEN 'experiment' THEN 'experiment.completed' ELSE 'run.completed' END,
                     jsonb_build_object('runId', f.id, 'status', f.status, 'cellsTotal', f.cells_total,
                       'finishedAt', f.finished_at,
                       'counts', (SELECT jsonb_object_agg(x.status, x.n)
                                    FROM (SELECT status, count(*) AS n FROM cell WHERE run_id = f.id GROUP BY status) x))
                     || CASE WHEN f.kind = 'experiment' THEN jsonb_build_object('experimentId',
                          (SELECT e.id FROM experiment e WHERE e.run_id = f.id)) ELSE '{}'::jsonb END
                FROM finished f
              RETURNING id, workspace_id, type)
            """ + Outbox.QUEUE_ANNOUNCED + "SELECT id, status FROM finished";
    /** Per provider; a judge's calls (sightline.analysis.judge) on a line of their own, "judge <provider>". */
    private static final String PROVIDER_SUMMARY = """
            SELECT CASE c.kind WHEN 'sweep' THEN c.provider ELSE c.kind || ' ' || c.provider END AS provider,
                   count(*) AS cells,
                   count(*) FILTER (WHERE c.status = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE c.status = 'failed') AS failed,
                   count(*) FILTER (WHERE c.status = 'cancelled') AS cancelled,
                   coalesce(sum(r.tokens_in), 0) AS tokens_in,
                   coalesce(sum(r.tokens_out), 0) AS tokens_out,
                   coalesce(sum(r.cost_usd), 0) AS cost,
                   coalesce(avg(r.latency_ms), 0) AS latency,
                   min(c.created_at) AS started,
                   max(r.created_at) AS last_response
              FROM cell c LEFT JOIN response r ON r.cell_id = c.id
             WHERE c.run_id = ?
             GROUP BY c.kind, c.provider ORDER BY c.kind <> 'sweep', c.provider""";

    /** Notified when this node has made runs terminal ({@link #awaitFinalized}). */
    private final Object finalized = new Object();
    private final Jdbc jdbc;

    private volatile LongConsumer cancelled = runId -> { };

    public RunRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Told of every run this node cancels, once its pending cells are cancelled ({@link Dispatcher#runCancelled}). */
    public void onCancelled(LongConsumer listener) {
        this.cancelled = listener;
    }

    public record PromptRef(long id, String text) {
    }

    public record Planned(Run run, boolean created) {
    }

    /** Inserts the run and every cell, or returns the run an earlier request with the same key created. */
    public Planned insert(long workspaceId, RunRequest req, String requestHash, List<PromptRef> prompts,
                          List<String> providers, BigDecimal estimate) {
        return jdbc.inTransaction(c -> {
            if (req.idempotencyKey() != null) {
                Optional<Run> existing = Jdbc.queryOne(c, SELECT_BY_KEY, RunRepository::run, workspaceId,
                        req.idempotencyKey());
                if (existing.isPresent()) {
                    return new Planned(existing.get(), false);
                }
            }
            int total = prompts.size() * providers.size() * req.samples();
            Optional<Long> id = Jdbc.queryOne(c, INSERT_RUN, rs -> rs.getLong(1), workspaceId, req.runDate(),
                    req.trigger(), req.idempotencyKey(), requestHash, providers, req.promptTags(), req.samples(),
                    total, estimate);
            if (id.isEmpty()) {
                // a concurrent request with the same key committed first: answer with its run
                return new Planned(Jdbc.queryOne(c, SELECT_BY_KEY, RunRepository::run, workspaceId,
                        req.idempotencyKey()).orElseThrow(), false);
            }
            long[] promptIds = prompts.stream().mapToLong(PromptRef::id).toArray();
            int inserted = Jdbc.update(c, INSERT_CELLS, id.get(), promptIds, providers, req.samples());
            if (inserted != total) {
                throw new IllegalStateException("planned " + total + " cells but inserted " + inserted);
            }
            Jdbc.update(c, RUN_CREATED, id.get());
            return new Planned(Jdbc.queryOne(c, SELECT_BY_ID, RunRepository::run, id.get(), workspaceId).orElseThrow(),
                    true);
        });
    }

    public List<PromptRef> promptsFor(long workspaceId, List<String> tags) {
        return jdbc.query(SELECT_PROMPTS_FOR_RUN, rs -> new PromptRef(rs.getLong(1), rs.getString(2)), workspaceId,
                tags, tags);
    }

    public List<String> activeTags(long workspaceId) {
        return jdbc.query(SELECT_ACTIVE_TAGS, rs -> rs.getString(1), workspaceId);
    }

    /** A sweep of the workspace (an experiment's run is not one: see {@link #findAnyKind}). */
    public Optional<Run> find(long workspaceId, long runId) {
        return jdbc.queryOne(SELECT_SWEEP_BY_ID, RunRepository::run, runId, workspaceId);
    }

    /** A run of any kind: a sweep, or the run that carries an experiment's cells. */
    public Optional<Run> findAnyKind(long workspaceId, long runId) {
        return jdbc.queryOne(SELECT_BY_ID, RunRepository::run, runId, workspaceId);
    }

    public Optional<Run> findByKey(long workspaceId, String key) {
        return jdbc.queryOne(SELECT_BY_KEY, RunRepository::run, workspaceId, key);
    }

    /** Runs newest first, each with its progress, in one statement (null filters do not restrict). */
    public List<RunProgress> list(long workspaceId, String status, LocalDate from, LocalDate to, Long before,
                                  int limit) {
        return jdbc.query(LIST, rs -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            RunProgress.STATUSES.forEach(st -> counts.put(st, 0));
            String json = rs.getString("counts");
            if (json != null) {
                Json.parseObject(json).fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
            }
            Run run = run(rs);
            Instant last = Jdbc.instant(rs, "last");
            return new RunProgress(run, counts, rs.getLong("tin"), rs.getLong("tout"), rs.getBigDecimal("cost"),
                    last == null || last.isBefore(run.createdAt()) ? run.createdAt() : last, Jdbc.instant(rs, "now"));
        }, workspaceId, status == null ? ANY_STATUS : List.of(status), from == null ? LocalDate.of(1, 1, 1) : from,
                to == null ? LocalDate.of(9999, 12, 31) : to, before == null ? Long.MAX_VALUE : before, limit);
    }

    public RunProgress progress(Run run) {
        return jdbc.withConnection(c -> progress(c, run));
    }

    private static RunProgress progress(Connection c, Run run) throws SQLException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        RunProgress.STATUSES.forEach(s -> counts.put(s, 0));
        Instant[] last = {run.createdAt()};
        Jdbc.query(c, COUNTS, rs -> {
            counts.put(rs.getString("status"), rs.getInt("n"));
            Instant t = Jdbc.instant(rs, "last");
            if (t != null && t.isAfter(last[0])) {
                last[0] = t;
            }
            return null;
        }, run.id());
        Object[] costs = Jdbc.queryOne(c, COSTS, rs -> new Object[] {rs.getLong("tin"), rs.getLong("tout"),
                rs.getBigDecimal("cost")}, run.id()).orElseThrow();
        Instant now = Jdbc.queryOne(c, "SELECT now() AS now", rs -> Jdbc.instant(rs, "now")).orElseThrow();
        return new RunProgress(run, counts, (Long) costs[0], (Long) costs[1], (BigDecimal) costs[2], last[0], now);
    }

    /** The run's cells counted per provider and status (every status present, in {@link RunProgress#STATUSES} order). */
    public Map<String, Map<String, Integer>> countsByProvider(Run run) {
        Map<String, Map<String, Integer>> out = new java.util.TreeMap<>();
        for (String p : run.providers()) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            RunProgress.STATUSES.forEach(st -> counts.put(st, 0));
            out.put(p, counts);
        }
        jdbc.query(COUNTS_BY_PROVIDER, rs -> out.computeIfAbsent(rs.getString("provider"), k -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            RunProgress.STATUSES.forEach(st -> counts.put(st, 0));
            return counts;
        }).put(rs.getString("status"), rs.getInt("n")), run.id());
        return out;
    }

    /** @return false when the run is already over */
    public boolean cancel(long workspaceId, long runId) {
        boolean cancelling = jdbc.inTransaction(c -> {
            if (Jdbc.update(c, REQUEST_CANCEL, runId, workspaceId) == 0) {
                return false;
            }
            Jdbc.queryOne(c, CANCEL_PENDING, rs -> rs.getLong(1), runId);
            return true;
        });
        if (cancelling) {
            cancelled.accept(runId);
        }
        return cancelling;
    }

    public record Finalized(long runId, String status) {
    }

    /** Sets every finished run among {@code runIds} (null: all open runs) to its terminal status. */
    public List<Finalized> finalizeRuns(long[] runIds) {
        List<Finalized> done = jdbc.query(FINALIZE, rs -> new Finalized(rs.getLong(1), rs.getString(2)), runIds,
                runIds);
        if (!done.isEmpty()) {
            synchronized (finalized) {
                finalized.notifyAll();
            }
        }
        return done;
    }

    /**
     * Waits until this node finalises a run (made it terminal) or {@code millis} pass, whichever is first: a
     * follower of a run ({@code --once}) learns of its end at once instead of at its next poll. Runs finalised by
     * another node are seen at the next poll.
     */
    public void awaitFinalized(long millis) throws InterruptedException {
        synchronized (finalized) {
            finalized.wait(millis);
        }
    }

    /** Ends every {@link #awaitFinalized} now (a follower told to cancel its run looks at once). */
    public void wakeFollowers() {
        synchronized (finalized) {
            finalized.notifyAll();
        }
    }

    public record ProviderSummary(String provider, int cells, int succeeded, int failed, int cancelled, long tokensIn,
                                  long tokensOut, BigDecimal costUsd, double avgLatencyMs, Instant started,
                                  Instant lastResponse) {
    }

    public List<ProviderSummary> providerSummary(long runId) {
        return jdbc.query(PROVIDER_SUMMARY, rs -> new ProviderSummary(rs.getString("provider"), rs.getInt("cells"),
                rs.getInt("succeeded"), rs.getInt("failed"), rs.getInt("cancelled"), rs.getLong("tokens_in"),
                rs.getLong("tokens_out"), rs.getBigDecimal("cost"), rs.getDouble("latency"),
                Jdbc.instant(rs, "started"), Jdbc.instant(rs, "last_response")), runId);
    }

    static Run run(ResultSet rs) throws SQLException {
        return new Run(rs.getLong("id"), rs.getLong("workspace_id"), rs.getObject("run_date", LocalDate.class),
                rs.getString("trigger"), rs.getString("status"), Jdbc.strings(rs, "providers"),
                Jdbc.strings(rs, "prompt_tags"), rs.getInt("samples"), rs.getInt("cells_total"),
                rs.getBigDecimal("estimated_cost_usd"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "finished_at"), Jdbc.instant(rs, "cancel_requested_at"),
                rs.getString("idempotency_key"), rs.getString("request_hash"), rs.getString("kind"));
    }

}
