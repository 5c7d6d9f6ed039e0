package dev.sightline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;

import dev.sightline.store.Jdbc;
import dev.sightline.testing.HistoryCopy;
import dev.sightline.testing.TestApp;
import org.junit.jupiter.api.Test;

/**
 * A deployment that only runs one-offs still has its storage kept: a one-off drops the raw bodies past
 * {@code sightline.retention.raw-bodies} and looks after the rollups' keys once its run is over, where a service's
 * hourly timers would have.
 */
class OneOffUpkeepTest {

    @Test
    void aOneOffDropsExpiredRawBodiesAndLooksAfterTheRollupKeysAfterItsRun() throws Exception {
        Properties p = TestApp.settings("one_off_upkeep");
        p.setProperty("sightline.retention.raw-bodies", "90d");
        String db = p.getProperty("sightline.db.url");
        long first = PricingOneOff.run(p).runId();
        long bodies = count(db, "SELECT count(*) FROM response_body");
        assertThat(bodies).isPositive();

        long[] old = new long[1];
        long second = PricingOneOff.run(p, app -> {
            // the first run's answers, as if stored 100 days ago
            Jdbc jdbc = app.bean(Jdbc.class);
            List<Long> copied = HistoryCopy.copy(jdbc, List.of(first), List.of(LocalDate.now().minusDays(100)));
            jdbc.inTransaction(c -> Jdbc.update(c, "CALL rollup_record(?::bigint[])", copied));
            old[0] = copied.size();
            // and what a rebuild of a rollup key cut short leaves: an invalid index, written with every rollup row
            jdbc.withConnection(c -> {
                try (var st = c.createStatement()) {
                    return st.execute("CREATE UNIQUE INDEX CONCURRENTLY rollup_entity_key_ccnew"
                            + " ON rollup_entity (workspace_id)");
                } catch (java.sql.SQLException duplicate) {
                    return false; // the index is left behind, invalid, as an interrupted rebuild leaves it
                }
            });
            assertThat(count(db, "SELECT count(*) FROM pg_class WHERE relname = 'rollup_entity_key_ccnew'"))
                    .isEqualTo(1);
        }).runId();
        assertThat(old[0]).isEqualTo(bodies);

        // the copies' bodies are gone, their answers stay; both runs' own bodies stay
        assertThat(count(db, "SELECT count(*) FROM response_body")).isEqualTo(2 * bodies);
        assertThat(count(db, """
                SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id
                 WHERE c.run_id NOT IN (%d, %d) AND s.id NOT IN (SELECT response_id FROM response_body)"""
                .formatted(first, second))).isEqualTo(bodies);
        assertThat(count(db, "SELECT count(*) FROM pg_class WHERE relname = 'rollup_entity_key_ccnew'")).isZero();
    }

    private static long count(String db, String sql) throws java.sql.SQLException {
        try (Connection c = DriverManager.getConnection(db, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
