package dev.sightline.store;

import static dev.sightline.store.TestDataSources.dataSource;
import static dev.sightline.store.TestDataSources.flyway;
import static dev.sightline.store.TestDataSources.oneRunOfAnswers;
import static dev.sightline.store.TestDataSources.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import dev.sightline.config.Resources;
import dev.sightline.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * V17 rewrites citation (the URL kept once, in cited_url) and the two big rollup tables (columns reordered): a
 * database that has rows in them keeps every value, and the application's writes work on the new tables. V19 stores
 * new answers deflated in one column: answers stored before are read as they were. V21 rewrites the rollup tables
 * again (int columns, keys led by the period): same values, and a value out of an int's range is refused, not
 * stored wrong. V24 drops the single days' all-provider rollup rows and keeps the others as they were.
 */
class CompactStorageMigrationTest {

    /** A response's origin as read through the view, '(null)' for a missing value. */
    private static final String LABELS = """
            SELECT string_agg(concat_ws('|', s.provider, s.kind, coalesce(s.model_requested, '(null)'),
                                        coalesce(s.model_served, '(null)'), coalesce(s.finish_reason, '(null)')),
                              ';' ORDER BY s.id)
              FROM response s""";

    private static final String CITATIONS_BEFORE = """
            SELECT string_agg(concat_ws('|', response_id, position, url, domain, owner, entity_id, source, marker), ';'
                              ORDER BY response_id, position) FROM citation""";
    private static final String CITATIONS_AFTER = """
            SELECT string_agg(concat_ws('|', t.response_id, t.position, u.url, t.domain, t.owner, t.entity_id, t.source,
                                        t.marker), ';' ORDER BY t.response_id, t.position)
              FROM citation t JOIN cited_url u ON u.id = t.url_id""";
    private static final String ENTITY_ROLLUPS = """
            SELECT string_agg(concat_ws('|', workspace_id, entity_id, span, period, provider, prompt_id, mentioned,
                                        rank_sum, rank_count, order_sum, order_count, sentiment_sum, sentiment_count,
                                        citing), ';' ORDER BY workspace_id, entity_id, span, period, provider, prompt_id)
              FROM rollup_entity""";
    private static final String ANSWER_ROLLUPS = """
            SELECT string_agg(concat_ws('|', workspace_id, span, period, provider, prompt_id, answers, credits, cited,
                                        refused, empty), ';' ORDER BY workspace_id, span, period, provider, prompt_id)
              FROM rollup_answers""";

