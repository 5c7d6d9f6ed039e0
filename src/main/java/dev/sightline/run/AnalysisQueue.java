package dev.sightline.run;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.google.common.collect.Lists;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.store.AnswerColumns;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;

/**
 * Stored responses waiting for analysis ({@code analysis_queue}, written with the response). The analysis job
 * then lives in the storing node's memory: entries a crash left behind are taken at start, and entries queued
 * longer than a lease (their node died, or its batch failed) are taken over by any node, one node each, the
 * entry's time reset so it is not taken again at once. Both go to the analysis route like any stored answer.
 */
public final class AnalysisQueue {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisQueue.class);
    private static final TypeReference<List<Citation>> CITATIONS = new TypeReference<>() { };
    private static final int BATCH = 250;

    private static final String TAKE = """
            WITH taken AS MATERIALIZED (
              SELECT response_id FROM analysis_queue WHERE queued_at < now() - make_interval(secs => ?)
               ORDER BY response_id LIMIT ? FOR UPDATE SKIP LOCKED)
            UPDATE analysis_queue q SET queued_at = now()
              FROM taken, run r, response s, cell c
             WHERE q.response_id = taken.response_id AND r.id = q.run_id AND s.id = q.response_id
               AND c.id = s.cell_id
            RETURNING q.response_id, q.run_id, r.workspace_id, c.id, c.kind, """ + AnswerColumns.SELECT;

    private final Jdbc jdbc;
    private final Duration orphanedAfter;

    /** @param orphanedAfter how long an entry may wait before it counts as orphaned (the lease duration) */
    public AnalysisQueue(Jdbc jdbc, Duration orphanedAfter) {
        this.jdbc = jdbc;
        this.orphanedAfter = orphanedAfter;
    }

    /**
     * At start: every entry, whatever its age (this node's memory of them died with its last process), in batches
     * for the analysis route.
     */
    public List<List<AnalysisJob>> takeAtStart() {
        List<AnalysisJob> jobs = take(Duration.ofSeconds(-1), 100_000);
        if (!jobs.isEmpty()) {
            LOG.info("Re-queued {} stored responses that were not analysed yet", jobs.size());
        }
        return Lists.partition(jobs, BATCH);
    }

    /** Entries older than a lease (their node stopped or their batch failed), in batches for the analysis route. */
    public List<List<AnalysisJob>> takeOrphans() {
        List<AnalysisJob> jobs = take(orphanedAfter, 500);
        if (!jobs.isEmpty()) {
            LOG.warn("Re-queued {} stored responses whose analysis was lost (their node stopped or their batch failed)",
                    jobs.size());
        }
        return Lists.partition(jobs, BATCH);
    }

    private List<AnalysisJob> take(Duration olderThan, int limit) {
        return jdbc.query(TAKE, rs -> {
            AnswerColumns.Answer a = AnswerColumns.read(rs);
            return new AnalysisJob(rs.getLong(1), rs.getLong(2), rs.getLong(3), a.text(), citations(a.citationsJson()),
                    rs.getLong(4), rs.getString(5));
        }, CellRepository.seconds(olderThan), limit);
    }

    /** Native citations as stored with the response (JSON); unreadable means the text's links only. */
    public static List<Citation> citations(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json, CITATIONS);
        } catch (JsonProcessingException e) {
            LOG.warn("Unreadable stored citations, analysing the text's links only: {}", e.getOriginalMessage());
            return List.of();
        }
    }
}
