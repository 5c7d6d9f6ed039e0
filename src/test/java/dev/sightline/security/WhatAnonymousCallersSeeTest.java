package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * {@code GET /api/health} without a token says {@code up} or {@code degraded} and nothing else (no node name,
 * models, circuits or spend); with a token it shows the details; with a wrong one it is 401. {@code GET
 * /api/simulator} counts only the caller's workspace's requests.
 */
class WhatAnonymousCallersSeeTest {

    static TestApp app;
    static String tokenB;

    @BeforeAll
    static void start() throws Exception {
        Path other = Files.createTempFile("workspace-b", ".yaml");
        Files.writeString(other, """
                workspace: {slug: other-co, name: Other Co}
                brand: {name: Acme Drive}
                prompts:
                  - text: Which cloud storage is best for a small design studio?
                """);
        app = TestApp.start("anonymous", Map.of("sightline.workspace.file", "examples/demo.yaml," + other,
                "sightline.budget.daily-usd", "5"));
        long b = app.app().bean(dev.sightline.workspace.WorkspaceRepository.class).findBySlug("other-co").orElseThrow()
                .id();
        tokenB = app.app().bean(dev.sightline.workspace.TokenService.class).create(b, "b").token();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static TestApp.Reply get(String path, String token) {
        return app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).GET(), token);
    }

    @Test
    void healthWithoutATokenSaysOnlyUpOrDegraded() {
        TestApp.Reply anonymous = get("/api/health", null);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json().properties()).hasSize(1);
        assertThat(anonymous.json().get("status").asText()).isEqualTo("up");

        TestApp.Reply detailed = get("/api/health", TestApp.TOKEN);
        assertThat(detailed.status()).isEqualTo(200);
        assertThat(detailed.json().get("status").asText()).isEqualTo("up");
        assertThat(detailed.json().has("node")).isTrue();
        assertThat(detailed.json().get("providers").has("openai")).isTrue();
        assertThat(detailed.json().get("budget").get("dailyUsd").asDouble()).isEqualTo(5.0);

        assertThat(get("/api/health", "not-a-token-0123456789").status()).isEqualTo(401);
    }

    @Test
    void theSimulatorCountsOnlyTheCallersWorkspace() {
        long run = app.startRun("{\"providers\":[\"openai\",\"gemini\"],\"promptTags\":[\"topic:pricing\"]}");
        app.awaitRun(run, Duration.ofSeconds(60));
        long cells = app.count("SELECT count(*) FROM cell WHERE run_id = ?", run);

        assertThat(served(get("/api/simulator", TestApp.TOKEN).json())).isEqualTo(cells);
        JsonNode other = get("/api/simulator", tokenB).json();
        assertThat(other.get("providers").size()).isPositive();
        assertThat(served(other)).isZero();
        assertThat(get("/api/simulator", null).status()).isEqualTo(401);
    }

    static long served(JsonNode stats) {
        long n = 0;
        for (JsonNode p : stats.get("providers")) {
            n += p.get("served").asLong();
        }
        return n;
    }
}