    @Test
    void rowsOfTheRewrittenTablesKeepEveryValue() throws Exception {
        DataSource ds = dataSource(TestPostgres.newDatabase("compact_storage"));
        Path dir = Resources.mergedMigrations();
        try {
            flyway(ds, dir, "16").migrate();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                // three analysed answers of one run, their citations and some rollup rows as V16 held them
                oneRunOfAnswers(st, 3);
                st.execute("INSERT INTO entity (id, workspace_id, kind, name) VALUES (7, 1, 'brand', 'Acme'),"
                        + " (8, 1, 'competitor', 'Rival')");
                st.execute("INSERT INTO analysis (response_id, analyzer_version, brand_visible, share_of_voice)"
                        + " SELECT id, 'test', true, 0.5 FROM response");
                st.execute("""
                        INSERT INTO citation (response_id, position, url, domain, owner, entity_id, source, marker)
                        VALUES (1, 1, 'https://www.g2.com/products/attio/reviews', 'g2.com', 'other', NULL, 'native', 1),
                               (1, 2, 'https://acme.example/pricing', 'acme.example', 'brand', 7, 'text', NULL),
                               (2, 1, 'https://www.g2.com/products/attio/reviews', 'g2.com', 'other', NULL, 'native', 3),
                               (3, 4, 'https://rival.example/', 'rival.example', 'competitor', 8, 'native', 2)""");
                st.execute("""
                        INSERT INTO rollup_entity (workspace_id, entity_id, span, period, provider, prompt_id,
                                                   mentioned, rank_sum, rank_count, order_sum, order_count,
                                                   sentiment_sum, sentiment_count, citing)
                        VALUES (1, 7, 1, '2026-11-30', 'openai', 5, 3, 4, 2, 5, 3, 1.375, 3, 1),
                               (1, 7, 8, '2026-11-24', '', 5, 9, 12, 7, 10, 9, -0.25, 9, 0),
                               (1, 8, 64, '2026-10-01', 'gemini', 6, 1, 0, 0, 1, 1, 0.5, 1, 2)""");
                st.execute("""
                        INSERT INTO rollup_answers (workspace_id, span, period, provider, prompt_id, answers, credits,
                                                    cited, refused, empty)
                        VALUES (1, 1, '2026-11-30', 'openai', 5, 4, 3, 2, 1, 0),
                               (1, 64, '2026-10-01', '', 6, 40, 31, 20, 2, 3)""");
            }
            String citations = scalar(ds, CITATIONS_BEFORE);
            String entityRollups = scalar(ds, ENTITY_ROLLUPS);
            String answerRollups = scalar(ds, ANSWER_ROLLUPS);

            flyway(ds, dir, "23").migrate();

            assertThat(scalar(ds, CITATIONS_AFTER)).isEqualTo(citations);
            assertThat(scalar(ds, "SELECT count(*) FROM cited_url")).as("each URL once").isEqualTo("3");
            assertThat(scalar(ds, ENTITY_ROLLUPS)).isEqualTo(entityRollups);
            assertThat(scalar(ds, ANSWER_ROLLUPS)).isEqualTo(answerRollups);
            // the constraints came along
            assertThat(scalar(ds, """
                    SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint
                     WHERE conrelid IN ('citation'::regclass, 'rollup_entity'::regclass, 'rollup_answers'::regclass)"""))
                    .isEqualTo("citation_entity_id_fkey,citation_owner_check,citation_pkey,citation_response_id_fkey,"
                            + "citation_source_check,citation_url_id_fkey,rollup_answers_pkey,rollup_answers_span_check,"
                            + "rollup_entity_pkey,rollup_entity_span_check");
            // the keys lead with the period, so that a day's new rows go to the right end of the key
            assertThat(scalar(ds, "SELECT pg_get_indexdef('rollup_entity_pkey'::regclass)"))
                    .endsWith("(workspace_id, period, span, provider, entity_id, prompt_id)");
            assertThat(scalar(ds, "SELECT pg_get_indexdef('rollup_answers_pkey'::regclass)"))
                    .endsWith("(workspace_id, period, span, provider, prompt_id)");
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                assertThatThrownBy(() -> st.execute("""
                        INSERT INTO rollup_entity (workspace_id, entity_id, span, period, provider, prompt_id, mentioned,
                                                   rank_sum, rank_count, order_sum, order_count, sentiment_sum,
                                                   sentiment_count, citing)
                        VALUES (1, 2147483648, 1, '2026-11-30', 'openai', 5, 1, 0, 0, 0, 0, 0, 0, 0)"""))
                        .hasMessageContaining("integer out of range");
            }

