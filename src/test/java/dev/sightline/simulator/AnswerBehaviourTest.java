package dev.sightline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.provider.ProviderKinds;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the simulated answers say: deterministic, varied, drifting by day, citing in each provider's own way. */
class AnswerBehaviourTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "What is the best CRM for a small business?";
    private static final Set<String> VOLATILE = Set.of("id", "created", "created_at", "completed_at", "responseId",
            "tool_use_id");

    private static Simulator sim;

    @BeforeAll
    static void start() {
        sim = SimFixtures.start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void sameInputsGiveTheSameBodyAndAnotherSampleAnother() throws Exception {
        for (String kind : ProviderKinds.ALL) {
            JsonNode first = stable(SimFixtures.ask(sim, kind, PROMPT, 1, true));
            JsonNode again = stable(SimFixtures.ask(sim, kind, PROMPT, 1, true));
            JsonNode other = stable(SimFixtures.ask(sim, kind, PROMPT, 2, true));
            assertThat(again).as(kind + " same inputs").isEqualTo(first);
            assertThat(text(kind, other)).as(kind + " sample 2").isNotEqualTo(text(kind, first));
        }
    }

    @Test
    void anotherDayOrModelGivesAnotherAnswer() throws Exception {
        try (Simulator later = Simulator.start(SimulatorSettings.forTests(SimFixtures.DAY.plusDays(1)),
                SimWorld.Source.of(SimFixtures.CRM))) {
            String today = text("openai-chat", stable(SimFixtures.ask(sim, "openai-chat", PROMPT, 1, false)));
            String tomorrow = text("openai-chat", stable(SimFixtures.ask(later, "openai-chat", PROMPT, 1, false)));
            assertThat(tomorrow).isNotEqualTo(today);
        }
        String mini = SimFixtures.body("openai-chat", PROMPT, false);
        String big = mini.replace("gpt-4o-mini", "gpt-4o");
        Map<String, String> auth = SimFixtures.auth("openai-chat");
        assertThat(JSON.readTree(SimFixtures.post(sim, "openai-chat", big, auth).body()).at("/choices/0/message/content"))
                .isNotEqualTo(JSON.readTree(SimFixtures.post(sim, "openai-chat", mini, auth).body())
                        .at("/choices/0/message/content"));
    }

    @Test
    void brandTendencyDriftsOverAMonth() throws Exception {
        int samples = 40;
        try (Simulator monthLater = Simulator.start(SimulatorSettings.forTests(SimFixtures.DAY.plusDays(30)),
                SimWorld.Source.of(SimFixtures.CRM))) {
            Map<String, double[]> visibility = new TreeMap<>();
            double largest = 0;
            for (String kind : ProviderKinds.ALL) {
                double before = brandVisibility(sim, kind, samples);
                double after = brandVisibility(monthLater, kind, samples);
                visibility.put(kind, new double[] {before, after});
                largest = Math.max(largest, Math.abs(after - before));
            }
            System.out.println("brand visibility day D -> D+30: " + visibility.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()[0] + "->" + e.getValue()[1])
                    .collect(Collectors.joining(", ")));
            assertThat(largest).as("largest shift of brand visibility across kinds").isGreaterThanOrEqualTo(0.2);
            long moved = visibility.values().stream().filter(v -> Math.abs(v[1] - v[0]) >= 0.1).count();
            assertThat(moved).as("kinds whose brand visibility moved by 10 points").isGreaterThanOrEqualTo(3);
        }
    }

    private static double brandVisibility(Simulator s, String kind, int samples) throws Exception {
        int seen = 0;
        for (int i = 1; i <= samples; i++) {
            String t = text(kind, stable(SimFixtures.ask(s, kind, PROMPT, i, false)));
            if (t.contains("Acme")) {
                seen++;
            }
        }
        return (double) seen / samples;
    }

    @Test
    void fiftyPromptsShowVariedStylesAndTones() throws Exception {
        List<String> prompts = prompts(50);
        Map<String, Integer> styles = new TreeMap<>();
        Set<String> untracked = new HashSet<>();
        int praise = 0;
        int criticism = 0;
        for (String kind : List.of("openai-chat", "anthropic", "gemini")) {
            for (String p : prompts) {
                String t = text(kind, stable(SimFixtures.ask(sim, kind, p, 1, false)));
                styles.merge(kind + ":" + style(t), 1, Integer::sum);
                styles.merge("all:" + style(t), 1, Integer::sum);
                Matcher bold = Pattern.compile("\\*\\*([A-Z][A-Za-z]+)\\*\\*").matcher(t);
                while (bold.find()) {
                    untracked.add(bold.group(1));
                }
                praise += t.matches("(?s).*(praised|strong pick|rate it highly|tops many shortlists|safe choice).*") ? 1 : 0;
                criticism += t.matches("(?s).*(criticised|fallen behind|negative reviews|hold it back|frequently cite).*") ? 1 : 0;
            }
        }
        System.out.println("styles: " + styles);
        assertThat(styles.keySet().stream().filter(k -> k.startsWith("openai-chat:"))).hasSizeGreaterThanOrEqualTo(5);
        assertThat(styles).containsKeys("all:numbered", "all:bullets", "all:headings", "all:table", "all:prose",
                "all:depends", "all:refusal");
        assertThat(styles.get("all:numbered")).isGreaterThan(styles.get("all:refusal"));
        assertThat(praise).isGreaterThan(10);
        assertThat(criticism).isGreaterThan(5);
        untracked.removeAll(List.of("Acme", "HubSpot", "Salesforce", "Pipedrive", "Zoho", "Pros", "Cons"));
        assertThat(untracked).as("invented, untracked brand names").hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void promptsNamingTheBrandOrAskingForAlternativesAreHonoured() throws Exception {
        int named = 0;
        int reviews = 0;
        int alternativesWithout = 0;
        for (int i = 1; i <= 20; i++) {
            String t = text("openai-chat", stable(SimFixtures.ask(sim, "openai-chat",
                    "Is HubSpot a good CRM for startups?", i, false)));
            named += t.contains("HubSpot") ? 1 : 0;
            // a verdict whose first paragraph is about HubSpot
            reviews += style(t).equals("review") && t.substring(0, t.indexOf('\n')).contains("HubSpot") ? 1 : 0;
            String alt = text("openai-chat", stable(SimFixtures.ask(sim, "openai-chat",
                    "What are the best alternatives to Salesforce?", i, false)));
            // Salesforce may be named in the intro, never as an item of the list
            alternativesWithout += alt.matches("(?s).*\\n(\\d+\\.|-) \\*\\*(.*: )?Salesforce.*") ? 0 : 1;
        }
        assertThat(named).isGreaterThanOrEqualTo(15);
        assertThat(reviews).as("answers giving a verdict on the product asked about").isGreaterThanOrEqualTo(8);
        assertThat(alternativesWithout).isEqualTo(20);
    }

    @Test
    void citationsComeInEachProvidersNativeForm() throws Exception {
        JsonNode sonar = stable(SimFixtures.ask(sim, "perplexity", PROMPT, 3, false));
        List<String> citations = new ArrayList<>();
        sonar.get("citations").forEach(c -> citations.add(c.asText()));
        assertThat(citations).isNotEmpty();
        assertThat(sonar.get("search_results")).hasSize(citations.size());
        Matcher marker = Pattern.compile("\\[(\\d+)]").matcher(text("perplexity", sonar));
        int markers = 0;
        while (marker.find()) {
            assertThat(Integer.parseInt(marker.group(1))).isBetween(1, citations.size());
            markers++;
        }
        assertThat(markers).isPositive();
        assertThat(citations).anyMatch(u -> u.contains("g2.com") || u.contains("capterra.com")
                || u.contains("trustradius.com") || u.contains("reddit.com") || u.contains("forbes.com")
                || u.contains("techradar.com") || u.contains("zapier.com") || u.contains("pcmag.com")
                || u.contains("gartner.com") || u.contains("hubspot.com") || u.contains("salesforce.com")
                || u.contains("acmecrm.com") || u.contains("pipedrive.com") || u.contains("zoho.com"));

        JsonNode agent = stable(SimFixtures.ask(sim, "perplexity-agent", PROMPT, 3, true));
        assertThat(agent.at("/output/0/type").asText()).isEqualTo("search_results");
        assertThat(agent.at("/output/0/results")).isNotEmpty();
        assertThat(agent.at("/output/1/content/0/text").asText()).containsPattern("\\[\\d+]");

        JsonNode chat = stable(SimFixtures.ask(sim, "openai-chat", PROMPT, 3, true));
        assertThat(chat.at("/choices/0/message/annotations")).isEmpty();
        assertThat(text("openai-chat", chat)).doesNotContain("https://").doesNotContainPattern("\\[\\d+]");

        JsonNode plainResponses = stable(SimFixtures.ask(sim, "openai-responses", PROMPT, 3, false));
        assertThat(plainResponses.toString()).doesNotContain("url_citation").doesNotContain("web_search_call");
        JsonNode plainClaude = stable(SimFixtures.ask(sim, "anthropic", PROMPT, 3, false));
        assertThat(plainClaude.get("content")).hasSize(1);
        assertThat(plainClaude.toString()).doesNotContain("web_search_result_location");

        JsonNode searchClaude = stable(SimFixtures.ask(sim, "anthropic", PROMPT, 3, true));
        StringBuilder joined = new StringBuilder();
        searchClaude.get("content").forEach(b -> {
            if (b.get("type").asText().equals("text")) {
                joined.append(b.get("text").asText());
            }
        });
        // the same answer, split into blocks, with a search preamble in front
        assertThat(joined.toString()).endsWith(text("anthropic", plainClaude));
    }

    @Test
    void maxTokensCutsTheAnswerLikeTheProviderDoes() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"max_completion_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
        JsonNode r = JSON.readTree(SimFixtures.post(sim, "openai-chat", body, SimFixtures.auth("openai-chat")).body());
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(r.at("/usage/completion_tokens").asInt()).isLessThanOrEqualTo(20);
        String claude = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + PROMPT + "\"}]}";
        JsonNode c = JSON.readTree(SimFixtures.post(sim, "anthropic", claude, SimFixtures.auth("anthropic")).body());
        assertThat(c.get("stop_reason").asText()).isEqualTo("max_tokens");
    }

    // ---- helpers ----

    static List<String> prompts(int n) {
        List<String> audiences = List.of("a small business", "startups", "an enterprise sales team", "a marketing agency",
                "a nonprofit", "a remote team", "B2B SaaS companies", "freelancers", "an ecommerce brand", "real estate agents");
        List<String> forms = List.of("What is the best CRM for %s?", "Which CRM software would you recommend for %s?",
                "Top CRM tools for %s in 2026", "I run %s. Which CRM should we use?",
                "Compare the leading CRM platforms for %s");
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            out.add(String.format(forms.get(i % forms.size()), audiences.get((i / forms.size()) % audiences.size())));
        }
        return out;
    }

    static String style(String t) {
        if (t.contains("**What works well:**")) {
            return "review";
        }
        if (t.matches("(?s).*(can't recommend specific vendors|not able to endorse|rather not single out).*")) {
            return "refusal";
        }
        if (t.matches("(?s)^(There isn't a single best|Honestly, it depends|It really depends).*")) {
            return "depends";
        }
        if (t.contains("\n| ")) {
            return "table";
        }
        if (t.contains("\n### ")) {
            return "headings";
        }
        if (t.matches("(?s).*\\n1\\. .*")) {
            return "numbered";
        }
        if (t.contains("\n- **")) {
            return "bullets";
        }
        return "prose";
    }

    /** The body without ids and timestamps, which differ per request as they do at the providers. */
    static JsonNode stable(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = JSON.readTree(r.body());
        strip(n);
        return n;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                if (VOLATILE.contains(it.next())) {
                    it.remove();
                }
            }
            o.forEach(AnswerBehaviourTest::strip);
        } else if (n.isArray()) {
            n.forEach(AnswerBehaviourTest::strip);
        }
    }

    /** The answer text as a client assembles it. */
    static String text(String kind, JsonNode body) {
        return switch (kind) {
            case "openai-chat", "openai-compatible", "perplexity" -> body.at("/choices/0/message/content").asText();
            case "anthropic" -> {
                StringBuilder sb = new StringBuilder();
                body.get("content").forEach(b -> {
                    if (b.get("type").asText().equals("text")) {
                        sb.append(b.get("text").asText());
                    }
                });
                yield sb.toString();
            }
            case "gemini" -> body.at("/candidates/0/content/parts/0/text").asText();
            default -> {
                StringBuilder sb = new StringBuilder();
                body.get("output").forEach(item -> {
                    if (item.get("type").asText().equals("message")) {
                        item.get("content").forEach(c -> sb.append(c.get("text").asText()));
                    }
                });
                yield sb.toString();
            }
        };
    }
}
