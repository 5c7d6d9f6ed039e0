package dev.sightline.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.sightline.store.AnswerColumns;
import dev.sightline.store.Jdbc;
import dev.sightline.store.RawBodies;
import dev.sightline.testing.HistoryCopy;
import dev.sightline.testing.TestApp;
import dev.sightline.values.Json;

/**
 * Raw bodies are stored compressed beside the immutable response and can be dropped by the retention alone:
 * answers, analyses and metrics stay exactly as they were.
 */
class RawBodyRetentionTest {

    @Test
    void oldRawBodiesAreDroppedAnswersAnalysesAndMetricsStay() throws Exception {
        try (TestApp app = TestApp.start("raw_body_retention", Map.of("sightline.retention.raw-bodies", "90d"))) {
            long run = app.startRun("{\"providers\": [\"openai\", \"anthropic\", \"gemini\"]}");
            LocalDate today = LocalDate.parse(app.awaitRun(run, Duration.ofSeconds(60)).get("runDate").asText());
            Jdbc jdbc = app.app().bean(Jdbc.class);

            // the body is what the provider sent, deflated against the answer text and the cited URLs
            List<String[]> stored = jdbc.query("""
                    SELECT s.provider, b.encoding, b.body, """ + AnswerColumns.SELECT + """
                      FROM response s JOIN response_body b ON b.response_id = s.id JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ?""", rs -> {
                AnswerColumns.Answer a = AnswerColumns.read(rs);
                return new String[] {rs.getString(1), a.text(), a.citationsJson(),
                        RawBodies.decompress(rs.getString(2), rs.getBytes(3), a.text(), a.citationsJson()),
                        String.valueOf(rs.getBytes(3).length)};
            }, run);
            assertThat(stored).isNotEmpty();
            for (String[] s : stored) {
                JsonNode body = Json.parseObject(s[3]);
                assertThat(body).as("raw body of %s", s[0]).isNotNull();
                if (s[0].equals("openai")) {
                    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo(s[1]);
                }
                if (s[0].equals("gemini")) {
                    // the grounding URLs, stored as cited_url ids (V29), come back in the provider's order
                    List<String> uris = new java.util.ArrayList<>();
                    body.at("/candidates/0/groundingMetadata/groundingChunks")
                            .forEach(g -> uris.add(g.at("/web/uri").asText()));
                    List<String> urls = new java.util.ArrayList<>();
                    Json.MAPPER.readTree(s[2]).forEach(c -> urls.add(c.get("url").asText()));
                    assertThat(uris).isNotEmpty().allMatch(u -> u.contains("grounding-api-redirect"));
                    assertThat(urls).isEqualTo(uris);
                }
                assertThat(Integer.parseInt(s[4])).isLessThan(s[3].length() / 2);
            }

            List<Long> old = HistoryCopy.copy(jdbc, List.of(run), List.of(today.minusDays(100)));
            jdbc.inTransaction(c -> Jdbc.update(c, "CALL rollup_record(?::bigint[])", old));
            String metricsBefore = app.get("/api/metrics?groupBy=day").body();
            long answers = app.count("SELECT count(*) FROM response");
            long analyses = app.count("SELECT count(*) FROM analysis");

            // nobody else may change or delete a body
            assertThatThrownBy(() -> jdbc.update("DELETE FROM response_body WHERE response_id = ?", old.get(0)))
                    .hasMessageContaining("only dropped by the retention");
            assertThatThrownBy(() -> jdbc.update("UPDATE response_body SET body = '' WHERE response_id = ?",
                    old.get(0))).hasMessageContaining("immutable");

            long dropped = app.app().bean(RawBodyRetention.class).dropExpired();
            assertThat(dropped).isEqualTo(old.size());
            assertThat(app.count("SELECT count(*) FROM response_body WHERE response_id = ANY (?)",
                    (Object) old.toArray(new Long[0]))).isZero();
            assertThat(app.count("SELECT count(*) FROM response_body")).isEqualTo(stored.size());
            assertThat(app.count("SELECT count(*) FROM response")).isEqualTo(answers);
            assertThat(app.count("SELECT count(*) FROM analysis")).isEqualTo(analyses);
            assertThat(app.get("/api/metrics?groupBy=day").body()).isEqualTo(metricsBefore);
            assertThat(app.app().bean(RawBodyRetention.class).dropExpired()).isZero();
        }
    }

    @Test
    void retentionSettingIsKeepOrDaysOfAtLeastOne() {
        assertThat(RetentionConfiguration.rawBodies(config("keep"))).isEmpty();
        assertThat(RetentionConfiguration.rawBodies(config("90d"))).contains(Duration.ofDays(90));
        assertThat(RetentionConfiguration.rawBodies(config("PT48H"))).contains(Duration.ofDays(2));
        assertThatThrownBy(() -> RetentionConfiguration.rawBodies(config("1h")))
                .hasMessageContaining("sightline.retention.raw-bodies");
        assertThatThrownBy(() -> RetentionConfiguration.rawBodies(config("forever")))
                .hasMessageContaining("sightline.retention.raw-bodies");
    }

    private static dev.sightline.config.Config config(String value) {
        return new dev.sightline.config.Config(k -> k.equals("sightline.retention.raw-bodies")
                ? java.util.Optional.of(value) : java.util.Optional.empty());
    }
}
