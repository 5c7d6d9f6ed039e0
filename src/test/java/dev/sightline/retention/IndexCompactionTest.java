package dev.sightline.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import dev.sightline.config.Config;
import dev.sightline.store.Jdbc;
import dev.sightline.testing.HistoryCopy;
import dev.sightline.testing.TestApp;

/**
 * The rollups' keys are rebuilt once they have grown enough since their last rebuild, never during a run nor on two
 * nodes at once, and what an interrupted rebuild left is dropped; the numbers read from the rollups do not change.
 */
class IndexCompactionTest {

    @Test
    void keysAreRebuiltWhenTheyHaveGrownAndTheNumbersStayTheSame() throws Exception {
        try (TestApp app = TestApp.start("index_compaction", Map.of())) {
            long run = app.startRun("{\"providers\": [\"openai\", \"gemini\"]}");
            LocalDate today = LocalDate.parse(app.awaitRun(run, Duration.ofSeconds(60)).get("runDate").asText());
            Jdbc jdbc = app.app().bean(Jdbc.class);
            // a few weeks of history, recorded in small batches: the keys split their pages as in daily use
            for (int day = 1; day <= 20; day++) {
                List<Long> ids = HistoryCopy.copy(jdbc, List.of(run), List.of(today.minusDays(day)));
                for (int i = 0; i < ids.size(); i += 7) {
                    List<Long> batch = ids.subList(i, Math.min(ids.size(), i + 7));
                    jdbc.inTransaction(c -> Jdbc.update(c, "CALL rollup_record(?::bigint[])", batch));
                }
            }
            List<String> reads = List.of("/api/metrics", "/api/metrics?groupBy=provider", "/api/metrics?groupBy=day",
                    "/api/metrics?groupBy=tag&from=" + today.minusDays(13) + "&to=" + today.minusDays(2),
                    "/api/citations/domains", "/api/runs/" + run + "/report");
            List<String> before = bodies(app, reads);
            long sizeBefore = app.count("SELECT pg_relation_size('rollup_entity_key')");

            IndexCompaction compaction = new IndexCompaction(jdbc, OptionalDouble.of(0.10), 0);
            List<IndexCompaction.Rebuilt> first = compaction.compactIfDue();
            // never rebuilt before: each is rebuilt once (a one-page index may come out a page larger: its meta page)
            assertThat(first).extracting(IndexCompaction.Rebuilt::index)
                    .containsExactlyInAnyOrderElementsOf(IndexCompaction.INDEXES);
            assertThat(first.stream().mapToLong(IndexCompaction.Rebuilt::bytesAfter).sum())
                    .isLessThan(first.stream().mapToLong(IndexCompaction.Rebuilt::bytesBefore).sum());
            assertThat(app.count("SELECT pg_relation_size('rollup_entity_key')")).isLessThan(sizeBefore);
            assertThat(app.count("SELECT count(*) FROM index_compaction")).isEqualTo(4);
            assertThat(app.count("""
                    SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     WHERE c.relname = ANY (?) AND i.indisvalid""",
                    (Object) IndexCompaction.INDEXES.toArray(String[]::new))).isEqualTo(4);
            assertThat(bodies(app, reads)).isEqualTo(before);
            // still one row per key (V31: the procedures keep it so, the keys are not unique)
            assertThat(app.count("SELECT count(*) FROM rollup_entity")).isEqualTo(app.count(
                    "SELECT count(DISTINCT (workspace_id, period, span, prompt_id, provider, entity_id)) FROM rollup_entity"));

            // not grown since: nothing to do
            assertThat(compaction.compactIfDue()).isEmpty();

            // grown by more than 10% (as recorded): due, but not while a run is going on
            app.sql("UPDATE index_compaction SET bytes = bytes * 10 / 12 WHERE index_name = 'rollup_entity_key'");
            app.sql("UPDATE run SET status = 'running' WHERE id = " + run);
            assertThat(compaction.compactIfDue()).isEmpty();
            app.sql("UPDATE run SET status = 'completed' WHERE id = " + run);

            // nor while another node is at it
            try (Connection other = DriverManager.getConnection(app.jdbcUrl())) {
                try (var st = other.createStatement()) {
                    st.execute("SELECT pg_advisory_lock(" + 0x5349_4748_5449_4458L + ")");
                }
                assertThat(compaction.compactIfDue()).isEmpty();
                // released now (a closed session's locks go only when its backend has exited, a moment later)
                try (var st = other.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + 0x5349_4748_5449_4458L + ")");
                }
            }
            assertThat(compaction.compactIfDue()).extracting(IndexCompaction.Rebuilt::index)
                    .containsExactly("rollup_entity_key");

            // a rebuild interrupted midway leaves an invalid index that every rollup row would still be written to
            assertThatThrownBy(() -> jdbc.withConnection(c -> {
                try (var st = c.createStatement()) {
                    return st.execute("CREATE UNIQUE INDEX CONCURRENTLY rollup_entity_key_ccnew"
                            + " ON rollup_entity (workspace_id)");
                }
            })).hasMessageContaining("duplicate");
            assertThat(app.count("SELECT count(*) FROM pg_class WHERE relname = 'rollup_entity_key_ccnew'"))
                    .isEqualTo(1);
            assertThat(compaction.compactIfDue()).isEmpty();
            assertThat(app.count("SELECT count(*) FROM pg_class WHERE relname = 'rollup_entity_key_ccnew'"))
                    .isZero();

            // off: never
            app.sql("UPDATE index_compaction SET bytes = 1");
            assertThat(new IndexCompaction(jdbc, OptionalDouble.empty(), 0).compactIfDue()).isEmpty();
            assertThat(bodies(app, reads)).isEqualTo(before);
        }
    }

    @Test
    void growthIsAShareOrOff() {
        assertThat(RetentionConfiguration.reindexGrowth(config(null))).hasValue(0.10);
        assertThat(RetentionConfiguration.reindexGrowth(config("25%"))).hasValue(0.25);
        assertThat(RetentionConfiguration.reindexGrowth(config(" OFF "))).isEmpty();
        for (String bad : List.of("0%", "10", "ten percent", "-5%", "2000%")) {
            assertThatThrownBy(() -> RetentionConfiguration.reindexGrowth(config(bad)))
                    .as(bad).hasMessageContaining("sightline.storage.reindex-growth=");
        }
    }

    private static List<String> bodies(TestApp app, List<String> paths) {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            TestApp.Reply r = app.get(p);
            assertThat(r.status()).as(p).isEqualTo(200);
            out.add(r.body());
        }
        return out;
    }

    private static Config config(String value) {
        return new Config(k -> k.equals(IndexCompaction.SETTING) ? Optional.ofNullable(value) : Optional.empty());
    }
}
