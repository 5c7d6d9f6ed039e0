package dev.sightline.retention;

import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.store.Jdbc;

/**
 * Drops raw provider bodies older than {@code sightline.retention.raw-bodies}; answers (text, citations, tokens,
 * cost), analyses and rollups stay. Response rows stay immutable: bodies live in {@code response_body}, whose rows
 * can only be deleted by a transaction that says it is this retention (sql/V7). Several nodes may run it at once:
 * each takes rows the others have not locked.
 */
public final class RawBodyRetention {

    private static final Logger LOG = LoggerFactory.getLogger(RawBodyRetention.class);
    static final int BATCH = 5000;
    private static final String ALLOW = "SELECT set_config('sightline.retention', 'raw-bodies', true)";
    private static final String DROP = """
            DELETE FROM response_body
             WHERE response_id IN (SELECT response_id FROM response_body
                                    WHERE created_at < now() - make_interval(secs => ?)
                                    ORDER BY created_at
                                    LIMIT ?
                                    FOR UPDATE SKIP LOCKED)""";

    private final Jdbc jdbc;
    private final Optional<Duration> keep;

    public RawBodyRetention(Jdbc jdbc, Optional<Duration> keep) {
        this.jdbc = jdbc;
        this.keep = keep;
    }

    /** @return bodies dropped now (0 when bodies are kept) */
    public long dropExpired() {
        return dropExpired(() -> false);
    }

    /**
     * @param stop asked between batches of {@value #BATCH}: true ends the drop there (the next one goes on)
     * @return bodies dropped now (0 when bodies are kept)
     */
    public long dropExpired(java.util.function.BooleanSupplier stop) {
        if (keep.isEmpty()) {
            return 0;
        }
        long total = 0;
        int n;
        do {
            n = jdbc.inTransaction(c -> {
                Jdbc.queryOne(c, ALLOW, rs -> rs.getString(1));
                return Jdbc.update(c, DROP, (double) keep.get().toSeconds(), BATCH);
            });
            total += n;
        } while (n == BATCH && !stop.getAsBoolean());
        if (total > 0) {
            Duration d = keep.get();
            LOG.info("Dropped {} raw bodies older than {} (sightline.retention.raw-bodies)", total,
                    d.toSeconds() % 86_400 == 0 ? d.toDays() + "d" : d);
        }
        return total;
    }
}
