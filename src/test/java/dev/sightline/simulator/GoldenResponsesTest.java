package dev.sightline.simulator;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.CitedText.Citing;
import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Byte-for-byte golden answers: a fixed set of requests over every kind, answer style, web search on and off,
 * truncation, odd prompts and error paths, whose replies were recorded before the simulator was optimised. Only
 * what differs per request at the real providers is masked (ids, created timestamps, request-id and date headers,
 * rate-limit counters that depend on the last minute's traffic); everything else, including key order, number
 * formatting and escaping, must stay exactly as recorded.
 *
 * <p>Re-record (only when an answer is meant to change): {@code mvn -o -q test -Dtest=GoldenResponsesTest
 * -Dsim.golden.write=true}.
 */
class GoldenResponsesTest {

    static final Path FILE = Path.of("src/test/java/dev/sightline/simulator/golden-responses.txt.gz");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SimWorld SEO = new SimWorld("SEO tools", List.of(
            new TrackedEntity(11, "Rankwise", EntityKind.BRAND, List.of("Rankwise SEO"), List.of("rankwise.io")),
            new TrackedEntity(12, "Semrush", EntityKind.COMPETITOR, List.of(), List.of("semrush.com")),
            new TrackedEntity(13, "Ahrefs", EntityKind.COMPETITOR, List.of("ahrefs"), List.of("www.ahrefs.com")),
            new TrackedEntity(14, "Moz Pro", EntityKind.COMPETITOR, List.of("Moz"), List.of("moz.com")),
            new TrackedEntity(15, "SE Ranking", EntityKind.COMPETITOR, List.of(), List.of("app.seranking.com"))));

    /** Prompts about SEO get the SEO market, everything else the CRM market (an unknown prompt the default). */
    private static final SimWorld.Source WORLDS = prompt -> {
        String lower = prompt.toLowerCase(Locale.ROOT);
        if (lower.contains("seo") || lower.contains("rank")) {
            return SEO;
        }
        return lower.contains("nothing") ? null : SimFixtures.CRM;
    };

    static final List<String> PROMPTS = List.of(
            "What is the best CRM for a small business?",
            "Which CRM should a small B2B sales team use in 2026? We are a team of 7 people.",
            "What are the best alternatives to Salesforce for a startup?",
            "HubSpot vs Pipedrive, which one is better for a growing sales team?",
            "Is Acme any good?",
            "Is Acme CRM worth the price for a nonprofit?",
            "Compare Zoho and Salesforce Sales Cloud for an enterprise",
            "Quel CRM est le meilleur pour une équipe à Zürich? Ça dépend… 🚀",
            "Which CRM do \"real\" sales\\ops people use?\nAsk for the\ttruth.",
            "Best SEO tools for an agency?",
            "Is Rankwise better than Ahrefs, or what is the difference between them?",
            "Is Semrush any good for ecommerce?",
            "What's the best CRM for a remote team of developers who hate bloated software and long onboarding?!",
            "Tell me nothing about anything!!",
            "What are some alternatives to HubSpot CRM and Pipedrive?",
            "Which CRM has the best visual sales pipeline?");

    /** One request: where it goes, what it sends. */
    record Case(String name, String kind, String path, String body, Map<String, String> headers, LocalDate day,
                String prompt, String model, int sample, boolean webSearch) {
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        LocalDate[] days = {SimFixtures.DAY, SimFixtures.DAY.plusDays(40)};
        int n = 0;
        for (String kind : ProviderKinds.ALL) {
            for (int p = 0; p < PROMPTS.size(); p++) {
                for (int v = 0; v < 2; v++) {
                    int sample = 1 + (p + v) % 3;
                    boolean web = v == 0;
                    LocalDate day = days[(p + v) % 2];
                    out.add(answerCase("a" + n++, kind, PROMPTS.get(p), sample, web, day, Variant.of(p, v)));
                }
            }
        }
        // request fields a reply echoes or that change the answer's length, model or price
        for (String kind : ProviderKinds.ALL) {
            for (Variant v : Variant.values()) {
                out.add(answerCase("v" + n++, kind, PROMPTS.get(n % PROMPTS.size()), 2, true, days[0], v));
            }
        }
        return out;
    }

    enum Variant {
        PLAIN, MAX_TOKENS, SYSTEM_AND_HISTORY, OTHER_MODEL, UNKNOWN_MODEL;

        static Variant of(int prompt, int v) {
            return v == 1 && prompt % 4 == 1 ? MAX_TOKENS : v == 1 && prompt % 4 == 3 ? SYSTEM_AND_HISTORY : PLAIN;
        }
    }

    private static Case answerCase(String name, String kind, String prompt, int sample, boolean web, LocalDate day,
                                   Variant variant) {
        ObjectNode body = JSON.createObjectNode();
        String path = SimFixtures.path(kind);
        String model;
        Integer max = variant == Variant.MAX_TOKENS ? 60 + prompt.length() : null;
        boolean history = variant == Variant.SYSTEM_AND_HISTORY;
        switch (kind) {
            case ProviderKinds.OPENAI_CHAT, ProviderKinds.OPENAI_COMPATIBLE, ProviderKinds.PERPLEXITY -> {
                model = switch (variant) {
                    case OTHER_MODEL -> kind.equals(ProviderKinds.PERPLEXITY) ? "sonar-pro" : "gpt-4o";
                    case UNKNOWN_MODEL -> kind.equals(ProviderKinds.PERPLEXITY) ? "sonar-reasoning" : "gpt-9-turbo-latest";
                    default -> kind.equals(ProviderKinds.PERPLEXITY) ? "sonar" : "gpt-4o-mini";
                };
                body.put("model", model);
                ArrayNode messages = body.putArray("messages");
                if (history) {
                    messages.addObject().put("role", "system").put("content", "You are a helpful buyer's guide.");
                    messages.addObject().put("role", "user").put("content", "Hello");
                    messages.addObject().put("role", "assistant").put("content", "Hi! How can I help?");
                }
                if (variant == Variant.OTHER_MODEL) {
                    ArrayNode parts = messages.addObject().put("role", "user").putArray("content");
                    parts.addObject().put("type", "text").put("text", prompt);
                } else {
                    messages.addObject().put("role", "user").put("content", prompt);
                }
                if (web && kind.equals(ProviderKinds.OPENAI_CHAT)) {
                    body.putObject("web_search_options");
                }
                if (max != null) {
                    body.put(variant.ordinal() % 2 == 0 ? "max_tokens" : "max_completion_tokens", max);
                }
                body.put("temperature", 0.7);
            }
            case ProviderKinds.OPENAI_RESPONSES, ProviderKinds.PERPLEXITY_AGENT -> {
                boolean agent = kind.equals(ProviderKinds.PERPLEXITY_AGENT);
                model = switch (variant) {
                    case OTHER_MODEL -> agent ? "perplexity/sonar" : "gpt-5";
                    case UNKNOWN_MODEL -> agent ? null : "o9-preview";
                    default -> agent ? "openai/gpt-5-mini" : "gpt-4.1-mini";
                };
                if (model != null) {
                    body.put("model", model);
                } else {
                    body.putArray("models").add("anthropic/claude-sonnet-4-5").add("openai/gpt-5");
                    model = "anthropic/claude-sonnet-4-5";
                }
                if (history) {
                    ArrayNode input = body.putArray("input");
                    input.addObject().put("type", "message").put("role", "user").put("content", "Hello");
                    input.addObject().put("role", "assistant").putArray("content").addObject()
                            .put("type", "output_text").put("text", "Hi! How can I help?");
                    input.addObject().put("type", "reasoning").put("id", "rs_1");
                    input.addObject().put("role", "user").put("content", prompt);
                    body.put("instructions", "Answer like a buyer's guide.");
                } else {
                    body.put("input", prompt);
                }
                if (web || agent) {
                    ArrayNode tools = body.putArray("tools");
                    ObjectNode tool = tools.addObject().put("type", variant == Variant.OTHER_MODEL
                            ? "web_search_preview" : "web_search");
                    if (variant == Variant.PLAIN && !agent) {
                        tool.put("search_context_size", "high");
                    }
                    if (variant == Variant.UNKNOWN_MODEL) {
                        tools.addObject().put("type", "function").put("name", "lookup");
                    }
                }
                if (max != null) {
                    body.put("max_output_tokens", max);
                }
                if (variant == Variant.OTHER_MODEL) {
                    body.put("temperature", 0.2);
                }
            }
            case ProviderKinds.ANTHROPIC -> {
                model = switch (variant) {
                    case OTHER_MODEL -> "claude-3-7-sonnet-latest";
                    case UNKNOWN_MODEL -> "claude-future-9-latest";
                    default -> "claude-haiku-4-5";
                };
                body.put("model", model);
                body.put("max_tokens", max == null ? 1024 : max);
                if (history) {
                    body.put("system", "You are a helpful buyer's guide.");
                }
                ArrayNode messages = body.putArray("messages");
                if (history) {
                    messages.addObject().put("role", "user").put("content", "Hello");
                    messages.addObject().put("role", "assistant").putArray("content").addObject()
                            .put("type", "text").put("text", "Hi! How can I help?");
                }
                messages.addObject().put("role", "user").put("content", prompt);
                if (web) {
                    body.putArray("tools").addObject().put("type", "web_search_20250305").put("name", "web_search")
                            .put("max_uses", 5);
                }
            }
            case ProviderKinds.GEMINI -> {
                model = switch (variant) {
                    case OTHER_MODEL -> "gemini-2.5-flash-lite";
                    case UNKNOWN_MODEL -> "gemini-2.0-flash";
                    default -> "gemini-2.5-flash";
                };
                path = (variant == Variant.UNKNOWN_MODEL ? "/v1" : "/v1beta") + "/models/" + model + ":generateContent";
                if (history) {
                    body.putObject("systemInstruction").putArray("parts").addObject()
                            .put("text", "You are a helpful buyer's guide.");
                }
                ArrayNode contents = body.putArray("contents");
                if (history) {
                    contents.addObject().put("role", "user").putArray("parts").addObject().put("text", "Hello");
                    contents.addObject().put("role", "model").putArray("parts").addObject().put("text", "Hi!");
                }
                contents.addObject().put("role", "user").putArray("parts").addObject().put("text", prompt);
                if (web) {
                    body.putArray("tools").addObject().putObject("google_search");
                }
                if (max != null || variant == Variant.OTHER_MODEL) {
                    ObjectNode config = body.putObject("generationConfig").put("temperature", 0.5);
                    if (max != null) {
                        config.put("maxOutputTokens", max);
                    }
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
        Map<String, String> headers = new LinkedHashMap<>(SimFixtures.auth(kind));
        headers.put("X-Sightline-Sample", Integer.toString(sample));
        boolean webSearch = switch (kind) {
            case ProviderKinds.OPENAI_CHAT -> web;
            case ProviderKinds.OPENAI_COMPATIBLE -> false;
            case ProviderKinds.GEMINI, ProviderKinds.PERPLEXITY, ProviderKinds.PERPLEXITY_AGENT -> true;
            default -> web;
        };
        return new Case(name + " " + kind + " " + variant + " web=" + web + " sample=" + sample + " day=" + day,
                kind, path, body.toString(), headers, day, prompt, model, sample, webSearch);
    }

    /** Requests the providers refuse, in each one's own envelope. */
    static List<Case> errorCases() {
        List<Case> out = new ArrayList<>();
        int n = 0;
        for (String kind : ProviderKinds.ALL) {
            String good = SimFixtures.body(kind, PROMPTS.get(0), true);
            Map<String, String> auth = SimFixtures.auth(kind);
            out.add(new Case("e" + n++ + " " + kind + " bad json", kind, SimFixtures.path(kind), "{\"model\":",
                    auth, SimFixtures.DAY, null, null, 1, false));
            out.add(new Case("e" + n++ + " " + kind + " no auth", kind, SimFixtures.path(kind), good, Map.of(),
                    SimFixtures.DAY, null, null, 1, false));
            out.add(new Case("e" + n++ + " " + kind + " missing fields", kind, SimFixtures.path(kind), "{}", auth,
                    SimFixtures.DAY, null, null, 1, false));
            out.add(new Case("e" + n++ + " " + kind + " stream", kind, SimFixtures.path(kind),
                    good.replaceFirst("\\{", "{\"stream\":true,"), auth, SimFixtures.DAY, null, null, 1, false));
            out.add(new Case("e" + n++ + " " + kind + " unknown path", kind, "/nope", good, auth, SimFixtures.DAY,
                    null, null, 1, false));
        }
        return out;
    }

    private static final Pattern VOLATILE_STRING =
            Pattern.compile("\"(id|tool_use_id|responseId|request_id)\":\"[^\"]*\"");
    private static final Pattern VOLATILE_NUMBER = Pattern.compile("\"(created|created_at|completed_at)\":\\d+");
    private static final Set<String> VOLATILE_HEADERS = Set.of("date", "x-request-id", "request-id", "cf-ray");

    /** What the recording keeps of a reply: status, headers and body with per-request values masked. */
    static String record(HttpResponse<String> r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.statusCode()).append('\n');
        Map<String, List<String>> headers = new TreeMap<>(r.headers().map());
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean masked = VOLATILE_HEADERS.contains(lower) || lower.contains("remaining")
                    || (lower.startsWith("anthropic-ratelimit") && lower.endsWith("-reset"));
            sb.append(lower).append(": ").append(masked ? "~" : String.join(",", values)).append('\n');
        });
        String body = VOLATILE_STRING.matcher(r.body()).replaceAll("\"$1\":\"~\"");
        body = VOLATILE_NUMBER.matcher(body).replaceAll("\"$1\":0");
        sb.append(body).append('\n');
        return sb.toString();
    }

    /** Every case's recording, keyed by the case name, in order. */
    static Map<String, String> replay() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        List<Case> all = new ArrayList<>(cases());
        all.addAll(errorCases());
        Map<LocalDate, Simulator> sims = new TreeMap<>();
        try {
            for (Case c : all) {
                Simulator sim = sims.computeIfAbsent(c.day(),
                        d -> Simulator.start(SimulatorSettings.forTests(d), WORLDS));
                out.put(c.name(), record(SimFixtures.post(sim.baseUrl(c.kind()) + c.path(), c.body(), c.headers())));
            }
        } finally {
            sims.values().forEach(Simulator::close);
        }
        return out;
    }

    @Test
    void repliesAreByteForByteAsRecorded() throws Exception {
        Map<String, String> actual = replay();
        if (Boolean.getBoolean("sim.golden.write")) {
            try (Writer w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(FILE)),
                    StandardCharsets.UTF_8))) {
                for (Map.Entry<String, String> e : actual.entrySet()) {
                    w.write("### " + e.getKey() + "\n" + e.getValue());
                }
            }
            System.out.println("golden: wrote " + actual.size() + " replies to " + FILE);
            return;
        }
        Map<String, String> expected = read();
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String got = actual.get(e.getKey());
            if (!got.equals(e.getValue())) {
                failures++;
                int at = 0;
                while (at < got.length() && at < e.getValue().length() && got.charAt(at) == e.getValue().charAt(at)) {
                    at++;
                }
                if (failures <= 5) {
                    report.append("\n").append(e.getKey()).append(" differs at char ").append(at).append(":\n  want ")
                            .append(around(e.getValue(), at)).append("\n  got  ").append(around(got, at));
                }
            }
        }
        if (failures > 0) {
            fail(failures + " of " + expected.size() + " replies differ from the recording" + report);
        }
    }

    /** The recorded cases between them show every answer style (checked on the answer writer directly). */
    @Test
    void recordingCoversEveryStyle() {
        Set<AnswerWriter.Style> seen = EnumSet.noneOf(AnswerWriter.Style.class);
        for (Case c : cases()) {
            SimWorld world = WORLDS.forPrompt(c.prompt());
            Composition answer = AnswerWriter.write(new AnswerWriter.Ask(c.kind(), c.model(), c.prompt(), c.sample(),
                    c.day(), c.webSearch() ? Citing.SPANS : Citing.NONE), world == null ? new SimWorld(null, null) : world);
            seen.add(AnswerWriter.Style.valueOf(answer.style().toUpperCase(Locale.ROOT)));
        }
        assertThat(seen).containsExactlyInAnyOrder(AnswerWriter.Style.values());
    }

    private static String around(String s, int at) {
        int from = Math.max(0, at - 60);
        int to = Math.min(s.length(), at + 60);
        return s.substring(from, to).replace("\n", "\\n");
    }

    private static Map<String, String> read() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(FILE)),
                StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder sb = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("### ")) {
                    if (name != null) {
                        out.put(name, sb.toString());
                    }
                    name = line.substring(4);
                    sb.setLength(0);
                } else {
                    sb.append(line).append('\n');
                }
            }
            if (name != null) {
                out.put(name, sb.toString());
            }
        }
        return out;
    }
}
