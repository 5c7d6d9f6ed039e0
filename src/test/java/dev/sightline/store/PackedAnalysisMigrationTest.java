package dev.sightline.store;

import static dev.sightline.store.TestDataSources.dataSource;
import static dev.sightline.store.TestDataSources.flyway;
import static dev.sightline.store.TestDataSources.oneRunOfAnswers;
import static dev.sightline.store.TestDataSources.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import dev.sightline.config.Resources;
import dev.sightline.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * V28 moves mention and citation rows into arrays of their analysis row and leaves views of the same names and
 * columns: every row a database held before reads back the same through them, rows of early versions included
 * (evidence kept as JSON, a mention row for an entity not mentioned, a citation without a domain or an owner).
 */
class PackedAnalysisMigrationTest {

    private static final String MENTIONS = """
            SELECT string_agg(concat_ws('|', response_id, entity_id, mentioned, mention_count, list_rank, mention_order,
                                        sentiment, sentiment_score, evidence, encode(evidence_offsets, 'hex')), ';'
                              ORDER BY response_id, entity_id) FROM mention""";
    private static final String CITATIONS = """
            SELECT string_agg(concat_ws('|', t.response_id, t.position, u.url, t.domain, t.owner, t.entity_id, t.source,
                                        t.marker), ';' ORDER BY t.response_id, t.position)
              FROM citation t JOIN cited_url u ON u.id = t.url_id""";
    private static final String ANALYSES = """
            SELECT string_agg(concat_ws('|', response_id, analyzer_version, brand_visible, share_of_voice, error,
                                        answer_state, analyzed_at), ';' ORDER BY response_id) FROM analysis""";
    private static final String TYPES = """
            SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
              FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped""";

