package dev.sightline.retention;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.store.Jdbc;

/**
 * Rebuilds the rollups' keys once they have grown by {@code sightline.storage.reindex-growth} since their last
 * rebuild (sql/V25). Their rows arrive in the middle of the key order (each analysis batch adds rows for its prompts
 * all over its day's range), so their pages split in halves and stay half full: at one year of the history benchmark
 * {@code rollup_entity}'s primary key took 450 MB at 55% leaf density, and 273 MB rebuilt (since V31 its key is
 * {@code rollup_entity_key}, not unique, deduplicated). A day's rows are not written again
 * once its blocks are, so a rebuilt key stays dense but for the days added since.
 *
 * <p>{@code REINDEX INDEX CONCURRENTLY}: reads and writes go on while the new index is built. It runs when no run
 * is, on one node at a time (an advisory lock), and first drops what an interrupted rebuild left (an invalid
 * {@code <index>_ccnew} or {@code _ccold}, which would otherwise be written to with every rollup row).
 */
public final class IndexCompaction {

    private static final Logger LOG = LoggerFactory.getLogger(IndexCompaction.class);
    /** The indexes kept compact: the rollups' keys. */
    static final List<String> INDEXES = List.of("rollup_entity_key", "rollup_answers_key", "rollup_domains_pkey",
            "rollup_days_pkey");
    /** Smaller indexes are left as they are: a rebuild would save less than a few pages' worth of reading. */
    static final long MIN_BYTES = 8L << 20;
    static final String SETTING = "sightline.storage.reindex-growth";
    /** Any number, the same on every node: one node compacts at a time. */
    private static final long LOCK = 0x5349_4748_5449_4458L;
    private static final String SIZES = """
            SELECT c.relname, pg_relation_size(c.oid), x.bytes
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
              LEFT JOIN index_compaction x ON x.index_name = c.relname
             WHERE c.relkind = 'i' AND c.relname = ANY (?::text[])""";
    private static final String LEFTOVERS = """
            SELECT c.relname
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indexrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
             WHERE NOT i.indisvalid AND c.relname ~ ('^(' || array_to_string(?::text[], '|') || ')_cc(new|old)[0-9]*$')""";
    private static final String RECORD = """
            INSERT INTO index_compaction (index_name, bytes, compacted_at) VALUES (?, ?, now())
            ON CONFLICT (index_name) DO UPDATE SET bytes = excluded.bytes, compacted_at = excluded.compacted_at""";

    private final Jdbc jdbc;
    private final OptionalDouble growth;
    private final long minBytes;

    /**
     * @param growth the share of growth since the last rebuild that calls for one; empty: never
     * @param minBytes indexes smaller than this are left alone ({@link #MIN_BYTES})
     */
    public IndexCompaction(Jdbc jdbc, OptionalDouble growth, long minBytes) {
        this.jdbc = jdbc;
        this.growth = growth;
        this.minBytes = minBytes;
    }

    /** One rebuilt index: its size before and after, and how long it took. */
    public record Rebuilt(String index, long bytesBefore, long bytesAfter, long millis) {
    }

    /**
     * Rebuilds the indexes that are due, unless a run is going on or another node is at it.
     *
     * @return what was rebuilt (empty when nothing was due, or the setting is {@code off})
     */
    public List<Rebuilt> compactIfDue() {
        if (growth.isEmpty()) {
            return List.of();
        }
        return jdbc.withConnection(c -> {
            if (!Jdbc.queryOne(c, "SELECT pg_try_advisory_lock(?)", rs -> rs.getBoolean(1), LOCK).orElse(false)) {
                return List.of();
            }
            try {
                return compact(c);
            } finally {
                Jdbc.queryOne(c, "SELECT pg_advisory_unlock(?)", rs -> rs.getBoolean(1), LOCK);
            }
        });
    }

    private List<Rebuilt> compact(Connection c) throws SQLException {
        String[] names = INDEXES.toArray(String[]::new);
        for (String leftover : Jdbc.query(c, LEFTOVERS, rs -> rs.getString(1), (Object) names)) {
            LOG.info("Dropping {}, left invalid by an interrupted rebuild", leftover);
            execute(c, "DROP INDEX CONCURRENTLY IF EXISTS " + quote(leftover));
        }
        List<Rebuilt> done = new ArrayList<>();
        for (Size s : Jdbc.query(c, SIZES, rs -> new Size(rs.getString(1), rs.getLong(2),
                rs.getObject(3) == null ? -1 : rs.getLong(3)), (Object) names)) {
            if (!due(s)) {
                continue;
            }
            if (Jdbc.queryOne(c, "SELECT EXISTS (SELECT 1 FROM run WHERE status = 'running')",
                    rs -> rs.getBoolean(1)).orElse(false)) {
                break; // the next look, after the run
            }
            long t0 = System.nanoTime();
            try {
                execute(c, "REINDEX INDEX CONCURRENTLY " + quote(s.index()));
            } catch (SQLException e) {
                // e.g. a database user that does not own the table: the next look tries again
                LOG.warn("Could not rebuild {}: {} ({}=off stops trying)", s.index(), e.getMessage(), SETTING);
                break;
            }
            long after = Jdbc.queryOne(c, "SELECT pg_relation_size(?::regclass)", rs -> rs.getLong(1), s.index())
                    .orElseThrow();
            Jdbc.update(c, RECORD, s.index(), after);
            Rebuilt r = new Rebuilt(s.index(), s.bytes(), after, (System.nanoTime() - t0) / 1_000_000);
            LOG.info(String.format(Locale.ROOT, "Rebuilt %s: %.1f -> %.1f MB in %.1f s (%s)", r.index(),
                    r.bytesBefore() / 1048576.0, r.bytesAfter() / 1048576.0, r.millis() / 1000.0, SETTING));
            done.add(r);
        }
        return done;
    }

    private record Size(String index, long bytes, long lastRebuilt) {
    }

    /** Never rebuilt (an index as the migrations left it): due once it is worth it; else once it has grown enough. */
    private boolean due(Size s) {
        return s.bytes() >= minBytes
                && (s.lastRebuilt() < 0 || s.bytes() > s.lastRebuilt() * (1 + growth.getAsDouble()));
    }

    /** Outside a transaction: REINDEX and DROP INDEX CONCURRENTLY cannot run in one. */
    private static void execute(Connection c, String sql) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (var st = c.createStatement()) {
            st.execute(sql);
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
