package dev.sightline.run;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import javax.sql.DataSource;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.store.AnswerColumns;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Rejection;
import dev.sightline.values.Scope;

/**
 * Re-analysis of stored answers with the workspace's current entities and the current analyzer. The route takes
 * the workspace's lock, splits the stored answers into batches that go through the analysis route like any new
 * answer, and adds up what was analysed. Responses still waiting for their first analysis are left to the
 * pipeline, which analyses them with the current entities anyway. One re-analysis per workspace at a time (a
 * PostgreSQL advisory lock, so it holds across nodes).
 */
public final class Reanalysis {

    private static final Logger LOG = LoggerFactory.getLogger(Reanalysis.class);
    private static final int LOCK_CLASS = 0x5e1a;
    static final int BATCH = 250;

    /** Exchange properties of a re-analysis: what it covers, and the connection holding its lock. */
    public static final String SCOPE = "sightline.reanalysisScope";
    private static final String LOCK = "sightline.reanalysisLock";

    /** Parameters: workspace, run (twice), from (twice), to (twice), after response id, limit. */
    private static final String STORED_RESPONSES = """
            SELECT s.id, c.run_id, c.id AS cell_id, c.kind, """ + AnswerColumns.SELECT + """
              FROM response s
              JOIN cell c ON c.id = s.cell_id
              JOIN run r ON r.id = c.run_id
             WHERE r.workspace_id = ? AND c.kind IN ('sweep', 'experiment')
               AND (?::bigint IS NULL OR r.id = ?::bigint)
               AND (?::date IS NULL OR r.run_date >= ?::date)
               AND (?::date IS NULL OR r.run_date <= ?::date)
               AND s.id > ?
               AND NOT EXISTS (SELECT 1 FROM analysis_queue q WHERE q.response_id = s.id)
             ORDER BY s.id
             LIMIT ?""";
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?, ?)";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(?, ?)";

    /** What a re-analysis did: responses analysed, and of those how many the analyzer failed on. */
    public record Result(int reanalyzed, int failed, String analyzerVersion) {
    }

    private final Jdbc jdbc;
    private final DataSource dataSource;

    public Reanalysis(Jdbc jdbc) {
        this.jdbc = jdbc;
        this.dataSource = jdbc.dataSource();
    }

    /** Takes the workspace's re-analysis lock on a connection of its own, held until {@link #unlock}. */
    public void lock(Exchange exchange) throws SQLException {
        Scope scope = exchange.getProperty(SCOPE, Scope.class);
        Connection c = dataSource.getConnection();
        boolean locked;
        try {
            locked = Jdbc.queryOne(c, TRY_LOCK, rs -> rs.getBoolean(1), LOCK_CLASS, lockKey(scope)).orElse(false);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        if (!locked) {
            c.close();
            throw Rejection.conflict("reanalysis_running",
                    "a re-analysis of this workspace is already running; try again when it is done");
        }
        exchange.setProperty(LOCK, c);
    }

    public void unlock(Exchange exchange) {
        Connection c = exchange.getProperty(LOCK, Connection.class);
        Scope scope = exchange.getProperty(SCOPE, Scope.class);
        if (c == null) {
            return;
        }
        exchange.removeProperty(LOCK);
        try (c) {
            Jdbc.queryOne(c, UNLOCK, rs -> rs.getBoolean(1), LOCK_CLASS, lockKey(scope));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Releasing the re-analysis lock failed ({}); closing its connection releases it", e.getMessage());
        }
    }

    private static int lockKey(Scope scope) {
        return Math.toIntExact(scope.workspaceId());
    }

    /** The stored answers in scope, in batches read one at a time as the split asks for them. */
    public Iterator<List<AnalysisJob>> batches(Exchange exchange) {
        Scope scope = exchange.getProperty(SCOPE, Scope.class);
        return new Iterator<>() {
            private long after;
            private List<AnalysisJob> next = read();

            private List<AnalysisJob> read() {
                List<AnalysisJob> jobs = jdbc.query(STORED_RESPONSES, rs -> {
                    AnswerColumns.Answer a = AnswerColumns.read(rs);
                    return new AnalysisJob(rs.getLong("id"), rs.getLong("run_id"), scope.workspaceId(), a.text(),
                            AnalysisQueue.citations(a.citationsJson()), rs.getLong("cell_id"), rs.getString("kind"));
                }, scope.workspaceId(), scope.runId(),
                        scope.runId(), scope.from(), scope.from(), scope.to(), scope.to(), after, BATCH);
                if (!jobs.isEmpty()) {
                    after = jobs.get(jobs.size() - 1).responseId();
                }
                return jobs;
            }

            @Override
            public boolean hasNext() {
                return !next.isEmpty();
            }

            @Override
            public List<AnalysisJob> next() {
                if (next.isEmpty()) {
                    throw new NoSuchElementException();
                }
                List<AnalysisJob> out = next;
                next = out.size() < BATCH ? List.of() : read();
                return out;
            }
        };
    }

    /** The split's totals: adds up the analysed and failed counts of every written batch. */
    public static final class Totals implements AggregationStrategy {
        @Override
        public Exchange aggregate(Exchange total, Exchange batch) {
            if (total == null) {
                return batch;
            }
            for (String h : new String[] {AnalysisBatches.ANALYSED, AnalysisBatches.FAILED}) {
                int sum = total.getMessage().getHeader(h, 0, Integer.class) + batch.getMessage().getHeader(h, 0,
                        Integer.class);
                total.getMessage().setHeader(h, sum);
            }
            return total;
        }
    }

    /** After the split: what was done, logged once. */
    public Result result(Exchange exchange) {
        Scope scope = exchange.getProperty(SCOPE, Scope.class);
        int done = exchange.getMessage().getHeader(AnalysisBatches.ANALYSED, 0, Integer.class);
        int failed = exchange.getMessage().getHeader(AnalysisBatches.FAILED, 0, Integer.class);
        LOG.info("Re-analysed {} stored responses of workspace {} (run {}, {}..{}) with analyzer {}: {} failed",
                done, scope.workspaceId(), scope.runId(), scope.from(), scope.to(), AnswerAnalyzer.VERSION, failed);
        return new Result(done, failed, AnswerAnalyzer.VERSION);
    }
}
