package dev.sightline.run;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.analysis.Evidence;
import dev.sightline.store.AnswerColumns;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;

/**
 * Read side of stored answers: the answer text, model served, latency, tokens, cost, attempts, the provider's
 * citations and the analysis (mentions with evidence offsets, cited sources). Each filter combination is a
 * statement of its own, so no prepared statement switches to a generic plan that ignores a filter.
 */
public final class AnswerQueries {

    private static final String SELECT = """
            SELECT s.id AS response_id, c.id AS cell_id, c.run_id, c.prompt_id, p.text AS prompt, c.provider,
                   c.sample, c.attempts, s.model_requested, s.model_served, s.latency_ms, s.tokens_in, s.tokens_out,
                   s.cost_usd, s.created_at, s.finish_reason,
                   a.analyzer_version, a.brand_visible, a.share_of_voice, a.error AS analysis_error, """ + AnswerColumns.SELECT + """
              FROM response s
              JOIN cell c ON c.id = s.cell_id
              JOIN run r ON r.id = c.run_id
              JOIN prompt p ON p.id = c.prompt_id
              LEFT JOIN analysis a ON a.response_id = s.id
             WHERE r.workspace_id = ? AND s.id > ?""";
    private static final String MENTIONS = """
            SELECT m.response_id, e.name, e.kind, m.mention_count, m.list_rank, m.mention_order, m.sentiment,
                   m.sentiment_score, m.evidence::text AS evidence, m.evidence_offsets
              FROM mention m JOIN entity e ON e.id = m.entity_id
             WHERE m.response_id = ANY (?)
             ORDER BY m.response_id, e.kind = 'brand' DESC, e.id""";
    private static final String CITED = """
            SELECT t.response_id, t.position, u.url, t.domain, t.owner, e.name AS owner_name, t.source, t.marker
              FROM citation t JOIN cited_url u ON u.id = t.url_id LEFT JOIN entity e ON e.id = t.entity_id
             WHERE t.response_id = ANY (?)
             ORDER BY t.response_id, t.position""";
    private static final String CELL = """
            SELECT c.id, c.run_id, c.prompt_id, p.text AS prompt, c.provider, c.sample, c.status, c.attempts,
                   c.last_error, c.updated_at, s.id AS response_id
              FROM cell c JOIN run r ON r.id = c.run_id JOIN prompt p ON p.id = c.prompt_id
              LEFT JOIN response s ON s.cell_id = c.id
             WHERE c.id = ? AND c.run_id = ? AND r.workspace_id = ?""";

    /** Which answers: a workspace's, optionally of one run, provider or prompt; after a response id; a page. */
    public record Filter(long workspaceId, Long runId, String provider, Long promptId, long after, int limit) {
    }

    public record Mention(String entity, String kind, int count, Integer listRank, Integer mentionOrder,
                          String sentiment, Double sentimentScore, JsonNode evidence) {
    }

    public record CitedSource(int position, String url, String domain, String owner, String ownerName, String source,
                              Integer marker) {
    }

    public record StoredAnswerView(long responseId, long cellId, long runId, long promptId, String prompt,
                                   String provider, int sample, int attempts, String modelRequested,
                                   String modelServed, long latencyMs, long tokensIn, long tokensOut,
                                   BigDecimal costUsd, Instant createdAt, String finishReason, String text,
                                   JsonNode citations, String analyzerVersion, Boolean brandVisible,
                                   Double shareOfVoice, String analysisError, List<Mention> mentions,
                                   List<CitedSource> citedSources) {
    }

    public record CellDetail(long cellId, long runId, long promptId, String prompt, String provider, int sample,
                             String status, int attempts, String lastError, Instant updatedAt,
                             StoredAnswerView answer) {
    }

    private final Jdbc jdbc;

    public AnswerQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public List<StoredAnswerView> list(Filter f) {
        StringBuilder sql = new StringBuilder(SELECT);
        List<Object> params = new ArrayList<>(List.of(f.workspaceId(), f.after()));
        if (f.runId() != null) {
            sql.append(" AND c.run_id = ?");
            params.add(f.runId());
        }
        if (f.provider() != null) {
            sql.append(" AND c.provider = ?");
            params.add(f.provider());
        }
        if (f.promptId() != null) {
            sql.append(" AND c.prompt_id = ?");
            params.add(f.promptId());
        }
        sql.append(" ORDER BY s.id LIMIT ?");
        params.add(f.limit());
        return jdbc.withConnection(c -> {
            List<Row> rows = Jdbc.query(c, sql.toString(), AnswerQueries::row, params.toArray());
            long[] ids = rows.stream().mapToLong(r -> r.responseId).toArray();
            Map<Long, List<Mention>> mentions = new HashMap<>();
            Map<Long, List<CitedSource>> cited = new HashMap<>();
            if (ids.length > 0) {
                Map<Long, String> texts = new HashMap<>();
                rows.forEach(r -> texts.put(r.responseId, r.text()));
                Jdbc.query(c, MENTIONS, rs -> mentions.computeIfAbsent(rs.getLong("response_id"), k -> new ArrayList<>())
                        .add(new Mention(rs.getString("name"), rs.getString("kind"), rs.getInt("mention_count"),
                                Jdbc.nullableInt(rs, "list_rank"), Jdbc.nullableInt(rs, "mention_order"),
                                rs.getString("sentiment"), nullableDouble(rs, "sentiment_score"),
                                evidence(rs.getBytes("evidence_offsets"), rs.getString("evidence"),
                                        texts.get(rs.getLong("response_id"))))), ids);
                Jdbc.query(c, CITED, rs -> cited.computeIfAbsent(rs.getLong("response_id"), k -> new ArrayList<>())
                        .add(new CitedSource(rs.getInt("position"), rs.getString("url"), rs.getString("domain"),
                                rs.getString("owner"), rs.getString("owner_name"), rs.getString("source"),
                                Jdbc.nullableInt(rs, "marker"))), ids);
            }
            return rows.stream().map(r -> r.view(mentions.getOrDefault(r.responseId, List.of()),
                    cited.getOrDefault(r.responseId, List.of()))).toList();
        });
    }

