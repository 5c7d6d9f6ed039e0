package dev.sightline.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.sightline.testing.TestApp;

/**
 * A real run over HTTP against the simulator, then the three metrics endpoints: their numbers must agree with each
 * other and with the stored cells, analyses and citations they are derived from. The date-range checks run
 * before the test that adds more runs on the same day.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsEndToEndTest {

    static final double EPS = 1e-9;
    static TestApp app;
    static long first;
    static String runDate;

    @BeforeAll
    static void start() {
        // three full runs: lift the demo's 50 requests/minute so the second run does not wait for the window
        Map<String, String> settings = new HashMap<>();
        for (String p : new String[] {"openai", "anthropic", "gemini", "perplexity"}) {
            settings.put("sightline.providers." + p + ".requests-per-minute", "100000");
        }
        app = TestApp.start("metrics_e2e", settings);
        first = app.startRun("{}");
        JsonNode run = app.awaitRun(first, Duration.ofSeconds(90));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        runDate = run.get("runDate").asText();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static JsonNode ok(TestApp.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    @Order(1)
    void metricsAgreeWithStoredCellsAnalysesAndTheRunReport() {
        JsonNode metrics = ok(app.get("/api/metrics?groupBy=provider&from=" + runDate + "&to=" + runDate));
        JsonNode report = ok(app.get("/api/runs/" + first + "/report"));
        assertThat(metrics.get("entity").get("name").asText()).isEqualTo("Pipedrive");
        assertThat(metrics.get("groups")).hasSize(4);
        Map<String, Double> sovSum = new HashMap<>();
        for (JsonNode row : report.get("rows")) {
            sovSum.merge(row.get("provider").asText(), row.get("shareOfVoice").asDouble(), Double::sum);
        }
        for (JsonNode g : metrics.get("groups")) {
            String provider = g.get("key").asText();
            long succeeded = app.count("SELECT count(*) FROM cell WHERE run_id = ? AND provider = ? AND status = 'succeeded'",
                    first, provider);
            assertThat(succeeded).isEqualTo(28);
            assertThat(g.get("n").asLong()).as(provider).isEqualTo(succeeded);
            // the analyzer's own brand flag, stored per analysis, counts the same answers
            assertThat(g.get("mentioned").asLong()).as(provider).isEqualTo(app.count("""
                    SELECT count(*) FROM analysis a JOIN response s ON s.id = a.response_id JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ? AND c.provider = ? AND a.brand_visible AND a.error IS NULL""", first, provider));
            assertThat(g.get("visibility").asDouble()).isCloseTo(g.get("mentioned").asDouble() / succeeded, within(EPS));
            assertThat(g.get("visibilityLow").asDouble()).isLessThanOrEqualTo(g.get("visibility").asDouble());
            assertThat(g.get("visibilityHigh").asDouble()).isGreaterThanOrEqualTo(g.get("visibility").asDouble());
            assertThat(g.get("mentionCredits").asLong()).isEqualTo(app.count("""
                    SELECT count(*) FROM mention m JOIN response s ON s.id = m.response_id JOIN cell c ON c.id = s.cell_id
                     WHERE c.run_id = ? AND c.provider = ? AND m.mentioned""", first, provider));

            JsonNode brandRow = row(report, provider, "Pipedrive");
            for (String f : new String[] {"n", "mentioned", "visibility", "visibilityLow", "visibilityHigh",
                    "shareOfVoice", "avgRank", "avgMentionOrder", "avgSentiment", "citationRate"}) {
                if (g.get(f).isNull()) {
                    assertThat(brandRow.get(f).isNull()).as(provider + " " + f).isTrue();
                } else {
                    // float sums may add up in another order: equal to the last bits only
                    assertThat(brandRow.get(f).asDouble()).as(provider + " " + f)
                            .isCloseTo(g.get(f).asDouble(), within(1e-12));
                }
            }
            // one credit per entity per answer: every credit goes to some tracked entity
            assertThat(sovSum.get(provider)).as(provider).isCloseTo(1.0, within(1e-9));
        }
        // 4 providers x 9 demo entities
        assertThat(report.get("rows")).hasSize(36);
        assertThat(report.get("comparisonReason").asText())
                .isEqualTo("no earlier completed run of this workspace asked the same providers "
                        + "[anthropic, gemini, openai, perplexity]");
    }

    @Test
    @Order(2)
    void citedDomainsAddUpToTheStoredCitations() {
        JsonNode domains = ok(app.get("/api/citations/domains?limit=1000&from=" + runDate + "&to=" + runDate))
                .get("domains");
        long total = 0;
        long pipedriveAnswers = 0;
        long previous = Long.MAX_VALUE;
        for (JsonNode d : domains) {
            long count = d.get("count").asLong();
            assertThat(count).isLessThanOrEqualTo(previous);
            previous = count;
            total += count;
            if (d.get("domain").asText().equals("pipedrive.com")) {
                assertThat(d.get("owner").asText()).isEqualTo("brand");
                assertThat(d.get("ownerName").asText()).isEqualTo("Pipedrive");
                pipedriveAnswers = d.get("answers").asLong();
            }
            if (d.get("owner").asText().equals("other")) {
                assertThat(d.get("ownerName").isNull()).isTrue();
            }
        }
        assertThat(total).isPositive().isEqualTo(app.count("""
                SELECT count(*) FROM citation t JOIN response s ON s.id = t.response_id JOIN cell c ON c.id = s.cell_id
                 WHERE c.run_id = ? AND t.domain <> ''""", first));
        // the brand owns one domain, so answers citing it = answers citing the brand, summed over providers
        long citingBrand = 0;
        for (JsonNode g : ok(app.get("/api/metrics?groupBy=provider&from=" + runDate + "&to=" + runDate)).get("groups")) {
            citingBrand += g.get("citingEntityAnswers").asLong();
        }
        assertThat(pipedriveAnswers).isPositive().isEqualTo(citingBrand);

        TestApp.Reply csv = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                + "/api/citations/domains?limit=3")).header("Accept", "text/csv").GET(), TestApp.TOKEN);
        assertThat(csv.body().split("\r\n")).hasSize(4);
        assertThat(csv.body().split("\r\n")[1]).startsWith(domains.get(0).get("domain").asText() + ",");
    }

    @Test
    @Order(3)
    void aRepeatedRunComparesWithZeroChangeAndAnotherProviderSetIsNotCompared() {
        // the simulator answers the same prompt, model, sample and day identically
        long second = app.startRun("{}");
        assertThat(app.awaitRun(second, Duration.ofSeconds(90)).get("status").asText()).isEqualTo("completed");
        JsonNode report = ok(app.get("/api/runs/" + second + "/report"));
        assertThat(report.get("previousRunId").asLong()).isEqualTo(first);
        assertThat(report.get("comparisonReason").isNull()).isTrue();
        JsonNode deltas = report.get("comparison").get("deltas");
        assertThat(deltas).hasSize(36);
        for (JsonNode d : deltas) {
            assertThat(d.get("visibility").asDouble()).isZero();
            assertThat(d.get("shareOfVoice").asDouble()).isZero();
            if (!d.get("avgRank").isNull()) {
                assertThat(d.get("avgRank").asDouble()).isZero();
            }
        }

        long third = app.startRun("{\"providers\":[\"openai\"]}");
        app.awaitRun(third, Duration.ofSeconds(60));
        JsonNode narrow = ok(app.get("/api/runs/" + third + "/report"));
        assertThat(narrow.get("previousRunId").isNull()).isTrue();
        assertThat(narrow.get("comparison").isNull()).isTrue();
        assertThat(narrow.get("comparisonReason").asText()).contains("same providers [openai]");
        assertThat(narrow.get("rows")).hasSize(9).allSatisfy(r -> assertThat(r.get("provider").asText()).isEqualTo("openai"));

        // the next full run skips the ad-hoc one-provider run and compares with the last full run
        long fourth = app.startRun("{}");
        assertThat(app.awaitRun(fourth, Duration.ofSeconds(90)).get("status").asText()).isEqualTo("completed");
        JsonNode full = ok(app.get("/api/runs/" + fourth + "/report"));
        assertThat(full.get("previousRunId").asLong()).isEqualTo(second);
        assertThat(full.get("comparison").get("previousRunId").asLong()).isEqualTo(second);
        assertThat(full.get("comparison").get("deltas")).hasSize(36);
    }

    static JsonNode row(JsonNode report, String provider, String entity) {
        for (JsonNode r : report.get("rows")) {
            if (r.get("provider").asText().equals(provider) && r.get("entity").get("name").asText().equals(entity)) {
                return r;
            }
        }
        throw new AssertionError("no row " + provider + "/" + entity);
    }
}