            // V24: the single days' all-provider rows go (they added up their key's provider rows), every other row
            // keeps its values, the blocks' all-provider rows included; the keys lead with the prompt after the
            // period and span; a single day's all-provider row is refused
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("""
                        INSERT INTO rollup_entity (workspace_id, entity_id, span, period, provider, prompt_id, mentioned,
                                                   rank_sum, rank_count, order_sum, order_count, sentiment_sum,
                                                   sentiment_count, citing)
                        VALUES (1, 7, 1, '2026-11-30', '', 5, 3, 4, 2, 5, 3, 1.375, 3, 1)""");
                st.execute("""
                        INSERT INTO rollup_answers (workspace_id, span, period, provider, prompt_id, answers, credits,
                                                    cited, refused, empty)
                        VALUES (1, 1, '2026-11-30', '', 5, 4, 3, 2, 1, 0)""");
            }
            flyway(ds, dir, "latest").migrate();
            assertThat(scalar(ds, ENTITY_ROLLUPS)).isEqualTo(entityRollups);
            assertThat(scalar(ds, ANSWER_ROLLUPS)).isEqualTo(answerRollups);
            assertThat(scalar(ds, """
                    SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint
                     WHERE conrelid IN ('rollup_entity'::regclass, 'rollup_answers'::regclass)"""))
                    .isEqualTo("rollup_answers_provider_check,rollup_answers_span_check,"
                            + "rollup_entity_provider_check,rollup_entity_span_check");
            // V31: the keys without their last column and not unique, so that rows sharing the rest deduplicate
            assertThat(scalar(ds, "SELECT pg_get_indexdef('rollup_entity_key'::regclass)"))
                    .startsWith("CREATE INDEX").contains("USING btree (workspace_id, period, span, prompt_id, provider)");
            assertThat(scalar(ds, "SELECT pg_get_indexdef('rollup_answers_key'::regclass)"))
                    .startsWith("CREATE INDEX").contains("USING btree (workspace_id, period, span, prompt_id)");
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                assertThatThrownBy(() -> st.execute("""
                        INSERT INTO rollup_answers (workspace_id, span, period, provider, prompt_id, answers, credits,
                                                    cited)
                        VALUES (1, 1, '2026-12-01', '', 5, 1, 0, 0)"""))
                        .hasMessageContaining("rollup_answers_provider_check");
            }
            // answers stored before V19 keep their text and citations columns and are read as they were; a response
            // without an answer in either form is refused
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT " + AnswerColumns.SELECT + " FROM response s WHERE s.id = 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(AnswerColumns.read(rs)).isEqualTo(new AnswerColumns.Answer("answer", "[]"));
                }
                st.execute("INSERT INTO cell (id, run_id, prompt_id, provider, sample, status, attempts)"
                        + " VALUES (4, 1, 5, 'openai', 4, 'succeeded', 1)");
                assertThatThrownBy(() -> st.execute("INSERT INTO response (id, cell_id, provider, kind, http_status,"
                        + " attempt) VALUES (4, 4, 'openai', 'openai-chat', 200, 1)"))
                        .hasMessageContaining("response_answer_stored");

                // V33: a response's provider, kind, models and finish reason stored once per combination; rows stored
                // before keep theirs and read as they did, rows inserted through the view (as before) get a label
                assertThat(scalar(ds, LABELS + " WHERE s.id = 1")).isEqualTo("openai|openai-chat|(null)|(null)|(null)");
                assertThat(scalar(ds, "SELECT count(*) FROM response_row WHERE label_id IS NULL")).isEqualTo("3");
                for (int i = 5; i <= 8; i++) {
                    st.execute("INSERT INTO cell (id, run_id, prompt_id, provider, sample, status, attempts)"
                            + " VALUES (" + i + ", 1, 5, 'openai', " + i + ", 'succeeded', 1)");
                }
                st.execute("""
                        INSERT INTO response (id, cell_id, provider, kind, model_requested, model_served, http_status,
                                              answer_text, attempt, finish_reason)
                        VALUES (5, 5, 'openai', 'openai-chat', 'gpt-4o', 'gpt-4o-2024-08-06', 200, 'a', 1, 'stop'),
                               (6, 6, 'openai', 'openai-chat', 'gpt-4o', 'gpt-4o-2024-08-06', 200, 'b', 1, 'stop'),
                               (7, 7, 'openai', 'openai-chat', 'gpt-4o', '', 200, 'c', 1, 'stop'),
                               (8, 8, 'openai', 'openai-chat', 'gpt-4o', NULL, 200, 'd', 1, 'stop')""");
            }
            assertThat(scalar(ds, LABELS + " WHERE s.cell_id >= 5")).isEqualTo(
                    "openai|openai-chat|gpt-4o|gpt-4o-2024-08-06|stop;openai|openai-chat|gpt-4o|gpt-4o-2024-08-06|stop;"
                            + "openai|openai-chat|gpt-4o||stop;openai|openai-chat|gpt-4o|(null)|stop");
            // one label each for the combinations, '' and NULL apart; the rows hold only its id
            assertThat(scalar(ds, "SELECT count(*) FROM response_label")).isEqualTo("3");
            assertThat(scalar(ds, "SELECT count(*) FROM response_row WHERE cell_id >= 5 AND label_id IS NOT NULL"
                    + " AND provider IS NULL AND kind IS NULL AND model_requested IS NULL AND model_served IS NULL"
                    + " AND finish_reason IS NULL")).isEqualTo("4");
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                assertThatThrownBy(() -> st.execute("DELETE FROM response_row WHERE cell_id = 5"))
                        .hasMessageContaining("immutable");
            }
        } finally {
            Resources.deleteTree(dir);
        }
    }
}