    public Optional<CellDetail> cell(long workspaceId, long runId, long cellId) {
        return jdbc.queryOne(CELL, rs -> new Object[] {rs.getLong("id"), rs.getLong("run_id"), rs.getLong("prompt_id"),
                rs.getString("prompt"), rs.getString("provider"), rs.getInt("sample"), rs.getString("status"),
                rs.getInt("attempts"), rs.getString("last_error"), Jdbc.instant(rs, "updated_at"),
                rs.getObject("response_id", Long.class)}, cellId, runId, workspaceId).map(r -> {
                    StoredAnswerView answer = null;
                    if (r[10] != null) {
                        long responseId = (Long) r[10];
                        answer = list(new Filter(workspaceId, runId, null, null, responseId - 1, 1)).stream()
                                .filter(a -> a.responseId() == responseId).findFirst().orElse(null);
                    }
                    return new CellDetail((Long) r[0], (Long) r[1], (Long) r[2], (String) r[3], (String) r[4],
                            (Integer) r[5], (String) r[6], (Integer) r[7], (String) r[8], (Instant) r[9], answer);
                });
    }

    /** One row of {@link #SELECT}, before its mentions and cited sources are attached. */
    private record Row(long responseId, Object[] v) {
        String text() {
            return (String) v[15];
        }

        StoredAnswerView view(List<Mention> mentions, List<CitedSource> cited) {
            return new StoredAnswerView(responseId, (Long) v[0], (Long) v[1], (Long) v[2], (String) v[3],
                    (String) v[4], (Integer) v[5], (Integer) v[6], (String) v[7], (String) v[8], (Long) v[9],
                    (Long) v[10], (Long) v[11], (BigDecimal) v[12], (Instant) v[13], (String) v[14], (String) v[15],
                    (JsonNode) v[16], (String) v[17], (Boolean) v[18], (Double) v[19], (String) v[20], mentions,
                    cited);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        String version = rs.getString("analyzer_version");
        AnswerColumns.Answer answer = AnswerColumns.read(rs);
        return new Row(rs.getLong("response_id"), new Object[] {rs.getLong("cell_id"), rs.getLong("run_id"),
                rs.getLong("prompt_id"), rs.getString("prompt"), rs.getString("provider"), rs.getInt("sample"),
                rs.getInt("attempts"), rs.getString("model_requested"), rs.getString("model_served"),
                rs.getLong("latency_ms"), rs.getLong("tokens_in"), rs.getLong("tokens_out"),
                rs.getBigDecimal("cost_usd"), Jdbc.instant(rs, "created_at"), rs.getString("finish_reason"),
                answer.text(), json(answer.citationsJson()), version,
                version == null ? null : rs.getBoolean("brand_visible"),
                version == null ? null : rs.getDouble("share_of_voice"), rs.getString("analysis_error")});
    }

    /**
     * A mention's evidence as the API gives it, {@code [{start, end, snippet}]}: stored as four offsets a mention
     * ({@link Evidence#stored}), packed ({@link Evidence#pack}) or, by analyses written before V20, as a JSON array,
     * the snippet is read from the answer's text; evidence stored with its snippet (by analyses written before
     * evidence was stored as offsets) is given as stored.
     */
    static JsonNode evidence(byte[] packed, String stored, String text) {
        int[] offsets;
        if (packed != null) {
            offsets = Evidence.unpack(packed);
        } else {
            JsonNode n = json(stored);
            if (n == null) {
                return Json.MAPPER.createArrayNode();
            }
            if (!(n instanceof ArrayNode items) || items.isEmpty() || !items.get(0).isNumber()
                    || items.size() % 4 != 0) {
                return n;
            }
            offsets = new int[items.size()];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = items.get(i).asInt();
            }
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i + 3 < offsets.length; i += 4) {
            ObjectNode o = out.addObject();
            o.put("start", offsets[i]);
            o.put("end", offsets[i + 1]);
            o.put("snippet", Evidence.snippetOf(text, offsets[i + 2], offsets[i + 3]));
        }
        return out;
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
