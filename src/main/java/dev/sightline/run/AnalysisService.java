package dev.sightline.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.analysis.Analysis;
import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.analysis.CitedSource;
import dev.sightline.analysis.EntityResult;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Citation;
import dev.sightline.values.Json;
import dev.sightline.workspace.Workspace;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Analyses stored responses and writes mentions and citations in batches. Never calls a provider: everything it
 * needs is in the stored response, so it can run again at any time with new aliases or a new analyzer.
 */
public final class AnalysisService {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisService.class);
    private static final ObjectMapper JSON = Json.MAPPER;

    private static final String DELETE_ANALYSES = "DELETE FROM analysis WHERE response_id = ANY (?)";
    private static final String INSERT_ANALYSIS = """
            INSERT INTO analysis (response_id, analyzer_version, brand_visible, share_of_voice, error)
            VALUES (?, ?, ?, ?, ?)""";
    private static final String INSERT_MENTION = """
            INSERT INTO mention (response_id, entity_id, mentioned, mention_count, list_rank, mention_order, sentiment,
                                 sentiment_score, evidence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""";
    private static final String INSERT_CITATION = """
            INSERT INTO citation (response_id, position, url, domain, owner, entity_id, source, marker)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String DEQUEUE = "DELETE FROM analysis_queue WHERE response_id = ANY (?)";
    private static final String QUEUED = """
            SELECT q.response_id, q.run_id, r.workspace_id, s.answer_text, s.citations
              FROM analysis_queue q JOIN run r ON r.id = q.run_id JOIN response s ON s.id = q.response_id
             ORDER BY q.response_id""";

    /** One analysed response, ready to be written; {@code error} instead of an analysis when the analyzer failed. */
    public record Analysed(long responseId, long runId, long workspaceId, Analysis analysis, String error) {
    }

    private record Cached(Workspace workspace, AnswerAnalyzer analyzer) {
    }

    private final Jdbc jdbc;
    private final WorkspaceRepository workspaces;
    private final RunRepository runs;
    private final Map<Long, Cached> analyzers = new ConcurrentHashMap<>();

    public AnalysisService(Jdbc jdbc, WorkspaceRepository workspaces, RunRepository runs) {
        this.jdbc = jdbc;
        this.workspaces = workspaces;
        this.runs = runs;
    }

    public Analysed analyse(AnalysisJob job) {
        try {
            return new Analysed(job.responseId(), job.runId(), job.workspaceId(),
                    analyzer(job.workspaceId()).analyze(job.text(), job.citations()), null);
        } catch (RuntimeException | LinkageError e) {
            // recorded, not retried: the run finishes, the response is flagged, and re-analysis can redo it
            LOG.error("Analysis of response {} failed", job.responseId(), e);
            return new Analysed(job.responseId(), job.runId(), job.workspaceId(), null,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The analyzer for a workspace's current entities; rebuilt when an import changed them. */
    public AnswerAnalyzer analyzer(long workspaceId) {
        Workspace ws = workspaces.get(workspaceId);
        Cached c = analyzers.get(workspaceId);
        if (c == null || c.workspace() != ws) {
            c = new Cached(ws, new AnswerAnalyzer(ws.entities()));
            analyzers.put(workspaceId, c);
        }
        return c.analyzer();
    }

    /** Writes a batch in one transaction (replacing earlier analyses of the same responses), then finalises runs. */
    public void write(List<Analysed> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long[] ids = batch.stream().mapToLong(Analysed::responseId).toArray();
        jdbc.inTransaction(c -> {
            Jdbc.update(c, DELETE_ANALYSES, ids);
            insertRows(c, batch);
            Jdbc.update(c, DEQUEUE, ids);
            return null;
        });
        Set<Long> runIds = new LinkedHashSet<>();
        batch.forEach(a -> runIds.add(a.runId()));
        runs.finalizeRuns(runIds.stream().mapToLong(Long::longValue).toArray())
                .forEach(f -> LOG.info("Run {} finished: {}", f.runId(), f.status()));
    }

    private void insertRows(Connection c, List<Analysed> batch) throws SQLException {
        try (PreparedStatement a = c.prepareStatement(INSERT_ANALYSIS);
             PreparedStatement m = c.prepareStatement(INSERT_MENTION);
             PreparedStatement ct = c.prepareStatement(INSERT_CITATION)) {
            for (Analysed x : batch) {
                Analysis an = x.analysis();
                a.setLong(1, x.responseId());
                a.setString(2, AnswerAnalyzer.VERSION);
                a.setBoolean(3, an != null && an.brandVisible());
                a.setDouble(4, an == null ? 0 : an.shareOfVoice());
                a.setString(5, x.error());
                a.addBatch();
                if (an == null) {
                    continue;
                }
                Map<String, Long> entityIds = new HashMap<>();
                for (EntityResult e : an.entities()) {
                    entityIds.put(e.entity().name(), e.entity().id());
                    if (!e.mentioned()) {
                        continue; // no row means not mentioned: two thirds fewer rows to write and index
                    }
                    m.setLong(1, x.responseId());
                    m.setLong(2, e.entity().id());
                    m.setBoolean(3, e.mentioned());
                    m.setInt(4, e.count());
                    setInt(m, 5, e.listRank());
                    setInt(m, 6, e.mentionOrder());
                    m.setString(7, e.sentiment() == null ? null : e.sentiment().json());
                    if (e.sentimentScore() == null) {
                        m.setNull(8, Types.DOUBLE);
                    } else {
                        m.setDouble(8, e.sentimentScore());
                    }
                    m.setString(9, json(e.evidence()));
                    m.addBatch();
                }
                int pos = 0;
                for (CitedSource s : an.citations()) {
                    ct.setLong(1, x.responseId());
                    ct.setInt(2, ++pos);
                    ct.setString(3, s.url());
                    ct.setString(4, s.domain() == null ? "" : s.domain());
                    ct.setString(5, s.owner().json());
                    Long eid = s.ownerName() == null ? null : entityIds.get(s.ownerName());
                    if (eid == null) {
                        ct.setNull(6, Types.BIGINT);
                    } else {
                        ct.setLong(6, eid);
                    }
                    ct.setString(7, s.source());
                    setInt(ct, 8, s.marker());
                    ct.addBatch();
                }
            }
            a.executeBatch();
            m.executeBatch();
            ct.executeBatch();
        }
    }

    /** Responses a crash left unanalysed go back to the analysis route at start. */
    public int recoverQueue(ProducerTemplate producer, String uri) {
        List<AnalysisJob> jobs = jdbc.query(QUEUED, rs -> new AnalysisJob(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                rs.getString(4), citations(rs.getString(5))));
        jobs.forEach(j -> producer.sendBody(uri, j));
        if (!jobs.isEmpty()) {
            LOG.info("Re-queued {} stored responses that were not analysed yet", jobs.size());
        }
        return jobs.size();
    }

    static List<Citation> citations(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<List<Citation>>() { });
        } catch (JsonProcessingException e) {
            return new ArrayList<>();
        }
    }

    private static void setInt(PreparedStatement ps, int idx, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(idx, Types.INTEGER);
        } else {
            ps.setInt(idx, v);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
