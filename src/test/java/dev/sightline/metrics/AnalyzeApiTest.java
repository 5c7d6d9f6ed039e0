package dev.sightline.metrics;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.analysis.AliasAttack;
import dev.sightline.api.AnalyzeApi;
import dev.sightline.api.ReadSlots;
import dev.sightline.testing.TestApp;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/analyze}: a realistic answer gives the values a reader would give it; bad input is a 400. */
class AnalyzeApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANSWER = """
            Here are the CRMs I would shortlist for a 10-person sales team in 2026:

            1. **HubSpot** — generous free tier and great integrations. Pricing: https://www.hubspot.com/pricing
            2. **Acmely CRM** — excellent pipeline view; teams love its intuitive interface.
            3. **Zendesk Sell** — solid, but reporting is limited.
            4. **Salesforce** — expensive and clunky for small teams, and users complain about slow support.

            If budget matters most, Acmely is the one I'd pick. See [G2's CRM grid](https://www.g2.com/categories/crm).
            """;

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start("analyze_api", Map.of("sightline.api.analyze-slots", "1", "sightline.api.read-wait", "1s"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Map<String, Object> request(String text) {
        return Map.of(
                "brand", Map.of("name", "Acmely", "aliases", List.of("Acmely CRM"), "domains", List.of("acmely.io")),
                "competitors", List.of(
                        Map.of("name", "HubSpot", "aliases", List.of(), "domains", List.of("hubspot.com")),
                        Map.of("name", "Salesforce", "aliases", List.of("Sales Cloud"), "domains", List.of("salesforce.com")),
                        Map.of("name", "Attio", "domains", List.of("attio.com"))),
                "text", text,
                "citations", List.of("https://acmely.io/blog/pipeline", "https://www.g2.com/categories/crm"));
    }

    static TestApp.Reply analyze(Object body) {
        try {
            return app.post("/api/analyze", body instanceof String s ? s : JSON.writeValueAsString(body));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aNumberedListWithCitationsGivesRanksOrderToneAndOwners() {
        TestApp.Reply r = analyze(request(ANSWER));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode a = r.json();
        assertThat(a.get("analyzerVersion").asText()).isNotBlank();
        assertThat(a.get("brandVisible").asBoolean()).isTrue();
        // Acmely, HubSpot and Salesforce mentioned: one credit each
        assertThat(a.get("shareOfVoice").asDouble()).isEqualTo(1.0 / 3);
        JsonNode entities = a.get("entities");
        assertThat(entities).extracting(e -> e.get("name").asText())
                .containsExactly("Acmely", "HubSpot", "Salesforce", "Attio");

        JsonNode brand = entities.get(0);
        assertThat(brand.get("kind").asText()).isEqualTo("brand");
        assertThat(brand.get("mentioned").asBoolean()).isTrue();
        assertThat(brand.get("count").asInt()).isEqualTo(2); // "Acmely CRM" in the list, "Acmely" in the closing line
        assertThat(brand.get("listRank").asInt()).isEqualTo(2);
        assertThat(brand.get("mentionOrder").asInt()).isEqualTo(2);
        assertThat(brand.get("sentiment").asText()).isEqualTo("positive");
        assertThat(brand.get("sentimentScore").asDouble()).isPositive();
        JsonNode ev = brand.get("evidence");
        assertThat(ev).hasSize(2);
        assertThat(ANSWER.substring(ev.get(0).get("start").asInt(), ev.get(0).get("end").asInt())).isEqualTo("Acmely CRM");
        assertThat(ANSWER.substring(ev.get(1).get("start").asInt(), ev.get(1).get("end").asInt())).isEqualTo("Acmely");
        assertThat(ev.get(1).get("snippet").asText()).isEqualTo("If budget matters most, Acmely is the one I'd pick.");

        JsonNode hubspot = entities.get(1);
        assertThat(hubspot.get("kind").asText()).isEqualTo("competitor");
        assertThat(hubspot.get("count").asInt()).isEqualTo(1); // the pricing URL is not a mention
        assertThat(hubspot.get("listRank").asInt()).isEqualTo(1);
        assertThat(hubspot.get("mentionOrder").asInt()).isEqualTo(1);

        JsonNode salesforce = entities.get(2);
        // Zendesk Sell is untracked but holds list item 3
        assertThat(salesforce.get("listRank").asInt()).isEqualTo(4);
        assertThat(salesforce.get("mentionOrder").asInt()).isEqualTo(3);
        assertThat(salesforce.get("sentiment").asText()).isEqualTo("negative");
        assertThat(salesforce.get("sentimentScore").asDouble()).isNegative();

        JsonNode attio = entities.get(3);
        assertThat(attio.get("mentioned").asBoolean()).isFalse();
        assertThat(attio.get("count").asInt()).isZero();
        assertThat(attio.get("listRank").isNull()).isTrue();
        assertThat(attio.get("mentionOrder").isNull()).isTrue();
        assertThat(attio.get("sentiment").isNull()).isTrue();
        assertThat(attio.get("sentimentScore").isNull()).isTrue();
        assertThat(attio.get("evidence")).isEmpty();

        JsonNode citations = a.get("citations");
        assertThat(citations).hasSize(3); // the G2 link in the text repeats a given citation
        assertCitation(citations.get(0), "https://acmely.io/blog/pipeline", "acmely.io", "brand", "Acmely", "native");
        assertCitation(citations.get(1), "https://www.g2.com/categories/crm", "g2.com", "other", null, "native");
        assertCitation(citations.get(2), "https://www.hubspot.com/pricing", "hubspot.com", "competitor", "HubSpot", "text");

        // stateless: nothing stored
        assertThat(app.count("SELECT count(*) FROM analysis")).isZero();
        assertThat(app.count("SELECT count(*) FROM response")).isZero();
    }

    static void assertCitation(JsonNode c, String url, String domain, String owner, String ownerName, String source) {
        assertThat(c.get("url").asText()).isEqualTo(url);
        assertThat(c.get("domain").asText()).isEqualTo(domain);
        assertThat(c.get("owner").asText()).isEqualTo(owner);
        if (ownerName == null) {
            assertThat(c.get("ownerName").isNull()).isTrue();
        } else {
            assertThat(c.get("ownerName").asText()).isEqualTo(ownerName);
        }
        assertThat(c.get("source").asText()).isEqualTo(source);
    }

    @Test
    void anAnswerWithoutTheBrandIsNotVisible() {
        JsonNode a = analyze(Map.of("brand", Map.of("name", "Acmely"), "text", "Try HubSpot or Salesforce."))
                .json();
        assertThat(a.get("brandVisible").asBoolean()).isFalse();
        assertThat(a.get("shareOfVoice").asDouble()).isZero();
        assertThat(a.get("entities")).hasSize(1);
        assertThat(a.get("citations")).isEmpty();
    }

    @Test
    void badInputIs400NamingTheField() {
        assertBad(analyze("not json"), "body");
        assertBad(analyze("[1, 2]"), "body");
        assertBad(analyze(""), "body");
        assertBad(analyze("{\"text\": \"x\"}"), "brand");
        assertBad(analyze("{\"brand\": {}, \"text\": \"x\"}"), "brand.name");
        assertBad(analyze("{\"brand\": {\"name\": \"  \"}, \"text\": \"x\"}"), "brand.name");
        assertBad(analyze("{\"brand\": {\"name\": 7}, \"text\": \"x\"}"), "brand.name");
        assertBad(analyze("{\"brand\": \"Acmely\", \"text\": \"x\"}"), "brand");
        assertBad(analyze("{\"brand\": {\"name\": \"A\", \"nick\": \"x\"}, \"text\": \"x\"}"), "brand.nick");
        assertBad(analyze("{\"brand\": {\"name\": \"A\", \"aliases\": \"x\"}, \"text\": \"x\"}"), "brand.aliases");
        assertBad(analyze("{\"brand\": {\"name\": \"A\", \"aliases\": [1]}, \"text\": \"x\"}"), "brand.aliases[0]");
        assertBad(analyze("{\"brand\": {\"name\": \"A\", \"domains\": [\"a.com\", \"https://a.com/x\"]}, \"text\": \"x\"}"),
                "brand.domains[1]");
        assertBad(analyze("{\"brand\": {\"name\": \"A\"}}"), "text");
        assertBad(analyze("{\"brand\": {\"name\": \"A\"}, \"text\": 5}"), "text");
        assertBad(analyze("{\"brand\": {\"name\": \"A\"}, \"text\": \"x\", \"extra\": 1}"), "extra");
        assertBad(analyze("{\"brand\": {\"name\": \"A\"}, \"text\": \"x\", \"competitors\": \"B\"}"), "competitors");
        assertBad(analyze("{\"brand\": {\"name\": \"A\"}, \"text\": \"x\", \"competitors\": [{\"aliases\": []}]}"),
                "competitors[0].name");
        assertBad(analyze("{\"brand\": {\"name\": \"A\"}, \"text\": \"x\", \"competitors\": [{\"name\": \"B\"}, {\"name\": \"a\"}]}"),
                "competitors[1].name");
        assertBad(analyze("{\"brand\": {\"name\": \"A\"}, \"text\": \"x\", \"citations\": \"https://a.com\"}"), "citations");
        assertBad(analyze("{\"brand\": {\"name\": \"A\"}, \"text\": \"x\", \"citations\": [\"https://a.com\", 3]}"),
                "citations[1]");

        String limit = "a".repeat(AnalyzeApi.MAX_TEXT_BYTES);
        assertThat(analyze(Map.of("brand", Map.of("name", "A"), "text", limit)).status()).isEqualTo(200);
        assertBad(analyze(Map.of("brand", Map.of("name", "A"), "text", limit + "a")), "text");
        // 200 kB of UTF-8, not 200 k characters
        assertBad(analyze(Map.of("brand", Map.of("name", "A"), "text", "é".repeat(AnalyzeApi.MAX_TEXT_BYTES / 2 + 1))),
                "text");

        TestApp.Reply noToken = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/analyze"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"brand\":{\"name\":\"A\"},\"text\":\"x\"}")), null);
        assertThat(noToken.status()).isEqualTo(401);
    }

    static TestApp.Reply analyzeWithCitations(List<String> citations) {
        return analyze(Map.of("brand", Map.of("name", "Acmely", "domains", List.of("acmely.io")),
                "text", "Acmely is fine.", "citations", citations));
    }

    @Test
    void aCitationThatIsNotAnAbsoluteHttpUrlIs400NamingIt() {
        for (String bad : List.of("not a url", "/relative/page", "../page.html", "example.com/page", "www.example.com",
                "ftp://example.com/file", "javascript:alert(1)", "mailto:sales@acmely.io", "http:example.com",
                "https://", "https:///path", "http://:8080/x", "https://user@/x", "https://a..com/", "https://[]/x",
                "https://exa mple.com", "https://example.com/a page", "https://example.com/\tx",
                "https://acmely.io:port/")) {
            TestApp.Reply r = analyzeWithCitations(List.of("https://acmely.io/blog", bad));
            assertBad(r, "citations[1]");
            assertThat(r.json().get("error").toString()).as(bad).contains("http");
        }
        assertBad(analyzeWithCitations(List.of("javascript:alert(1)")), "citations[0]");

        // what browsers open: any case of the scheme, ports, IPv6, internationalised hosts, "|" and "[]" in a query
        TestApp.Reply ok = analyzeWithCitations(List.of("HTTPS://Acmely.io/Blog?q=1#top", "http://localhost:8080/x",
                "https://[::1]:8443/x", "https://bücher.de/kategorie/café", "https://example.com/search?q=a|b&a[]=1",
                "  https://acmely.io/padded  "));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("citations")).extracting(c -> c.get("domain").asText())
                .containsExactly("acmely.io", "localhost", "[::1]", "bücher.de", "example.com", "acmely.io");
    }

    @Test
    void theLargestRequestOfRepeatedWordAliasesAnswersWithinASecond() {
        List<Map<String, Object>> competitors = new ArrayList<>();
        for (int c = 0; c < AliasAttack.COMPETITORS; c++) {
            competitors.add(Map.of("name", "Rival " + c, "aliases", AliasAttack.aliases(2)));
        }
        Map<String, Object> body = Map.of("brand", Map.of("name", "Acmely"), "competitors", competitors,
                "text", AliasAttack.text());
        analyze(body); // the first request also warms the JIT up
        long start = System.nanoTime();
        TestApp.Reply r = analyze(body);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("POST /api/analyze, %d competitors x %d aliases, %d kB of repeated words: %d ms%n",
                AliasAttack.COMPETITORS, AliasAttack.ALIASES, AliasAttack.TEXT_BYTES / 1000, millis);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("brandVisible").asBoolean()).isTrue();
        // about 36 s of one core before matching became linear; loose enough for a loaded machine
        assertThat(millis).as("milliseconds").isLessThan(5_000);
    }

    @Test
    void aNameOfMoreThanTwelveWordsIs400() {
        String thirteen = "data ".repeat(12) + "x";
        assertBad(analyze(Map.of("brand", Map.of("name", thirteen), "text", "x")), "brand.name");
        assertBad(analyze(Map.of("brand", Map.of("name", "A"), "text", "x", "competitors",
                List.of(Map.of("name", "B"), Map.of("name", "C", "aliases", List.of("C CRM", thirteen))))),
                "competitors[1].aliases[1]");
        // words are runs of letters and digits, as the analyzer reads them: "A-B" is two
        String twelve = "A-B C.D E&F G H I J K L";
        assertThat(analyze(Map.of("brand", Map.of("name", twelve), "text", "x")).status()).isEqualTo(200);
    }

    static void assertBad(TestApp.Reply r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode error = r.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_request");
        assertThat(error.get("field").asText()).as(r.body()).isEqualTo(field);
        assertThat(r.body()).doesNotContain("Exception");
    }

    /**
     * Texts sent to be analysed take turns in slots of their own (sightline.api.analyze-slots): while every slot is
     * taken, another waits, and after sightline.api.read-wait it is answered 503 naming the setting; the dashboard's
     * reads are not held up by it.
     */
    @Test
    void analysesTakeTurnsInSlotsOfTheirOwn() throws Exception {
        ReadSlots slots = app.app().context().getRegistry().lookupByNameAndType("analyzeSlots", ReadSlots.class);
        org.apache.camel.Exchange computing = new org.apache.camel.support.DefaultExchange(app.app().context());
        slots.take(computing);
        try {
            TestApp.Reply busy = analyze(request(ANSWER));
            assertThat(busy.status()).as(busy.body()).isEqualTo(503);
            assertThat(busy.json().get("error").get("message").asText()).contains("sightline.api.analyze-slots=1");
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(app.get("/api/metrics").status()).isEqualTo(200);
        } finally {
            computing.getExchangeExtension().handoverCompletions().forEach(s -> s.onComplete(computing));
        }
        assertThat(analyze(request(ANSWER)).status()).isEqualTo(200);
        // the slot goes back when the exchange completes, which may be just after the client has the reply
        TestApp.await("the slot given back", java.time.Duration.ofSeconds(5), () -> slots.free() == 1);
    }
}
