package dev.sightline.alerts;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.events.Outbox;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;

/**
 * Alerts in the database: which terminal run is due for its check, the runs of a provider's windows, the model a
 * provider served in a run, and the statement that stores a run's alerts with their {@code alert.raised} events and
 * webhook deliveries and marks the run checked, all in one transaction.
 */
public final class AlertRepository {

    /** A terminal run not checked yet, locked so that one node checks it. */
    private static final String CLAIM_DUE = """
            SELECT id, workspace_id, run_date, status, providers FROM run
             WHERE alerts_checked_at IS NULL AND status <> 'running'
             ORDER BY id LIMIT 1
               FOR UPDATE SKIP LOCKED""";
    /** The provider's latest runs up to and including this one whose numbers are complete enough to compare. */
    private static final String PROVIDER_RUNS = """
            SELECT id FROM run
             WHERE workspace_id = ? AND id <= ? AND status IN ('completed', 'completed_with_failures')
               AND ? = ANY (providers)
             ORDER BY id DESC LIMIT ?""";
    /** The model the provider reported most often in a run (the requested one when it reported none). */
    private static final String SERVED_MODEL = """
            SELECT coalesce(s.model_served, s.model_requested, '') AS model, count(*) AS n
              FROM cell c JOIN response s ON s.cell_id = c.id
             WHERE c.run_id = ? AND c.provider = ? AND c.status = 'succeeded'
             GROUP BY 1 ORDER BY n DESC, model LIMIT 1""";
    private static final String RAISED_SINCE = """
            SELECT 1 FROM alert
             WHERE workspace_id = ? AND type = ? AND provider = ? AND entity_id = ? AND direction = ? AND run_id >= ?
             LIMIT 1""";
    private static final String RAISE = """
            WITH raised AS (
              INSERT INTO alert (workspace_id, run_id, run_date, type, provider, entity_id, direction, message, details)
              SELECT ?, ?, ?, u.t, u.p, u.e, u.d, u.m, u.x::jsonb
                FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[]) AS u(t, p, e, d, m, x)
              RETURNING id, workspace_id, run_id, run_date, type, provider, entity_id, direction, message, details,
                        created_at),
            announced AS (
              INSERT INTO event (workspace_id, run_id, type, payload)
              SELECT r.workspace_id, r.run_id, 'alert.raised',
                     jsonb_build_object('alertId', r.id, 'type', r.type, 'runId', r.run_id, 'runDate', r.run_date,
                       'provider', r.provider,
                       'entity', CASE WHEN e.id IS NULL THEN NULL
                                      ELSE jsonb_build_object('id', e.id, 'name', e.name, 'kind', e.kind) END,
                       'direction', r.direction, 'message', r.message, 'details', r.details,
                       'createdAt', r.created_at)
                FROM raised r LEFT JOIN entity e ON e.id = r.entity_id
              RETURNING id, workspace_id, type)
            """ + Outbox.QUEUE_ANNOUNCED + """
            UPDATE run SET alerts_checked_at = now() WHERE id = ?""";
    private static final String LIST = """
            SELECT a.id, a.run_id, a.run_date, a.type, a.provider, a.direction, a.message, a.details::text AS details,
                   a.created_at, e.id AS entity_id, e.name AS entity_name, e.kind AS entity_kind
              FROM alert a LEFT JOIN entity e ON e.id = a.entity_id
             WHERE a.workspace_id = ? AND a.id < ?
             ORDER BY a.id DESC LIMIT ?""";
    private static final String MODEL_CHANGES = """
            SELECT run_date, provider, details->>'from' AS model_from, details->>'to' AS model_to, run_id
              FROM alert
             WHERE workspace_id = ? AND type = 'model.changed'
               AND run_date >= coalesce(?::date, '-infinity') AND run_date <= coalesce(?::date, 'infinity')
             ORDER BY run_date, id""";

    /** A terminal run due for its check. */
    public record DueRun(long id, long workspaceId, LocalDate runDate, String status, List<String> providers) {
    }