    @Test
    void everyRowReadsBackTheSameThroughTheViews() throws Exception {
        DataSource ds = dataSource(TestPostgres.newDatabase("packed_analysis"));
        Path dir = Resources.mergedMigrations();
        try {
            flyway(ds, dir, "27").migrate();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                oneRunOfAnswers(st, 4);
                st.execute("INSERT INTO entity (id, workspace_id, kind, name) VALUES (7, 1, 'brand', 'Acme'),"
                        + " (8, 1, 'competitor', 'Rival'), (9, 1, 'competitor', 'Other')");
                st.execute("""
                        INSERT INTO analysis (response_id, analyzer_version, brand_visible, share_of_voice, error,
                                              answer_state, analyzed_at)
                        VALUES (1, '1.8.0', true, 0.5, NULL, 'answered', '2026-11-30 10:00:00+00'),
                               (2, '1.0.0', false, 0.25, NULL, 'answered', '2026-11-30 10:00:01+00'),
                               (3, '1.8.0', false, 0, 'StackOverflowError: grader', 'answered', '2026-11-30 10:00:02+00'),
                               (4, '1.8.0', false, 0, NULL, 'refused', '2026-11-30 10:00:03+00')""");
                // 1: as the analyzer writes today (offsets); 2: as an early version did (JSON evidence, a row for an
                // entity not mentioned, no sentiment); 3 and 4: none
                st.execute("""
                        INSERT INTO mention (response_id, entity_id, mentioned, mention_count, list_rank, mention_order,
                                             sentiment, sentiment_score, evidence, evidence_offsets)
                        VALUES (1, 8, true, 2, 2, 2, 'mixed', -0.125, NULL, '\\x0a0402'),
                               (1, 7, true, 3, 1, 1, 'positive', 0.75, NULL, '\\x'),
                               (1, 9, true, 1, NULL, 3, NULL, NULL, NULL, '\\x0204'),
                               (2, 7, false, 0, NULL, NULL, NULL, NULL, '[]', NULL),
                               (2, 8, true, 1, 1, 1, 'negative', -1,
                                '[{"start": 0, "end": 5, "snippet": "Rival is slow"}]', NULL)""");
                st.execute("""
                        INSERT INTO cited_url (id, url) VALUES (11, 'https://www.g2.com/products/attio/reviews'),
                               (12, 'https://acme.example/pricing'), (13, 'not a url')""");
                st.execute("""
                        INSERT INTO citation (response_id, position, url_id, domain, owner, entity_id, source, marker)
                        VALUES (1, 1, 11, 'g2.com', 'other', NULL, 'native', 1),
                               (1, 2, 12, 'acme.example', 'brand', 7, 'text', NULL),
                               (1, 3, 11, 'g2.com', 'other', NULL, 'native', 3),
                               (2, 1, 13, '', 'other', NULL, 'text', NULL),
                               (4, 2, 12, 'acme.example', 'brand', 7, 'native', 2)""");
            }
            String mentions = scalar(ds, MENTIONS);
            String citations = scalar(ds, CITATIONS);
            String analyses = scalar(ds, ANALYSES);
            String mentionTypes = scalar(ds, TYPES.replace("?", "'mention'"));
            String citationTypes = scalar(ds, TYPES.replace("?", "'citation'"));

            flyway(ds, dir, "latest").migrate();

            assertThat(scalar(ds, MENTIONS)).isEqualTo(mentions);
            assertThat(scalar(ds, CITATIONS)).isEqualTo(citations);
            assertThat(scalar(ds, ANALYSES)).isEqualTo(analyses);
            // the views keep the columns and their types, so SQL written against the tables still reads them
            assertThat(scalar(ds, TYPES.replace("?", "'mention'"))).isEqualTo(mentionTypes);
            assertThat(scalar(ds, TYPES.replace("?", "'citation'"))).isEqualTo(citationTypes);
            assertThat(scalar(ds, "SELECT string_agg(domain, ',' ORDER BY id) FROM cited_domain"))
                    .isEqualTo("acme.example,g2.com");
            // the answers citing a page are found by the index of their URL ids
            assertThat(scalar(ds, "SELECT string_agg(response_id::text, ',' ORDER BY response_id) FROM analysis"
                    + " WHERE citation_url_ids(citations) && ARRAY[12]")).isEqualTo("1,4");
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                // rows are written through analysis; arrays of the wrong shape are refused
                assertThatThrownBy(() -> st.execute("INSERT INTO mention (response_id, entity_id, mentioned,"
                        + " mention_count) VALUES (3, 7, true, 1)")).hasMessageContaining("mention");
                assertThatThrownBy(() -> st.execute("UPDATE analysis SET mentions = '{1, 1, 1}' WHERE response_id = 3"))
                        .hasMessageContaining("analysis_mentions_check");
                assertThatThrownBy(() -> st.execute("UPDATE analysis SET mention_scores = '{0.5}' WHERE response_id = 1"))
                        .hasMessageContaining("analysis_mentions_check");
                assertThatThrownBy(() -> st.execute("UPDATE analysis SET citations = '{{1, 11, NULL, NULL, NULL, 3}}'"
                        + " WHERE response_id = 3")).hasMessageContaining("analysis_citations_check");
            }
        } finally {
            Resources.deleteTree(dir);
        }
    }

    /**
     * V32 keeps a score as thousandths in the mentions array: every score the analyzer can write (a whole number of
     * thousandths in [-1, 1]) goes in as write-analyses.sql turns it into an int and comes back out of the mention view
     * as the very double it was, and one that is not whole thousandths is kept as written.
     */
    @Test
    void everyScoreTheAnalyzerWritesReadsBackExactly() throws Exception {
        DataSource ds = dataSource(TestPostgres.newDatabase("score_thousandths"));
        Path dir = Resources.mergedMigrations();
        try {
            flyway(ds, dir, "latest").migrate();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                oneRunOfAnswers(st, 1);
                st.execute("INSERT INTO entity (id, workspace_id, kind, name) VALUES (7, 1, 'brand', 'Acme')");
            }
            String statement = Files.readString(Path.of("sql/statements/write-analyses.sql"));
            assertThat(statement).contains("round(sc * 1000)::int]").contains("sc = round(sc * 1000) / 1000");
            try (Connection c = ds.getConnection();
                    PreparedStatement write = c.prepareStatement("""
                            INSERT INTO analysis (response_id, analyzer_version, brand_visible, share_of_voice,
                                                  mentions, mention_scores)
                            SELECT 1, 'test', true, 1, ARRAY[ARRAY[7, 1, 1, NULL, 1, 1, round(sc * 1000)::int]],
                                   CASE WHEN sc = round(sc * 1000) / 1000 THEN NULL ELSE ARRAY[sc] END
                              FROM (SELECT ?::float8 AS sc) x
                            ON CONFLICT (response_id) DO UPDATE
                               SET mentions = excluded.mentions, mention_scores = excluded.mention_scores""");
                    PreparedStatement read = c.prepareStatement("""
                            SELECT m.sentiment_score, a.mention_scores IS NULL
                              FROM mention m JOIN analysis a ON a.response_id = m.response_id""")) {
                for (int k = -1000; k <= 1000; k++) {
                    double score = Math.round(k / 1000.0 * 1000) / 1000.0;
                    assertThat(readBack(write, read, score)).as("score %s", score).isEqualTo(score + " folded");
                }
                assertThat(readBack(write, read, 0.1234)).isEqualTo("0.1234 kept");
            }
        } finally {
            Resources.deleteTree(dir);
        }
    }

    private static String readBack(PreparedStatement write, PreparedStatement read, double score) throws Exception {
        write.setDouble(1, score);
        write.executeUpdate();
        try (ResultSet rs = read.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getDouble(1) + (rs.getBoolean(2) ? " folded" : " kept");
        }
    }
}
