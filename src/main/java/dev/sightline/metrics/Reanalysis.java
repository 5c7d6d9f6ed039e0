package dev.sightline.metrics;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.run.AnalysisJob;
import dev.sightline.run.AnalysisService;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/**
 * Recomputes stored analyses from stored raw responses ({@code answer_text}, {@code citations}) with the
 * workspace's current entities and the current analyzer, in batches. Never calls a provider.
 *
 * <p>Responses still in {@code analysis_queue} are skipped: the analysis route owns them and will analyse them
 * with the current entities anyway; taking them here too would race its write. One re-analysis per workspace at a
 * time (a PostgreSQL advisory lock, so it holds across nodes).
 */
public final class Reanalysis {

    private static final Logger LOG = LoggerFactory.getLogger(Reanalysis.class);
    private static final int LOCK_CLASS = 0x5e1a;
    static final int BATCH = 250;

    /** Parameters: workspace, run (twice), from (twice), to (twice), after response id, limit. */
    private static final String STORED_RESPONSES = """
            SELECT s.id, c.run_id, s.answer_text, s.citations::text AS citations
              FROM response s
              JOIN cell c ON c.id = s.cell_id
              JOIN run r ON r.id = c.run_id
             WHERE r.workspace_id = ?
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
    private final AnalysisService analysis;

    public Reanalysis(Jdbc jdbc, AnalysisService analysis) {
        this.jdbc = jdbc;
        this.analysis = analysis;
    }

    public Result run(Scope scope) {
        return jdbc.withConnection(lockConnection -> {
            int ws = Math.toIntExact(scope.workspaceId());
            boolean locked = Jdbc.queryOne(lockConnection, TRY_LOCK, rs -> rs.getBoolean(1), LOCK_CLASS, ws)
                    .orElse(false);
            if (!locked) {
                throw Rejection.conflict("reanalysis_running",
                        "a re-analysis of this workspace is already running; try again when it is done");
            }
            try {
                return reanalyse(scope);
            } finally {
                Jdbc.queryOne(lockConnection, UNLOCK, rs -> rs.getBoolean(1), LOCK_CLASS, ws);
            }
        });
    }

    private Result reanalyse(Scope scope) {
        long after = 0;
        int done = 0;
        int failed = 0;
        while (true) {
            List<AnalysisJob> jobs = jdbc.query(STORED_RESPONSES, rs -> new AnalysisJob(rs.getLong("id"),
                    rs.getLong("run_id"), scope.workspaceId(), rs.getString("answer_text"),
                    citations(rs.getString("citations"))), scope.workspaceId(), scope.runId(), scope.runId(),
                    scope.from(), scope.from(), scope.to(), scope.to(), after, BATCH);
            if (jobs.isEmpty()) {
                break;
            }
            List<AnalysisService.Analysed> batch = new ArrayList<>(jobs.size());
            for (AnalysisJob job : jobs) {
                AnalysisService.Analysed a = analysis.analyse(job);
                if (a.error() != null) {
                    failed++;
                }
                batch.add(a);
            }
            analysis.write(batch);
            done += batch.size();
            after = jobs.get(jobs.size() - 1).responseId();
            if (jobs.size() < BATCH) {
                break;
            }
        }
        LOG.info("Re-analysed {} stored responses of workspace {} (run {}, {}..{}) with analyzer {}: {} failed",
                done, scope.workspaceId(), scope.runId(), scope.from(), scope.to(), AnswerAnalyzer.VERSION, failed);
        return new Result(done, failed, AnswerAnalyzer.VERSION);
    }

    static List<Citation> citations(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<Citation>>() { });
        } catch (JsonProcessingException e) {
            // stored by the pipeline from the same record type; unreadable means no usable native citations
            LOG.warn("Unreadable stored citations, analysing the text's links only: {}", e.getOriginalMessage());
            return List.of();
        }
    }
}
