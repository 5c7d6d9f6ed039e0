package dev.sightline.events;

/**
 * Webhook deliveries are written with the events they announce: a statement that inserts events in a CTE named
 * {@code announced} ({@code RETURNING id, workspace_id, type}) appends {@link #QUEUE_ANNOUNCED}, which queues one
 * delivery per event and active webhook subscribed to its type, in the same transaction (the outbox any node sends
 * from, see {@code dev.sightline.webhooks}).
 */
public final class Outbox {

    public static final String QUEUE_ANNOUNCED = """
            , queued AS (
              INSERT INTO webhook_delivery (webhook_id, workspace_id, event_id, event_type)
              SELECT w.id, a.workspace_id, a.id, a.type
                FROM announced a
                JOIN webhook w ON w.workspace_id = a.workspace_id AND w.active AND a.type = ANY (w.events))
            """;

    private Outbox() {
    }
}
