package dev.sightline.run;

import java.time.Instant;
import java.util.List;

import dev.sightline.store.Jdbc;

/**
 * Read side of cells, for incremental polling: ordered by id, filtered by status and last change. A row's
 * {@code updated_at} is its transaction's start time, so a row can commit after a poll although it is stamped
 * before it. The {@code serverTime} a poll answers (the next poll's {@code updatedSince}) is therefore not now but
 * the start of the oldest transaction still open in the database: every change not yet visible will carry that
 * time or a later one, so the next poll cannot miss it. A client may see a cell twice; it keeps the latest.
 */
public final class CellQueries {

    private static final String LIST = """
            SELECT c.id, c.prompt_id, c.provider, c.sample, c.status, c.attempts, c.next_attempt_at, c.last_error,
                   r.id AS response_id, c.updated_at, c.kind
              FROM cell c LEFT JOIN response r ON r.cell_id = c.id
             WHERE c.run_id = ? AND c.id > ?
               AND (?::text IS NULL OR c.status = ?::text)
               AND (?::timestamptz IS NULL OR c.updated_at >= ?::timestamptz)
             ORDER BY c.id
             LIMIT ?""";

    /** Now, or the start of the oldest transaction still open in this database, whichever is earlier. */
    private static final String SAFE_NOW = """
            SELECT least(now(), (SELECT min(xact_start) FROM pg_stat_activity
                                  WHERE datname = current_database() AND xact_start IS NOT NULL)) AS now""";

    private final Jdbc jdbc;

    public CellQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public record Page(List<CellView> cells, Instant serverTime) {
    }

    public Page list(long runId, String status, Instant updatedSince, long after, int limit) {
        return jdbc.withConnection(c -> {
            Instant now = Jdbc.queryOne(c, SAFE_NOW, rs -> Jdbc.instant(rs, "now")).orElseThrow();
            List<CellView> cells = Jdbc.query(c, LIST, rs -> new CellView(rs.getLong("id"),
                    rs.getObject("prompt_id", Long.class),
                    rs.getString("provider"), rs.getInt("sample"), rs.getString("status"), rs.getInt("attempts"),
                    Jdbc.instant(rs, "next_attempt_at"), rs.getString("last_error"),
                    rs.getObject("response_id", Long.class), Jdbc.instant(rs, "updated_at"), rs.getString("kind")),
                    runId, after, status, status, updatedSince, updatedSince, limit);
            return new Page(cells, now);
        });
    }
}
