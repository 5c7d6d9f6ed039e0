package dev.sightline.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;
import dev.sightline.workspace.WorkspaceFile;

/**
 * Webhooks and their outbox in PostgreSQL: the webhooks of the imported workspace files, deliveries claimed with a
 * lease ({@code FOR UPDATE SKIP LOCKED}, like cells) and every later write fenced by the lease token, the attempts
 * made, and the list the API shows.
 */
public final class WebhookRepository {

    private static final String UPSERT = """
            INSERT INTO webhook (workspace_id, url, events, secret_fingerprint) VALUES (?, ?, ?, ?)
            ON CONFLICT (workspace_id, url, secret_fingerprint)
              DO UPDATE SET events = excluded.events, active = true, updated_at = now()
            RETURNING id""";
    private static final String DEACTIVATE_OTHERS = """
            UPDATE webhook SET active = false, updated_at = now()
             WHERE workspace_id = ? AND active AND NOT (id = ANY (?::bigint[]))""";
    /** Deliveries of webhooks no longer in the file are not sent; they stay listed with the reason. */
    private static final String DROP_REMOVED = """
            UPDATE webhook_delivery d SET status = 'failed', last_error = 'webhook removed from the workspace file',
                   updated_at = now()
              FROM webhook w
             WHERE w.id = d.webhook_id AND w.workspace_id = ? AND NOT w.active AND d.status = 'pending'""";
    /** Due deliveries, and deliveries whose sender's lease expired (it died mid-send), of webhooks this node signs. */
    private static final String CLAIM = """
            WITH picked AS MATERIALIZED (
              SELECT id FROM webhook_delivery
               WHERE webhook_id = ANY (?::bigint[])
                 AND ((status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until < now()))
               ORDER BY next_attempt_at, id
               LIMIT ?
                 FOR UPDATE SKIP LOCKED)
            UPDATE webhook_delivery d
               SET status = 'sending', attempts = d.attempts + 1, lease_owner = ?, lease_token = gen_random_uuid(),
                   lease_until = now() + make_interval(secs => ?), updated_at = now()
              FROM picked WHERE d.id = picked.id
            RETURNING d.id, d.webhook_id, d.workspace_id, d.event_id, d.event_type, d.attempts, d.lease_token,
                      d.body""";
    private static final String RUN_DELIVERIES = """
            SELECT count(*) FILTER (WHERE d.status = 'delivered') AS delivered,
                   count(*) FILTER (WHERE d.status = 'failed') AS failed,
                   count(*) FILTER (WHERE d.status = 'pending' AND d.next_attempt_at > now()) AS retrying,
                   count(*) FILTER (WHERE (d.status = 'pending' AND d.next_attempt_at <= now())
                                       OR d.status = 'sending') AS due
              FROM webhook_delivery d JOIN event e ON e.id = d.event_id
             WHERE d.webhook_id = ANY (?::bigint[]) AND e.run_id = ?""";
    private static final String EVENT = """
            SELECT e.txid::text AS txid, e.id, e.type, e.run_id, e.payload::text AS payload, e.created_at,
                   w.id AS workspace_id, w.slug
              FROM event e JOIN workspace w ON w.id = e.workspace_id
             WHERE e.id = ?""";
    /** The body is fixed by the first attempt: every retry sends the same bytes. */
    private static final String KEEP_BODY = """
            UPDATE webhook_delivery SET body = coalesce(body, ?)
             WHERE id = ? AND status = 'sending' AND lease_token = ?
            RETURNING body""";
    /**
     * The outcome of an attempt and the attempt's row, fenced by the lease token: delivered, or back to pending after
     * the delay, or failed (a refused address, or retried for as long as allowed).
     */
    private static final String RECORD = """
            WITH changed AS (
              UPDATE webhook_delivery
                 SET status = CASE WHEN ? = 'delivered' THEN 'delivered'
                                   WHEN ? = 'failed' OR now() + make_interval(secs => ?)
                                                         > created_at + make_interval(secs => ?) THEN 'failed'
                                   ELSE 'pending' END,
                     next_attempt_at = now() + make_interval(secs => ?),
                     delivered_at = CASE WHEN ? = 'delivered' THEN now() END,
                     last_status = ?, last_error = ?,
                     lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = now()
               WHERE id = ? AND status = 'sending' AND lease_token = ?
              RETURNING id, attempts, status),
            attempt AS (
              INSERT INTO webhook_attempt (delivery_id, attempt, node, outcome, http_status, error, duration_ms)
              SELECT id, attempts, ?, CASE status WHEN 'pending' THEN 'retry' ELSE status END, ?, ?, ?
                FROM changed)
            SELECT status FROM changed""";
    private static final String LIST = """
            SELECT d.id, d.event_id, d.event_type, d.status, d.attempts, d.next_attempt_at, d.last_status,
                   d.last_error, d.created_at, d.delivered_at, w.url,
                   (SELECT e.txid::text || '-' || e.id FROM event e WHERE e.id = d.event_id) AS event_ref,
                   coalesce((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'outcome', a.outcome,
                                   'responseCode', a.http_status, 'error', a.error, 'durationMs', a.duration_ms,
                                   'at', a.created_at) ORDER BY a.id)
                               FROM webhook_attempt a WHERE a.delivery_id = d.id), '[]')::text AS attempts_made
              FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id
             WHERE d.workspace_id = ? AND d.id < ?
             ORDER BY d.id DESC LIMIT ?""";

