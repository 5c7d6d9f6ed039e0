package dev.sightline.metrics;

import java.util.ArrayList;
import java.util.List;

import dev.sightline.store.Jdbc;

/**
 * The answer facts and rollups (sql/V7) recreated from the raw rows: {@code --rebuild-rollups}. The analysis route
 * keeps them up to date by itself; this is for when they are in doubt (a restored backup, a hand edit). Each
 * workspace is rebuilt in one transaction holding its rollup lock, so readers see the old numbers until the new
 * ones are complete, and analysis writes of that workspace wait.
 */
public final class Rollups {

    private static final String WORKSPACES = "SELECT id, slug FROM workspace ORDER BY id";
    private static final String REBUILD = "CALL rollup_rebuild(?)";
    private static final String COUNTED = "SELECT count(*) FROM answer_fact WHERE workspace_id = ?";

    public record Rebuilt(String workspace, long answers, double seconds) {
    }

    private final Jdbc jdbc;

    public Rollups(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public List<Rebuilt> rebuildAll() {
        List<Rebuilt> done = new ArrayList<>();
        for (Object[] ws : jdbc.query(WORKSPACES, rs -> new Object[] {rs.getLong(1), rs.getString(2)})) {
            long id = (Long) ws[0];
            long start = System.nanoTime();
            long answers = jdbc.inTransaction(c -> {
                Jdbc.update(c, REBUILD, id);
                return Jdbc.queryOne(c, COUNTED, rs -> rs.getLong(1), id).orElse(0L);
            });
            done.add(new Rebuilt((String) ws[1], answers, (System.nanoTime() - start) / 1e9));
        }
        return done;
    }
}
