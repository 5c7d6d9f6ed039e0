package dev.sightline.judge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import dev.sightline.run.AnalysisBatches;
import dev.sightline.run.AnalysisJob;
import dev.sightline.run.CellKind;
import dev.sightline.run.StatementColumns;
import dev.sightline.store.AnswerColumns;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;
import dev.sightline.values.TrackedEntity;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * The analysis route's judge step ({@code sightline.analysis.judge}). A sweep answer is judged by the configured
 * provider: its call is a cell of the answer's run (same queue, throttle, circuit and budget; its cost is the run's),
 * unless an answer with the same hash was judged before, whose judgement is copied. A judge's reply, stored like any
 * answer, becomes per-entity sentiment beside the analyzer's (never replacing it); a reply that is not the JSON asked
 * for is recorded as a failed judgement, and metrics use the analyzer's sentiment for that answer.
 */
public final class Judging {

    private static final String CACHED = """
            SELECT DISTINCT ON (cache_key) cache_key, response_id, verdict::text AS verdict
              FROM judgement
             WHERE workspace_id = ? AND cache_key = ANY (?) AND status = 'judged'
             ORDER BY cache_key, response_id""";
    private static final String JUDGED_ALREADY = """
            SELECT response_id FROM judgement WHERE response_id = ANY (?)""";
    private static final String REPLIES = """
            SELECT j.id, s.id AS response_id, r.workspace_id, """ + AnswerColumns.SELECT + """
              FROM cell j
              JOIN response s ON s.cell_id = j.parent_cell_id
              JOIN run r ON r.id = j.run_id
             WHERE j.id = ANY (?)""";

    private static final String[] CALL_HEADERS = {"judgeCallParentIds", "judgeCallProviders", "judgeCallPrompts"};
    private static final Class<?>[] CALL_TYPES = {Long.class, String.class, String.class};
    private static final String[] JUDGEMENT_HEADERS = {"judgementResponseIds", "judgementWorkspaceIds",
            "judgementCacheKeys", "judgementStatuses", "judgementCellIds", "judgementCachedFrom", "judgementVerdicts",
            "judgementErrors", "judgementRawAnswers"};
    private static final Class<?>[] JUDGEMENT_TYPES = {Long.class, Long.class, String.class, String.class, Long.class,
            Long.class, String.class, String.class, String.class};
    private static final String[] SENTIMENT_HEADERS = {"judgedResponseIds", "judgedEntityIds", "judgedSentiments",
            "judgedScores"};
    private static final Class<?>[] SENTIMENT_TYPES = {Long.class, Long.class, String.class, Double.class};

    private final Jdbc jdbc;
    private final WorkspaceRepository workspaces;
    /** The judging provider's name, null when no judge is configured. */
    private final String judge;
    /** Provider and model, part of the cache key: another judge is another judgement. */
    private final String judgeIdentity;

    public Judging(Jdbc jdbc, WorkspaceRepository workspaces, String judge, String judgeIdentity) {
        this.jdbc = jdbc;
        this.workspaces = workspaces;
        this.judge = judge;
        this.judgeIdentity = judgeIdentity;
    }

    public boolean enabled() {
        return judge != null;
    }

    /** Body: the batch (a list of {@link AnalysisJob}); sets the judge calls and judgements as headers. */
    public void judge(Exchange exchange) {
        Message m = exchange.getMessage();
        @SuppressWarnings("unchecked")
        List<AnalysisJob> batch = m.getBody(List.class);
        StatementColumns calls = new StatementColumns(CALL_HEADERS.length);
        StatementColumns judgements = new StatementColumns(JUDGEMENT_HEADERS.length);
        StatementColumns sentiments = new StatementColumns(SENTIMENT_HEADERS.length);
        if (judge != null) {
            List<AnalysisJob> answers = batch.stream().filter(j -> CellKind.SWEEP.equals(j.kind())).toList();
            if (!answers.isEmpty()) {
                ask(answers, calls, judgements, sentiments);
            }
        }
        List<AnalysisJob> replies = batch.stream().filter(j -> CellKind.JUDGE.equals(j.kind())).toList();
        if (!replies.isEmpty()) {
            read(replies, judgements, sentiments);
        }
        calls.toHeaders(m, CALL_HEADERS, CALL_TYPES);
        judgements.toHeaders(m, JUDGEMENT_HEADERS, JUDGEMENT_TYPES);
        sentiments.toHeaders(m, SENTIMENT_HEADERS, SENTIMENT_TYPES);
        if (calls.size() > 0) {
            AnalysisBatches.addStatement(exchange, AnalysisBatches.FOLLOW_UP_CALLS);
        }
        if (judgements.size() > 0) {
            AnalysisBatches.addStatement(exchange, "sql/statements/write-judgements.sql");
        }
    }

