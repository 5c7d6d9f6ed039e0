package dev.sightline.metrics;

import static dev.sightline.metrics.StoredAnswers.c;
import static dev.sightline.metrics.StoredAnswers.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sightline.testing.TestApp;

/**
 * Metrics on analyses written by hand with known values: every expected number below is worked out from the rows
 * inserted in {@link #insert()}, not taken from the code under test.
 */
class MetricsQueryTest {

    static final double EPS = 1e-9;
    static final LocalDate D1 = LocalDate.of(2026, 11, 1);
    static final LocalDate D2 = LocalDate.of(2026, 11, 2);
    static final LocalDate D3 = LocalDate.of(2026, 11, 3);
    static final LocalDate D4 = LocalDate.of(2026, 11, 4);
    static final String P1_TEXT = "Which CRM, in \"2026\", is best?";

    @TempDir
    static Path dir;
    static TestApp app;
    static StoredAnswers db;
    static long ws;
    static long acme;
    static long beta;
    static long gamma;
    static long p1;
    static long p2;
    static long r1;
    static long r2;
    static long r3;
    static long r4;
    static long otherRun;

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("acme.yaml");
        Files.writeString(file, """
                workspace: {slug: acme, name: Acme, category: CRM software}
                brand: {name: Acme, aliases: [Acme CRM], domains: [acme.com]}
                competitors:
                  - {name: Beta, domains: [beta.com]}
                  - {name: Gamma, domains: [gamma.io]}
                prompts:
                  - text: 'Which CRM, in "2026", is best?'
                    tags: [topic:a, stage:x]
                  - text: Which CRM is cheapest?
                    tags: [topic:b, stage:x]
                """);
        app = TestApp.start("metrics_query", Map.of("sightline.workspace.file", file.toString()));
        ws = app.count("SELECT id FROM workspace WHERE slug = 'acme'");
        acme = app.count("SELECT id FROM entity WHERE workspace_id = ? AND name = 'Acme'", ws);
        beta = app.count("SELECT id FROM entity WHERE workspace_id = ? AND name = 'Beta'", ws);
        gamma = app.count("SELECT id FROM entity WHERE workspace_id = ? AND name = 'Gamma'", ws);
        p1 = app.count("SELECT id FROM prompt WHERE workspace_id = ? AND 'topic:a' = ANY (tags)", ws);
        p2 = app.count("SELECT id FROM prompt WHERE workspace_id = ? AND 'topic:b' = ANY (tags)", ws);
        db = new StoredAnswers(app.jdbcUrl(), List.of(acme, beta, gamma));
        insert();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /**
     * Run r1 (D1, openai + anthropic, completed). openai answers, brand Acme = A, B = Beta, G = Gamma:
     * <pre>
     *  #  prompt  A (rank, order, score)  B            G            citations (owner)
     *  1  P1      1, 1,  0.5              2, 2,  0.2   -            acme.com (A)
     *  2  P1      2, 2,  0.3              1, 1,  0.6   3, 3, -0.1   beta.com (B), other.org
     *  3  P1      -, 1, -0.2              -            -            -
     *  4  P1      3, 3,  0.1              -, 1,  0.0   -, 2,  0.3   other.org
     *  5  P1      -                       -, 1,  0.1   -            acme.com (A)
     *  6  P2      1, 1,  0.9              -            2, 2,  0.2   -
     *  7  P2      4, 2,  0.0              1, 1,  0.5   -            acme.com, blog.acme.com (A, A)
     *  8  P2      1, 1,  0.4              -            -            -
     *  9  P2      2, 2, -0.5              1, 1,  0.1   3, 3,  0.0   other.org
     * 10  P2      -                       -            -            -
     * </pre>
     * Acme: 8 of 10 answers; credits 2+3+1+3+1+2+2+1+3+0 = 18; ranks 1,2,3,1,4,1,2 (7 ranked) avg 2.0;
     * orders avg 13/8; scores avg 1.5/8; 6 answers cite something, 3 of them (1, 5, 7) cite acme.com.
     */
    static void insert() {
        r1 = db.run(ws, D1, "completed", "openai", "anthropic");
        db.answer(r1, p1, "openai", 1, List.of(m(acme, 1, 1, 0.5), m(beta, 2, 2, 0.2)),
                List.of(c("https://acme.com/", "acme.com", "brand", acme)));
        db.answer(r1, p1, "openai", 2, List.of(m(acme, 2, 2, 0.3), m(beta, 1, 1, 0.6), m(gamma, 3, 3, -0.1)),
                List.of(c("https://beta.com/x", "beta.com", "competitor", beta), c("https://other.org", "other.org", "other", null)));
        db.answer(r1, p1, "openai", 3, List.of(m(acme, null, 1, -0.2)), List.of());
        db.answer(r1, p1, "openai", 4, List.of(m(acme, 3, 3, 0.1), m(beta, null, 1, 0.0), m(gamma, null, 2, 0.3)),
                List.of(c("https://other.org/a", "other.org", "other", null)));
        db.answer(r1, p1, "openai", 5, List.of(m(beta, null, 1, 0.1)),
                List.of(c("https://acme.com/about", "acme.com", "brand", acme)));
        db.answer(r1, p2, "openai", 1, List.of(m(acme, 1, 1, 0.9), m(gamma, 2, 2, 0.2)), List.of());
        db.answer(r1, p2, "openai", 2, List.of(m(acme, 4, 2, 0.0), m(beta, 1, 1, 0.5)),
                List.of(c("https://acme.com/pricing", "acme.com", "brand", acme),
                        c("https://blog.acme.com/", "acme.com", "brand", acme)));
        db.answer(r1, p2, "openai", 3, List.of(m(acme, 1, 1, 0.4)), List.of());
        db.answer(r1, p2, "openai", 4, List.of(m(acme, 2, 2, -0.5), m(beta, 1, 1, 0.1), m(gamma, 3, 3, 0.0)),
                List.of(c("https://other.org/b", "other.org", "other", null)));
        db.answer(r1, p2, "openai", 5, List.of(), List.of());
        // never counted: the analyzer failed (stale mention rows left behind on purpose), a failed cell that has a
        // response, a response not analysed yet
        db.answer(r1, p1, "openai", 6, "succeeded", true, "IllegalStateException: boom",
                List.of(m(acme, 1, 1, 1.0)), List.of(c("https://acme.com/", "acme.com", "brand", acme)));
        db.answer(r1, p2, "openai", 6, "failed", true, null, List.of(m(beta, 1, 1, 1.0)),
                List.of(c("https://other.org/c", "other.org", "other", null)));
        db.answer(r1, p1, "openai", 7, "succeeded", false, null, List.of(), List.of());
        // anthropic: Acme in 1 of 2, which cites acme.com
        db.answer(r1, p1, "anthropic", 1, List.of(m(acme, 1, 1, 0.8)),
                List.of(c("https://acme.com/", "acme.com", "brand", acme)));
        db.answer(r1, p2, "anthropic", 1, List.of(m(beta, 1, 1, 0.4)), List.of());

        // r2 (D2, openai only): Acme in 1 of 4 (rank 1), Beta in all 4 -> SoV 1/5
        r2 = db.run(ws, D2, "completed", "openai");
        db.answer(r2, p1, "openai", 1, List.of(m(acme, 1, 1, 0.2), m(beta, 2, 2, 0.1)), List.of());
        for (int s = 2; s <= 4; s++) {
            db.answer(r2, p1, "openai", s, List.of(m(beta, 1, 1, 0.1)), List.of());
        }

        // another workspace's run between r2 and r3, on D1, with a brand also called Acme
        long other = db.one("INSERT INTO workspace (slug, name) VALUES ('other', 'Other') RETURNING id");
        long otherAcme = db.one("INSERT INTO entity (workspace_id, kind, name) VALUES (?, 'brand', 'Acme') RETURNING id",
                other);
        long otherPrompt = db.one("INSERT INTO prompt (workspace_id, text, text_hash, tags) VALUES (?, 'q', 'h', ?)"
                + " RETURNING id", other, List.of("topic:a"));
        otherRun = db.run(other, D1, "completed", "openai");
        new StoredAnswers(app.jdbcUrl(), List.of(otherAcme)).answer(otherRun, otherPrompt, "openai", 1,
                List.of(m(otherAcme, 1, 1, 1.0)), List.of(c("https://acme.com/", "acme.com", "brand", otherAcme)));

        // r3 (D3, openai): Acme in 3 of 4 (ranks 2, 2, 1), Beta in all 4 -> SoV 3/7
        r3 = db.run(ws, D3, "completed", "openai");
        db.answer(r3, p1, "openai", 1, List.of(m(acme, 2, 2, 0.1), m(beta, 1, 1, 0.1)), List.of());
        db.answer(r3, p1, "openai", 2, List.of(m(acme, 2, 2, 0.1), m(beta, 1, 1, 0.1)), List.of());
        db.answer(r3, p1, "openai", 3, List.of(m(acme, 1, 1, 0.1), m(beta, 2, 2, 0.1)), List.of());
        db.answer(r3, p1, "openai", 4, List.of(m(beta, 1, 1, 0.1)), List.of());

        // r4 (D4, openai) finished with a failed cell
        r4 = db.run(ws, D4, "completed_with_failures", "openai");
        db.answer(r4, p1, "openai", 1, List.of(m(acme, 1, 1, 0.1)), List.of());
        db.exec("INSERT INTO cell (run_id, prompt_id, provider, sample, status, attempts, last_error)"
                + " VALUES (?, ?, 'openai', 2, 'failed', 6, 'HTTP 500')", r4, p1);
    }

