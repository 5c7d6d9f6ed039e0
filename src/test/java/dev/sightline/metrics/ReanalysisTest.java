package dev.sightline.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sightline.store.AnswerColumns;
import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/**
 * Aliases change, history follows: a run is analysed with one workspace file; the app restarts on the same database
 * with a changed file (an alias added to a competitor, another competitor removed); re-analysis rewrites the stored
 * analyses from the stored raw answers, and the metrics of the past run change exactly as the analyzer says they
 * should, without a single provider call.
 */
class ReanalysisTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HEAD = """
            workspace: {slug: reanalysis, name: Re-analysis, category: CRM software}
            brand: {name: Pipedrive, aliases: [Pipedrive CRM], domains: [pipedrive.com]}
            """;
    static final String PROMPTS = """
            prompts:
              - text: What is the best CRM for a 10-person startup?
                tags: [topic:crm]
              - text: Best CRM for small businesses with a tight budget?
                tags: [topic:pricing]
              - text: Which CRM has the best visual sales pipeline?
                tags: [topic:pipeline]
              - text: Recommend a lightweight CRM for a two-person founding team.
                tags: [topic:crm]
              - text: What are the top-rated CRMs on G2 this year?
                tags: [topic:reviews]
              - text: Which CRM is better for inside sales, Close or Pipedrive?
                tags: [topic:comparison]
            """;
    static final Set<String> TRACKED = Set.of("Pipedrive", "HubSpot", "Salesforce", "Attio", "Sales", "Cloud", "CRM");

    @TempDir
    Path dir;

    @Test
    void reanalysisAppliesChangedAliasesToStoredAnswersWithoutCallingProviders() throws Exception {
        Path file = dir.resolve("workspace.yaml");
        Files.writeString(file, HEAD + """
                competitors:
                  - {name: HubSpot, aliases: [HubSpot CRM], domains: [hubspot.com]}
                  - {name: Salesforce, aliases: [Sales Cloud], domains: [salesforce.com]}
                  - {name: Attio, domains: [attio.com]}
                """ + PROMPTS);
        String jdbcUrl = TestPostgres.newDatabase("reanalysis");
        Map<String, String> settings = Map.of("sightline.workspace.file", file.toString());

        long runId;
        String runDate;
        Map<String, JsonNode> attioBefore;
        Map<String, JsonNode> brandBefore;
        try (TestApp first = TestApp.start(jdbcUrl, settings, true)) {
            runId = first.startRun("{}");
            JsonNode run = first.awaitRun(runId, Duration.ofSeconds(90));
            assertThat(run.get("status").asText()).isEqualTo("completed");
            runDate = run.get("runDate").asText();
            attioBefore = byProvider(first, "Attio");
            brandBefore = byProvider(first, "Pipedrive");
        }
        List<String[]> answers = storedAnswers(jdbcUrl, runId);
        assertThat(answers).hasSize(24);
        // a brand the simulator invents (untracked) and names in its answers becomes an alias of Attio
        String invented = mostNamedUntrackedBrand(answers);

        Files.writeString(file, HEAD + """
                competitors:
                  - {name: HubSpot, aliases: [HubSpot CRM], domains: [hubspot.com]}
                  - {name: Attio, aliases: [%s], domains: [attio.com]}
                """.formatted(invented) + PROMPTS);
        try (TestApp second = TestApp.start(jdbcUrl, settings, true)) {
            // the stored metrics have not moved yet: re-analysis is what changes them
            assertThat(byProvider(second, "Attio").get("openai").get("mentioned"))
                    .isEqualTo(attioBefore.get("openai").get("mentioned"));
            long servedBefore = served(second);

            TestApp.Reply r = second.post("/api/runs/" + runId + "/reanalyze", null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("reanalyzed").asInt()).isEqualTo(24);
            assertThat(r.json().get("failed").asInt()).isZero();
            assertThat(r.json().get("analyzerVersion").asText()).isNotBlank();
            assertThat(served(second)).isEqualTo(servedBefore);
            assertThat(second.app().bean(dev.sightline.simulator.Simulator.class).stats()).isNotEmpty()
                    .allSatisfy((kind, stats) -> assertThat(stats.served()).as(kind).isZero());

            // what the current analyzer says about each stored answer with the new entities, through /api/analyze
            Map<String, int[]> expected = expectedCounts(second, answers, invented);
            Map<String, JsonNode> attioAfter = byProvider(second, "Attio");
            Map<String, JsonNode> brandAfter = byProvider(second, "Pipedrive");
            long gained = 0;
            for (String provider : expected.keySet()) {
                int[] e = expected.get(provider); // answers, brand mentioned, Attio mentioned, credits
                JsonNode attio = attioAfter.get(provider);
                JsonNode brand = brandAfter.get(provider);
                assertThat(attio.get("n").asInt()).isEqualTo(e[0]);
                assertThat(attio.get("mentioned").asInt()).as(provider).isEqualTo(e[2]);
                assertThat(attio.get("mentionCredits").asInt()).as(provider).isEqualTo(e[3]);
                assertThat(brand.get("mentioned").asInt()).as(provider).isEqualTo(e[1]);
                if (e[3] > 0) {
                    assertThat(brand.get("shareOfVoice").asDouble()).isCloseTo((double) e[1] / e[3], within(1e-12));
                }
                // the brand's own mentions did not change: only Attio's alias and Salesforce's removal did
                assertThat(brand.get("mentioned")).isEqualTo(brandBefore.get(provider).get("mentioned"));
                gained += attio.get("mentioned").asLong() - attioBefore.get(provider).get("mentioned").asLong();
            }
            assertThat(gained).as("answers newly crediting Attio through the alias '" + invented + "'").isPositive();

            // Salesforce is no longer tracked: its mention rows are gone and the run report no longer lists it
            JsonNode report = second.get("/api/runs/" + runId + "/report").json();
            assertThat(report.get("rows")).extracting(x -> x.get("entity").get("name").asText())
                    .doesNotContain("Salesforce").contains("Pipedrive", "HubSpot", "Attio");
            assertThat(second.count("SELECT count(*) FROM mention m JOIN entity e ON e.id = m.entity_id"
                    + " WHERE e.name = 'Salesforce'")).isZero();
            assertThat(second.count("SELECT count(*) FROM analysis")).isEqualTo(24);

            // by run date: the same responses; another range: none; bad input: 400; another run id: 404
            JsonNode byDate = second.post("/api/reanalyze?from=" + runDate + "&to=" + runDate, null).json();
            assertThat(byDate.get("reanalyzed").asInt()).isEqualTo(24);
            String later = LocalDate.parse(runDate).plusDays(1).toString();
            assertThat(second.post("/api/reanalyze?from=" + later, null).json().get("reanalyzed").asInt()).isZero();
            TestApp.Reply bad = second.post("/api/reanalyze?from=someday", null);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("error").get("field").asText()).isEqualTo("from");
            assertThat(second.post("/api/runs/987654/reanalyze", null).status()).isEqualTo(404);
            byProvider(second, "Attio").forEach((provider, g) ->
                    assertThat(g.get("mentioned")).isEqualTo(attioAfter.get(provider).get("mentioned")));
            assertThat(served(second)).isEqualTo(servedBefore);
        }
    }

    static Map<String, JsonNode> byProvider(TestApp app, String entity) {
        TestApp.Reply r = app.get("/api/metrics?groupBy=provider&entity=" + entity);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> out = new TreeMap<>();
        r.json().get("groups").forEach(g -> out.put(g.get("key").asText(), g));
        return out;
    }

    static long served(TestApp app) {
        long n = 0;
        for (JsonNode p : app.get("/api/simulator").json().get("providers")) {
            n += p.get("served").asLong();
        }
        return n;
    }

    /** provider, answer text of every stored response of the run. */
    static List<String[]> storedAnswers(String jdbcUrl, long runId) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement ps = c.prepareStatement("SELECT s.provider, " + AnswerColumns.SELECT
                     + " FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ? ORDER BY s.id")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), AnswerColumns.read(rs).text()});
                }
            }
        }
        return out;
    }

    /** The capitalised one-word name most often written as a list heading or bold item, not a tracked one. */
    static String mostNamedUntrackedBrand(List<String[]> answers) {
        Pattern item = Pattern.compile("(?:\\*\\*|###\\s+\\d+\\.\\s+)([A-Z][a-z]{3,})(?:\\*\\*|\\s*$)", Pattern.MULTILINE);
        Map<String, Integer> answersNaming = new HashMap<>();
        for (String[] a : answers) {
            Matcher m = item.matcher(a[1]);
            Set<String> seen = new java.util.HashSet<>();
            while (m.find()) {
                if (!TRACKED.contains(m.group(1)) && seen.add(m.group(1))) {
                    answersNaming.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        return answersNaming.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElseThrow(() -> new AssertionError("the simulator named no untracked brand in " + answers.size()
                        + " answers"));
    }

    /** Per provider: answers, answers mentioning Pipedrive, answers mentioning Attio, entity credits. */
    static Map<String, int[]> expectedCounts(TestApp app, List<String[]> answers, String alias) throws Exception {
        Map<String, int[]> out = new TreeMap<>();
        for (String[] a : answers) {
            Map<String, Object> body = Map.of(
                    "brand", Map.of("name", "Pipedrive", "aliases", List.of("Pipedrive CRM"), "domains", List.of("pipedrive.com")),
                    "competitors", List.of(
                            Map.of("name", "HubSpot", "aliases", List.of("HubSpot CRM"), "domains", List.of("hubspot.com")),
                            Map.of("name", "Attio", "aliases", List.of(alias), "domains", List.of("attio.com"))),
                    "text", a[1]);
            TestApp.Reply r = app.post("/api/analyze", JSON.writeValueAsString(body));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            int[] e = out.computeIfAbsent(a[0], k -> new int[4]);
            e[0]++;
            for (JsonNode entity : r.json().get("entities")) {
                if (entity.get("mentioned").asBoolean()) {
                    e[3]++;
                    if (entity.get("name").asText().equals("Pipedrive")) {
                        e[1]++;
                    } else if (entity.get("name").asText().equals("Attio")) {
                        e[2]++;
                    }
                }
            }
        }
        return out;
    }
}
