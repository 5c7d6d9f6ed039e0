package dev.sightline.run;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.camel.ProducerTemplate;

import dev.sightline.store.Jdbc;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;

/**
 * A response and its analysis_queue entry commit together, but the analysis job then lives in the storing node's
 * memory: if that node dies first, the entry stays and the run can never finish. Entries queued longer than a lease
 * are taken over (one node each, the entry's time reset so it is not taken again at once) and analysed here.
 */
public final class OrphanedAnalyses {

    private static final String TAKE_OVER = """
            WITH stale AS MATERIALIZED (
              SELECT response_id FROM analysis_queue WHERE queued_at < now() - make_interval(secs => ?)
               ORDER BY response_id LIMIT 500 FOR UPDATE SKIP LOCKED)
            UPDATE analysis_queue q SET queued_at = now()
              FROM stale, run r, response s
             WHERE q.response_id = stale.response_id AND r.id = q.run_id AND s.id = q.response_id
            RETURNING q.response_id, q.run_id, r.workspace_id, s.answer_text, s.citations""";

    private static final TypeReference<List<Citation>> CITATIONS = new TypeReference<>() { };

    private final Jdbc jdbc;
    private final ProducerTemplate producer;
    private final String analysisUri;
    private final Duration after;

    /** @param after how long an entry may wait before it counts as orphaned (the lease duration) */
    public OrphanedAnalyses(Jdbc jdbc, ProducerTemplate producer, String analysisUri, Duration after) {
        this.jdbc = jdbc;
        this.producer = producer;
        this.analysisUri = analysisUri;
        this.after = after;
    }

    /** Hands orphaned entries to the analysis route; returns how many. */
    public int requeue() {
        List<AnalysisJob> jobs = jdbc.query(TAKE_OVER, rs -> new AnalysisJob(rs.getLong(1), rs.getLong(2),
                rs.getLong(3), rs.getString(4), citations(rs.getString(5))), CellRepository.seconds(after));
        jobs.forEach(j -> producer.sendBody(analysisUri, j));
        return jobs.size();
    }

    private static List<Citation> citations(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json, CITATIONS);
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}
