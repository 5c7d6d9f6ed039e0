package dev.sightline.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

/** A small market to simulate, and a raw HTTP client for wire-level checks. */
final class SimFixtures {

    static final LocalDate DAY = LocalDate.of(2026, 3, 2);

    static final SimWorld CRM = new SimWorld("CRM software", List.of(
            new TrackedEntity(1, "Acme CRM", EntityKind.BRAND, List.of("Acme"), List.of("acmecrm.com")),
            new TrackedEntity(2, "HubSpot", EntityKind.COMPETITOR, List.of("HubSpot CRM"), List.of("hubspot.com")),
            new TrackedEntity(3, "Salesforce", EntityKind.COMPETITOR, List.of("Salesforce Sales Cloud"),
                    List.of("salesforce.com")),
            new TrackedEntity(4, "Pipedrive", EntityKind.COMPETITOR, List.of(), List.of("pipedrive.com")),
            new TrackedEntity(5, "Zoho CRM", EntityKind.COMPETITOR, List.of("Zoho"), List.of("zoho.com"))));

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SimFixtures() {
    }

    static Simulator start() {
        return Simulator.start(SimulatorSettings.forTests(DAY), SimWorld.Source.of(CRM));
    }

    /** The request body a kind's client sends for one prompt. */
    static String body(String kind, String prompt, boolean webSearch) {
        String p = prompt.replace("\"", "\\\"");
        return switch (kind) {
            case "openai-chat", "openai-compatible" ->
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + p + "\"}]}";
            case "perplexity" -> "{\"model\":\"sonar\",\"messages\":[{\"role\":\"user\",\"content\":\"" + p + "\"}]}";
            case "openai-responses" -> "{\"model\":\"gpt-4.1-mini\",\"input\":\"" + p + "\""
                    + (webSearch ? ",\"tools\":[{\"type\":\"web_search\"}]" : "") + "}";
            case "perplexity-agent" -> "{\"model\":\"openai/gpt-5-mini\",\"input\":\"" + p
                    + "\",\"tools\":[{\"type\":\"web_search\"}]}";
            case "anthropic" -> "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"" + p + "\"}]"
                    + (webSearch ? ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":5}]" : "")
                    + "}";
            case "gemini" -> "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + p + "\"}]}],"
                    + "\"tools\":[{\"google_search\":{}}]}";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** The endpoint path below the kind's base URL. */
    static String path(String kind) {
        return switch (kind) {
            case "openai-chat", "openai-compatible", "perplexity" -> "/chat/completions";
            case "openai-responses" -> "/responses";
            case "perplexity-agent" -> "/agent";
            case "anthropic" -> "/v1/messages";
            case "gemini" -> "/v1beta/models/gemini-2.5-flash:generateContent";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** The credential headers a kind's client sends. */
    static Map<String, String> auth(String kind) {
        return switch (kind) {
            case "anthropic" -> Map.of("x-api-key", "sk-ant-test-key-1234", "anthropic-version", "2023-06-01");
            case "gemini" -> Map.of("x-goog-api-key", "AIza-test-key-1234");
            case "openai-compatible" -> Map.of();
            default -> Map.of("Authorization", "Bearer sk-test-key-1234");
        };
    }

    static HttpResponse<String> post(Simulator sim, String kind, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return post(sim.baseUrl(kind) + path(kind), body, headers);
    }

    static HttpResponse<String> post(String url, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A prompt for the kind, with its credentials and the given sample. */
    static HttpResponse<String> ask(Simulator sim, String kind, String prompt, int sample, boolean webSearch)
            throws IOException, InterruptedException {
        Map<String, String> headers = new java.util.HashMap<>(auth(kind));
        headers.put("X-Sightline-Sample", Integer.toString(sample));
        return post(sim, kind, body(kind, prompt, webSearch), headers);
    }
}