    static JsonNode group(JsonNode metrics, String key) {
        for (JsonNode g : metrics.get("groups")) {
            if (g.get("key").asText().equals(key)) {
                return g;
            }
        }
        throw new AssertionError("no group " + key + " in " + metrics);
    }

    static JsonNode ok(TestApp.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void wilsonIntervalMatchesKnownValues() {
        Wilson.Interval ci = Wilson.interval95(8, 10);
        assertThat(ci.low()).isCloseTo(0.4902, within(5e-4));
        assertThat(ci.high()).isCloseTo(0.9433, within(5e-4));
        assertThat(Wilson.interval95(0, 0)).isNull();
        assertThat(Wilson.interval95(0, 28).low()).isZero();
        assertThat(Wilson.interval95(0, 28).high()).isCloseTo(0.1206, within(5e-4));
        assertThat(Wilson.interval95(5, 5).high()).isEqualTo(1.0);
        assertThat(Wilson.interval95(5, 5).low()).isCloseTo(0.5655, within(5e-4));
        assertThat(Wilson.interval95(1, 2).low()).isCloseTo(0.0945, within(5e-4));
        assertThat(Wilson.interval95(1, 2).high()).isCloseTo(0.9055, within(5e-4));
    }

    @Test
    void brandMetricsPerProviderCountOnlyCleanAnalysesOfSucceededCells() {
        JsonNode metrics = ok(app.get("/api/metrics?groupBy=provider&from=2026-11-01&to=2026-11-01"));
        assertThat(metrics.get("entity").get("name").asText()).isEqualTo("Acme");
        assertThat(metrics.get("entity").get("id").asLong()).isEqualTo(acme);
        assertThat(metrics.get("groups")).hasSize(2);

        JsonNode openai = group(metrics, "openai");
        assertThat(openai.get("n").asLong()).isEqualTo(10);
        assertThat(openai.get("mentioned").asLong()).isEqualTo(8);
        assertThat(openai.get("visibility").asDouble()).isCloseTo(0.8, within(EPS));
        assertThat(openai.get("visibilityLow").asDouble()).isCloseTo(0.490, within(1e-3));
        assertThat(openai.get("visibilityHigh").asDouble()).isCloseTo(0.943, within(1e-3));
        assertThat(openai.get("mentionCredits").asLong()).isEqualTo(18);
        assertThat(openai.get("shareOfVoice").asDouble()).isCloseTo(8.0 / 18, within(EPS));
        assertThat(openai.get("avgRank").asDouble()).isCloseTo(2.0, within(EPS));
        assertThat(openai.get("rankedAnswers").asLong()).isEqualTo(7);
        assertThat(openai.get("avgMentionOrder").asDouble()).isCloseTo(13.0 / 8, within(EPS));
        assertThat(openai.get("avgSentiment").asDouble()).isCloseTo(1.5 / 8, within(EPS));
        assertThat(openai.get("citedAnswers").asLong()).isEqualTo(6);
        assertThat(openai.get("citingEntityAnswers").asLong()).isEqualTo(3);
        assertThat(openai.get("citationRate").asDouble()).isCloseTo(0.5, within(EPS));

        JsonNode anthropic = group(metrics, "anthropic");
        assertThat(anthropic.get("n").asLong()).isEqualTo(2);
        assertThat(anthropic.get("visibility").asDouble()).isCloseTo(0.5, within(EPS));
        assertThat(anthropic.get("shareOfVoice").asDouble()).isCloseTo(0.5, within(EPS));
        assertThat(anthropic.get("citationRate").asDouble()).isCloseTo(1.0, within(EPS));
    }

    @Test
    void competitorMetricsByNameCaseInsensitively() {
        JsonNode metrics = ok(app.get("/api/metrics?groupBy=provider&from=2026-11-01&to=2026-11-01&entity=beta"));
        assertThat(metrics.get("entity").get("name").asText()).isEqualTo("Beta");
        JsonNode openai = group(metrics, "openai");
        assertThat(openai.get("n").asLong()).isEqualTo(10);
        assertThat(openai.get("mentioned").asLong()).isEqualTo(6);
        assertThat(openai.get("shareOfVoice").asDouble()).isCloseTo(6.0 / 18, within(EPS));
        assertThat(openai.get("avgRank").asDouble()).isCloseTo(5.0 / 4, within(EPS));
        assertThat(openai.get("avgMentionOrder").asDouble()).isCloseTo(7.0 / 6, within(EPS));
        assertThat(openai.get("avgSentiment").asDouble()).isCloseTo(1.5 / 6, within(EPS));
        assertThat(openai.get("citationRate").asDouble()).isCloseTo(1.0 / 6, within(EPS));
    }

    @Test
    void groupByTagCountsAnAnswerInEachTagOfItsPrompt() {
        JsonNode metrics = ok(app.get("/api/metrics?groupBy=tag&from=2026-11-01&to=2026-11-01"));
        assertThat(metrics.get("groups")).extracting(g -> g.get("key").asText())
                .containsExactly("stage:x", "topic:a", "topic:b");
        JsonNode a = group(metrics, "topic:a");
        assertThat(a.get("n").asLong()).isEqualTo(6);
        assertThat(a.get("mentioned").asLong()).isEqualTo(5);
        assertThat(a.get("mentionCredits").asLong()).isEqualTo(11);
        assertThat(a.get("shareOfVoice").asDouble()).isCloseTo(5.0 / 11, within(EPS));
        JsonNode b = group(metrics, "topic:b");
        assertThat(b.get("n").asLong()).isEqualTo(6);
        assertThat(b.get("mentioned").asLong()).isEqualTo(4);
        JsonNode x = group(metrics, "stage:x");
        assertThat(x.get("n").asLong()).isEqualTo(12);
        assertThat(x.get("visibility").asDouble()).isCloseTo(0.75, within(EPS));
    }

    @Test
    void groupByDayAndDateRange() {
        JsonNode all = ok(app.get("/api/metrics?groupBy=day"));
        assertThat(all.get("groups")).extracting(g -> g.get("key").asText())
                .containsExactly("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04");
        assertThat(group(all, "2026-11-01").get("n").asLong()).isEqualTo(12);
        assertThat(group(all, "2026-11-02").get("visibility").asDouble()).isCloseTo(0.25, within(EPS));
        assertThat(group(all, "2026-11-02").get("shareOfVoice").asDouble()).isCloseTo(0.2, within(EPS));
        assertThat(group(all, "2026-11-03").get("visibility").asDouble()).isCloseTo(0.75, within(EPS));
        // the succeeded cell of r4 counts, its failed cell does not
        assertThat(group(all, "2026-11-04").get("n").asLong()).isEqualTo(1);

        JsonNode one = ok(app.get("/api/metrics?from=2026-11-02&to=2026-11-03"));
        assertThat(one.get("groupBy").isNull()).isTrue();
        assertThat(one.get("groups")).hasSize(1);
        JsonNode g = group(one, "all");
        assertThat(g.get("n").asLong()).isEqualTo(8);
        assertThat(g.get("mentioned").asLong()).isEqualTo(4);
        assertThat(g.get("mentionCredits").asLong()).isEqualTo(12);

        JsonNode none = ok(app.get("/api/metrics?from=2026-12-01"));
        assertThat(none.get("groups")).isEmpty();
    }

    @Test
    void groupByPromptLabelsWithThePromptTextAndCsvQuotesIt() {
        JsonNode metrics = ok(app.get("/api/metrics?groupBy=prompt&from=2026-11-01&to=2026-11-01"));
        assertThat(metrics.get("groups")).extracting(g -> g.get("key").asLong()).containsExactly(p1, p2);
        assertThat(group(metrics, String.valueOf(p1)).get("label").asText()).isEqualTo(P1_TEXT);

        TestApp.Reply csv = csv("/api/metrics?groupBy=prompt&from=2026-11-01&to=2026-11-01");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n", -1);
        assertThat(lines).hasSize(4); // header, two prompts, and the empty rest after the last CRLF
        assertThat(lines[0]).isEqualTo("groupBy,key,label,entity,n,mentioned,visibility,visibilityLow,visibilityHigh,"
                + "shareOfVoice,mentionCredits,avgRank,rankedAnswers,avgMentionOrder,avgSentiment,citationRate,"
                + "citedAnswers,citingEntityAnswers,prompts,intervalMethod,effectiveN,refused,empty,refusalRate");
        // P1: openai 1-5 + anthropic 1 -> 6 answers, Acme in 5, credits 11, ranks 1,2,3,1 (one unranked),
        // orders 1,2,1,3,1, scores 0.5,0.3,-0.2,0.1,0.8; 5 answers cite, 3 of them acme.com
        String prefix = "prompt," + p1 + ",\"Which CRM, in \"\"2026\"\", is best?\",Acme,";
        assertThat(lines[1]).startsWith(prefix);
        String[] f = lines[1].substring(prefix.length()).split(",", -1);
        assertThat(f).hasSize(20);
        assertThat(f[0]).isEqualTo("6");
        assertThat(f[1]).isEqualTo("5");
        assertThat(Double.parseDouble(f[2])).isCloseTo(5.0 / 6, within(EPS));
        assertThat(Double.parseDouble(f[3])).isCloseTo(Wilson.interval95(5, 6).low(), within(EPS));
        assertThat(Double.parseDouble(f[4])).isCloseTo(Wilson.interval95(5, 6).high(), within(EPS));
        assertThat(Double.parseDouble(f[5])).isCloseTo(5.0 / 11, within(EPS));
        assertThat(f[6]).isEqualTo("11");
        assertThat(f[7]).isEqualTo("1.75");
        assertThat(f[8]).isEqualTo("4");
        assertThat(f[9]).isEqualTo("1.6");
        assertThat(Double.parseDouble(f[10])).isCloseTo(1.5 / 5, within(EPS));
        assertThat(f[11]).isEqualTo("0.6");
        assertThat(f[12]).isEqualTo("5");
        assertThat(f[13]).isEqualTo("3");
        assertThat(f[2]).doesNotContain("E");
        assertThat(lines[3]).isEmpty();
    }

    @Test
    void runReportPerProviderAndEntityWithComparison() {
        JsonNode r = ok(app.get("/api/runs/" + r1 + "/report"));
        assertThat(r.get("runId").asLong()).isEqualTo(r1);
        assertThat(r.get("rows")).extracting(x -> x.get("provider").asText() + "/" + x.get("entity").get("name").asText())
                .containsExactly("anthropic/Acme", "anthropic/Beta", "anthropic/Gamma", "openai/Acme", "openai/Beta",
                        "openai/Gamma");
        JsonNode openaiAcme = r.get("rows").get(3);
        assertThat(openaiAcme.get("n").asLong()).isEqualTo(10);
        assertThat(openaiAcme.get("visibility").asDouble()).isCloseTo(0.8, within(EPS));
        assertThat(openaiAcme.get("shareOfVoice").asDouble()).isCloseTo(8.0 / 18, within(EPS));
        assertThat(openaiAcme.get("avgRank").asDouble()).isCloseTo(2.0, within(EPS));
        JsonNode openaiGamma = r.get("rows").get(5);
        assertThat(openaiGamma.get("mentioned").asLong()).isEqualTo(4);
        assertThat(openaiGamma.get("avgRank").asDouble()).isCloseTo((3 + 2 + 3) / 3.0, within(EPS));
        assertThat(r.get("rows").get(2).get("mentioned").asLong()).isZero();
        assertThat(r.get("rows").get(2).get("avgRank").isNull()).isTrue();
        double sov = 0;
        for (int i = 3; i < 6; i++) {
            sov += r.get("rows").get(i).get("shareOfVoice").asDouble();
        }
        assertThat(sov).isCloseTo(1.0, within(EPS));
        assertThat(r.get("previousRunId").isNull()).isTrue();
        assertThat(r.get("comparison").isNull()).isTrue();
        assertThat(r.get("comparisonReason").asText()).isNotBlank();

        // r2 asked other providers than r1
        JsonNode second = ok(app.get("/api/runs/" + r2 + "/report"));
        assertThat(second.get("previousRunId").isNull()).isTrue();
        assertThat(second.get("comparison").isNull()).isTrue();
        assertThat(second.get("comparisonReason").asText()).contains("providers");

        // r3 vs r2 (the other workspace's run in between is not this workspace's previous run)
        JsonNode third = ok(app.get("/api/runs/" + r3 + "/report"));
        assertThat(third.get("previousRunId").asLong()).isEqualTo(r2);
        assertThat(third.get("comparisonReason").isNull()).isTrue();
        JsonNode delta = third.get("comparison").get("deltas").get(0);
        assertThat(delta.get("provider").asText()).isEqualTo("openai");
        assertThat(delta.get("entity").get("name").asText()).isEqualTo("Acme");
        assertThat(delta.get("visibility").asDouble()).isCloseTo(0.75 - 0.25, within(EPS));
        assertThat(delta.get("shareOfVoice").asDouble()).isCloseTo(3.0 / 7 - 1.0 / 5, within(EPS));
        assertThat(delta.get("avgRank").asDouble()).isCloseTo(5.0 / 3 - 1.0, within(EPS));
        // Gamma never mentioned in either run: no rank on either side
        JsonNode gammaDelta = third.get("comparison").get("deltas").get(2);
        assertThat(gammaDelta.get("entity").get("name").asText()).isEqualTo("Gamma");
        assertThat(gammaDelta.get("visibility").asDouble()).isZero();
        assertThat(gammaDelta.get("avgRank").isNull()).isTrue();

        JsonNode fourth = ok(app.get("/api/runs/" + r4 + "/report"));
        assertThat(fourth.get("comparison").isNull()).isTrue();
        assertThat(fourth.get("comparisonReason").asText()).contains("completed_with_failures");

        TestApp.Reply csv = csv("/api/runs/" + r3 + "/report");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("runId,provider,entity,kind,n,mentioned,visibility,")
                .endsWith(",comparedWithRun,deltaVisibility,deltaShareOfVoice,deltaAvgRank");
        assertThat(lines[1]).startsWith(r3 + ",openai,Acme,brand,4,3,0.75,")
                .endsWith("," + r2 + ",0.5," + csvNumber(3.0 / 7 - 1.0 / 5) + "," + csvNumber(5.0 / 3 - 1.0));
        assertThat(app.get("/api/runs/" + otherRun + "/report").status()).isEqualTo(404);
    }

    @Test
    void citedDomainsCountCitationsOfCountedAnswers() {
        JsonNode d = ok(app.get("/api/citations/domains?from=2026-11-01&to=2026-11-01"));
        JsonNode domains = d.get("domains");
        assertThat(domains).hasSize(3);
        assertThat(domains.get(0).get("domain").asText()).isEqualTo("acme.com");
        assertThat(domains.get(0).get("owner").asText()).isEqualTo("brand");
        assertThat(domains.get(0).get("ownerName").asText()).isEqualTo("Acme");
        assertThat(domains.get(0).get("count").asLong()).isEqualTo(5);
        assertThat(domains.get(0).get("answers").asLong()).isEqualTo(4);
        assertThat(domains.get(1).get("domain").asText()).isEqualTo("other.org");
        assertThat(domains.get(1).get("owner").asText()).isEqualTo("other");
        assertThat(domains.get(1).get("ownerName").isNull()).isTrue();
        assertThat(domains.get(1).get("count").asLong()).isEqualTo(3);
        assertThat(domains.get(2).get("domain").asText()).isEqualTo("beta.com");
        assertThat(domains.get(2).get("ownerName").asText()).isEqualTo("Beta");

        assertThat(ok(app.get("/api/citations/domains?from=2026-11-01&to=2026-11-01&limit=1")).get("domains")).hasSize(1);
        TestApp.Reply csv = csv("/api/citations/domains?from=2026-11-01&to=2026-11-01");
        assertThat(csv.body()).isEqualTo("domain,owner,ownerName,count,answers\r\n"
                + "acme.com,brand,Acme,5,4\r\nother.org,other,,3,3\r\nbeta.com,competitor,Beta,1,1\r\n");
    }

    @Test
    void badParametersAre400NamingTheParameter() {
        assertBad(app.get("/api/metrics?groupBy=week"), "groupBy");
        assertBad(app.get("/api/metrics?from=2026-13-01"), "from");
        assertBad(app.get("/api/metrics?to=yesterday"), "to");
        assertBad(app.get("/api/metrics?from=2026-11-05&to=2026-11-01"), "to");
        assertBad(app.get("/api/metrics?entity=Nobody"), "entity");
        assertBad(app.get("/api/citations/domains?limit=0"), "limit");
        assertBad(app.get("/api/citations/domains?from=x"), "from");
        assertBad(app.get("/api/runs/abc/report"), "id");
        assertThat(app.get("/api/runs/987654/report").status()).isEqualTo(404);
        for (String path : List.of("/api/metrics", "/api/runs/" + r1 + "/report", "/api/citations/domains")) {
            assertThat(app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).GET(), null).status())
                    .as(path).isEqualTo(401);
        }
    }

    static void assertBad(TestApp.Reply r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("error").get("field").asText()).isEqualTo(field);
    }

    TestApp.Reply csv(String path) {
        return app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).header("Accept", "text/csv").GET(),
                TestApp.TOKEN);
    }

    static String csvNumber(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static List<String> keys(JsonNode metrics) {
        List<String> out = new ArrayList<>();
        metrics.get("groups").forEach(g -> out.add(g.get("key").asText()));
        return out;
    }
}