    /** A stored alert as the API lists it; {@code entityId} and the rest of the entity are null for model changes. */
    public record Stored(long id, long runId, LocalDate runDate, String type, String provider, Long entityId,
                         String entityName, String entityKind, String direction, String message, JsonNode details,
                         Instant createdAt) {
    }

    /** A provider's served model changed with this run (the day it is marked in metrics). */
    public record ModelChange(LocalDate day, String provider, String from, String to, long runId) {
    }

    private final Jdbc jdbc;

    public AlertRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Optional<DueRun> claimDue(Connection c) throws SQLException {
        return Jdbc.queryOne(c, CLAIM_DUE, rs -> new DueRun(rs.getLong("id"), rs.getLong("workspace_id"),
                rs.getObject("run_date", LocalDate.class), rs.getString("status"), Jdbc.strings(rs, "providers")));
    }

    /** Newest first. */
    List<Long> providerRuns(long workspaceId, long upToRunId, String provider, int limit) {
        return jdbc.query(PROVIDER_RUNS, rs -> rs.getLong(1), workspaceId, upToRunId, provider, limit);
    }

    Optional<String> servedModel(long runId, String provider) {
        return jdbc.queryOne(SERVED_MODEL, rs -> rs.getString("model"), runId, provider).filter(m -> !m.isEmpty());
    }

    boolean raisedSince(long workspaceId, String type, String provider, long entityId, String direction,
                        long sinceRunId) {
        return jdbc.queryOne(RAISED_SINCE, rs -> true, workspaceId, type, provider, entityId, direction, sinceRunId)
                .isPresent();
    }

    /** Stores the alerts, their events and webhook deliveries, and marks the run checked: one statement. */
    void raise(Connection c, DueRun run, List<Alert> alerts) throws SQLException {
        List<String> types = new ArrayList<>();
        List<String> providers = new ArrayList<>();
        List<Long> entities = new ArrayList<>();
        List<String> directions = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (Alert a : alerts) {
            types.add(a.type());
            providers.add(a.provider());
            entities.add(a.entityId());
            directions.add(a.direction());
            messages.add(a.message());
            details.add(Json.write(a.details()));
        }
        try (var ps = c.prepareStatement(RAISE)) {
            ps.setLong(1, run.workspaceId());
            ps.setLong(2, run.id());
            ps.setObject(3, run.runDate());
            ps.setArray(4, c.createArrayOf("text", types.toArray()));
            ps.setArray(5, c.createArrayOf("text", providers.toArray()));
            ps.setArray(6, c.createArrayOf("bigint", entities.toArray()));
            ps.setArray(7, c.createArrayOf("text", directions.toArray()));
            ps.setArray(8, c.createArrayOf("text", messages.toArray()));
            ps.setArray(9, c.createArrayOf("text", details.toArray()));
            ps.setLong(10, run.id());
            ps.executeUpdate();
        }
    }

    /** The workspace's alerts, newest first, with ids below {@code before}. */
    public List<Stored> list(long workspaceId, long before, int limit) {
        return jdbc.query(LIST, rs -> new Stored(rs.getLong("id"), rs.getLong("run_id"),
                rs.getObject("run_date", LocalDate.class), rs.getString("type"), rs.getString("provider"),
                rs.getObject("entity_id", Long.class), rs.getString("entity_name"), rs.getString("entity_kind"),
                rs.getString("direction"), rs.getString("message"), Json.parseObject(rs.getString("details")),
                Jdbc.instant(rs, "created_at")), workspaceId, before, limit);
    }

    /** Days on which a provider's served model changed, within the run dates (null: unbounded). */
    public List<ModelChange> modelChanges(long workspaceId, LocalDate from, LocalDate to) {
        return jdbc.query(MODEL_CHANGES, rs -> new ModelChange(rs.getObject("run_date", LocalDate.class),
                rs.getString("provider"), rs.getString("model_from"), rs.getString("model_to"), rs.getLong("run_id")),
                workspaceId, from, to);
    }
}