    /** A claimed delivery; {@code body} null until its first attempt fixes it. */
    public record Claim(long id, long webhookId, long workspaceId, long eventId, String eventType, int attempt,
                        UUID leaseToken, String body) {
    }

    /** An event as a webhook body carries it; {@code id} is the event id ({@code <txid>-<row>}) receivers dedupe by. */
    public record Event(String id, String type, Long runId, JsonNode payload, Instant createdAt, long workspaceId,
                        String workspaceSlug) {
    }

    /** A delivery as {@code GET /api/webhooks/deliveries} lists it. */
    public record Listed(long id, String eventId, String eventType, String url, String status, int attempts,
                         Instant nextAttemptAt, Integer lastStatus, String lastError, Instant createdAt,
                         Instant deliveredAt, JsonNode attemptsMade) {
    }

    private final Jdbc jdbc;

    public WebhookRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a workspace file's webhooks (fingerprints of their secrets only); returns their ids in file order. */
    public List<Long> sync(long workspaceId, List<WorkspaceFile.WebhookDef> defs) {
        return jdbc.inTransaction(c -> {
            List<Long> ids = new ArrayList<>();
            for (WorkspaceFile.WebhookDef d : defs) {
                ids.add(Jdbc.queryOne(c, UPSERT, rs -> rs.getLong(1), workspaceId, d.url(), d.events(),
                        fingerprint(d.secret())).orElseThrow());
            }
            Jdbc.update(c, DEACTIVATE_OTHERS, workspaceId, ids);
            Jdbc.update(c, DROP_REMOVED, workspaceId);
            return ids;
        });
    }

    /** Identifies a secret without revealing it: a changed secret is a new webhook. */
    static String fingerprint(String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(("sightline webhook secret\n" + secret)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Claim> claim(List<Long> webhookIds, int limit, String node, Duration lease) {
        if (webhookIds.isEmpty() || limit <= 0) {
            return List.of();
        }
        return jdbc.query(CLAIM, rs -> new Claim(rs.getLong("id"), rs.getLong("webhook_id"),
                rs.getLong("workspace_id"), rs.getLong("event_id"), rs.getString("event_type"), rs.getInt("attempts"),
                rs.getObject("lease_token", UUID.class), rs.getString("body")), webhookIds, limit, node,
                lease.toMillis() / 1000.0);
    }

    /**
     * The deliveries of a run's events to these webhooks, by state: delivered, failed for good, waiting for a retry,
     * and due now or being sent.
     */
    public record RunDeliveries(int delivered, int failed, int retrying, int due) {
    }

    public RunDeliveries runDeliveries(List<Long> webhookIds, long runId) {
        return jdbc.queryOne(RUN_DELIVERIES, rs -> new RunDeliveries(rs.getInt("delivered"), rs.getInt("failed"),
                rs.getInt("retrying"), rs.getInt("due")), webhookIds, runId)
                .orElse(new RunDeliveries(0, 0, 0, 0));
    }

    public Optional<Event> event(long eventId) {
        return jdbc.queryOne(EVENT, rs -> new Event(rs.getString("txid") + "-" + rs.getLong("id"),
                rs.getString("type"), rs.getObject("run_id", Long.class), Json.parseObject(rs.getString("payload")),
                Jdbc.instant(rs, "created_at"), rs.getLong("workspace_id"), rs.getString("slug")), eventId);
    }

    /** @return the body every attempt of the delivery sends; empty when the lease was lost */
    public Optional<String> keepBody(Claim claim, String body) {
        return jdbc.queryOne(KEEP_BODY, rs -> rs.getString(1), body, claim.id(), claim.leaseToken());
    }

    /**
     * @param outcome {@code delivered}, {@code retry} or {@code failed}
     * @return the delivery's new status, empty when the lease was lost (another node sends it now)
     */
    public Optional<String> record(Claim claim, String outcome, Integer httpStatus, String error, Duration delay,
                                   Duration retryFor, String node, long durationMs) {
        double d = delay.toMillis() / 1000.0;
        return jdbc.queryOne(RECORD, rs -> rs.getString(1), outcome, outcome, d, retryFor.toMillis() / 1000.0, d,
                outcome, httpStatus, clip(error), claim.id(), claim.leaseToken(), node, httpStatus, clip(error),
                durationMs);
    }

    public List<Listed> list(long workspaceId, long before, int limit) {
        return jdbc.query(LIST, rs -> new Listed(rs.getLong("id"), rs.getString("event_ref"), rs.getString("event_type"),
                rs.getString("url"), rs.getString("status"), rs.getInt("attempts"),
                Jdbc.instant(rs, "next_attempt_at"), Jdbc.nullableInt(rs, "last_status"), rs.getString("last_error"),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "delivered_at"),
                attempts(rs.getString("attempts_made"))), workspaceId, before, limit);
    }

    private static JsonNode attempts(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("attempts of a delivery are not JSON", e);
        }
    }

    private static String clip(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
