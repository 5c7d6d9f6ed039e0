package dev.sightline.events;

import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/**
 * Reads the {@code event} table in commit order. An event's id is {@code <txid>-<id>}: its transaction and its row.
 * Only events whose transaction is older than the oldest transaction still running are read, in (txid, id) order,
 * so a transaction that commits later can never add an event behind a cursor a reader has passed: resuming after
 * an id gets everything missed and nothing twice, on any node.
 */
public final class EventLog {

    private static final Pattern ID = Pattern.compile("^(\\d{1,19})-(\\d{1,19})$");

    private static final String COLUMNS = "SELECT id, txid::text AS txid, workspace_id, run_id, type, "
            + "payload::text AS payload, created_at FROM event ";
    // ordered by the column, not by the text alias of the select list ("1039" sorts before "850" as text)
    private static final String SETTLED = " AND txid < pg_snapshot_xmin(pg_current_snapshot()) "
            + "ORDER BY event.txid, event.id LIMIT ?";
    private static final String AFTER = " (txid, id) > (?::text::xid8, ?) ";
    private static final String UP_TO = " AND (txid, id) <= (?::text::xid8, ?) ";
    private static final String OF_WORKSPACE = COLUMNS + "WHERE workspace_id = ? AND" + AFTER + SETTLED;
    private static final String OF_RUN = COLUMNS + "WHERE run_id = ? AND workspace_id = ? AND" + AFTER + SETTLED;
    private static final String OF_JOB = COLUMNS + "WHERE job_id = ? AND workspace_id = ? AND" + AFTER + SETTLED;
    private static final String ALL = COLUMNS + "WHERE" + AFTER + SETTLED;
    private static final String OF_WORKSPACE_UP_TO = COLUMNS + "WHERE workspace_id = ? AND" + AFTER + UP_TO + SETTLED;
    private static final String OF_RUN_UP_TO = COLUMNS + "WHERE run_id = ? AND workspace_id = ? AND" + AFTER + UP_TO
            + SETTLED;
    /** Where a reader that wants only what happens from now on starts. */
    private static final String HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text";
    /** A position this log can have handed out: a transaction already started, a row already taken. */
    private static final String ISSUED = """
            SELECT ?::text::xid8 < pg_snapshot_xmax(pg_current_snapshot())
                   AND (? = 9223372036854775807 OR ? <= (SELECT coalesce(max(id), 0) FROM event))""";

    /** One event; {@code id()} is what a client sends back as {@code Last-Event-ID}. */
    public record Event(Cursor cursor, long workspaceId, Long runId, String type, JsonNode payload,
                        Instant createdAt) {

        public String id() {
            return cursor.toString();
        }

        /** The same event with another payload (what a client is shown may hold more than what was stored). */
        public Event withPayload(JsonNode newPayload) {
            return new Event(cursor, workspaceId, runId, type, newPayload, createdAt);
        }
    }

    /** A position in the log: after the event with this transaction and row. */
    public record Cursor(long txid, long row) implements Comparable<Cursor> {

        public static final Cursor START = new Cursor(0, 0);

        /** Parses an event id as the API gave it; anything else is refused naming {@code field}. */
        public static Cursor parse(String id, String field) {
            Matcher m = id == null ? null : ID.matcher(id.strip());
            if (m == null || !m.matches()) {
                throw Rejection.invalid(field, field + " must be an event id such as 1234-56 (got '" + id + "')");
            }
            try {
                return new Cursor(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            } catch (NumberFormatException e) {
                throw Rejection.invalid(field, field + " is out of range (got '" + id + "')");
            }
        }

        @Override
        public int compareTo(Cursor o) {
            int c = Long.compare(txid, o.txid);
            return c != 0 ? c : Long.compare(row, o.row);
        }

        public boolean after(Cursor o) {
            return compareTo(o) > 0;
        }

        @Override
        public String toString() {
            return txid + "-" + row;
        }
    }

    private final Jdbc jdbc;

    public EventLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Events of a workspace after the cursor, oldest first, at most {@code limit}. */
    public List<Event> ofWorkspace(long workspaceId, Cursor after, int limit) {
        return jdbc.query(OF_WORKSPACE, EventLog::event, workspaceId, Long.toString(after.txid()), after.row(), limit);
    }

    /** Events of one run after the cursor, oldest first, at most {@code limit}. */
    public List<Event> ofRun(long workspaceId, long runId, Cursor after, int limit) {
        return jdbc.query(OF_RUN, EventLog::event, runId, workspaceId, Long.toString(after.txid()), after.row(),
                limit);
    }

    /** Events of one job after the cursor, oldest first, at most {@code limit}. */
    public List<Event> ofJob(long workspaceId, long jobId, Cursor after, int limit) {
        return jdbc.query(OF_JOB, EventLog::event, jobId, workspaceId, Long.toString(after.txid()), after.row(),
                limit);
    }

    /** Events of a workspace (of one run when {@code runId} is not null) in (after, upTo], oldest first. */
    public List<Event> between(long workspaceId, Long runId, Cursor after, Cursor upTo, int limit) {
        String a = Long.toString(after.txid());
        String u = Long.toString(upTo.txid());
        return runId == null
                ? jdbc.query(OF_WORKSPACE_UP_TO, EventLog::event, workspaceId, a, after.row(), u, upTo.row(), limit)
                : jdbc.query(OF_RUN_UP_TO, EventLog::event, runId, workspaceId, a, after.row(), u, upTo.row(), limit);
    }

    /** Every workspace's events after the cursor, oldest first, at most {@code limit}: what a node's reader tails. */
    public List<Event> after(Cursor after, int limit) {
        return jdbc.query(ALL, EventLog::event, Long.toString(after.txid()), after.row(), limit);
    }

    /** A cursor before every event not yet settled: a reader starting here sees what happens from now on. */
    public Cursor now() {
        long xmin = jdbc.queryOne(HORIZON, rs -> Long.parseLong(rs.getString(1))).orElseThrow();
        return new Cursor(xmin - 1, Long.MAX_VALUE);
    }

    /** Whether this log can have handed out the cursor (an id from the future, or of another database, cannot). */
    public boolean issued(Cursor c) {
        return jdbc.queryOne(ISSUED, rs -> rs.getBoolean(1), Long.toString(c.txid()), c.row(), c.row())
                .orElse(false);
    }

    private static Event event(java.sql.ResultSet rs) throws java.sql.SQLException {
        Cursor c = new Cursor(Long.parseLong(rs.getString("txid")), rs.getLong("id"));
        JsonNode payload = Json.parseObject(rs.getString("payload"));
        return new Event(c, rs.getLong("workspace_id"), rs.getObject("run_id", Long.class),
                rs.getString("type"), payload, Jdbc.instant(rs, "created_at"));
    }
}