    /** Each answer not judged yet: its cached judgement if there is one, else a call to the judge. */
    private void ask(List<AnalysisJob> answers, StatementColumns calls, StatementColumns judgements,
                     StatementColumns sentiments) {
        // a re-analysis brings answers judged before: they keep their judgement
        List<Long> done = jdbc.query(JUDGED_ALREADY, rs -> rs.getLong(1),
                answers.stream().map(AnalysisJob::responseId).toList());
        Map<Long, List<AnalysisJob>> byWorkspace = new HashMap<>();
        answers.stream().filter(a -> !done.contains(a.responseId()))
                .forEach(a -> byWorkspace.computeIfAbsent(a.workspaceId(), k -> new ArrayList<>()).add(a));
        byWorkspace.forEach((ws, jobs) -> {
            List<TrackedEntity> entities = workspaces.get(ws).entities();
            Map<Long, String> keys = new HashMap<>();
            jobs.forEach(j -> keys.put(j.responseId(), JudgePrompt.cacheKey(judgeIdentity, entities, text(j))));
            Map<String, Object[]> cached = new HashMap<>();
            jdbc.query(CACHED, rs -> cached.put(rs.getString(1), new Object[] {rs.getLong(2), rs.getString(3)}), ws,
                    List.copyOf(keys.values()));
            for (AnalysisJob j : jobs) {
                String key = keys.get(j.responseId());
                Object[] hit = cached.get(key);
                if (hit == null) {
                    calls.add(j.cellId(), judge, JudgePrompt.build(entities, text(j)));
                    continue;
                }
                JsonNode verdict = Json.parseObject((String) hit[1]);
                judgements.add(j.responseId(), ws, key, "judged", null, hit[0], (String) hit[1], null, null);
                for (JsonNode e : verdict.path("entities")) {
                    sentiments.add(j.responseId(), e.get("entityId").asLong(), e.get("sentiment").asText(),
                            e.get("score").asDouble());
                }
            }
        });
    }

    private void read(List<AnalysisJob> replies, StatementColumns judgements, StatementColumns sentiments) {
        Map<Long, Object[]> parents = new HashMap<>();
        jdbc.query(REPLIES, rs -> parents.put(rs.getLong("id"), new Object[] {rs.getLong("response_id"),
                AnswerColumns.read(rs).text(), rs.getLong("workspace_id")}),
                replies.stream().map(AnalysisJob::cellId).toList());
        for (AnalysisJob j : replies) {
            Object[] p = parents.get(j.cellId());
            if (p == null) {
                continue;
            }
            long responseId = (Long) p[0];
            long ws = (Long) p[2];
            List<TrackedEntity> entities = workspaces.get(ws).entities();
            String key = JudgePrompt.cacheKey(judgeIdentity, entities, p[1] == null ? "" : (String) p[1]);
            JudgePrompt.Reading reading = JudgePrompt.read(j.text(), entities);
            if (reading.error() != null) {
                judgements.add(responseId, ws, key, "failed", j.cellId(), null, null, reading.error(), j.text());
                continue;
            }
            ArrayNode list = Json.MAPPER.createArrayNode();
            for (JudgePrompt.Judged e : reading.judged()) {
                list.addObject().put("entityId", e.entityId()).put("name", e.name()).put("sentiment", e.sentiment())
                        .put("score", e.score());
                sentiments.add(responseId, e.entityId(), e.sentiment(), e.score());
            }
            judgements.add(responseId, ws, key, "judged", j.cellId(), null,
                    Json.write(Json.object().set("entities", list)), null, j.text());
        }
    }

    private static String text(AnalysisJob j) {
        return j.text() == null ? "" : j.text();
    }
}
