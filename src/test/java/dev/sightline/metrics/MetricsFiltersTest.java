package dev.sightline.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/** {@code GET /api/metrics?provider=&tag=}: the dashboard's filters, answered by the API. */
class MetricsFiltersTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start("metrics-filters", Map.of());
        long run = app.startRun("{\"providers\":[\"openai\",\"gemini\"]}");
        app.awaitRun(run, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static List<String> keys(JsonNode reply) {
        List<String> k = new ArrayList<>();
        reply.get("groups").forEach(g -> k.add(g.get("key").asText()));
        return k;
    }

    @Test
    void aProviderAndATagNarrowTheAnswersCounted() {
        JsonNode all = app.get("/api/metrics").json();
        JsonNode openai = app.get("/api/metrics?provider=openai").json();
        assertThat(keys(app.get("/api/metrics?groupBy=provider").json())).containsExactly("gemini", "openai");
        assertThat(keys(app.get("/api/metrics?groupBy=provider&provider=openai").json())).containsExactly("openai");
        assertThat(openai.get("provider").asText()).isEqualTo("openai");
        assertThat(openai.get("groups").get(0).get("n").asInt()).isEqualTo(28);
        assertThat(all.get("groups").get(0).get("n").asInt()).isEqualTo(56);
        assertThat(keys(app.get("/api/metrics?provider=nobody").json())).isEmpty();

        String tag = keys(app.get("/api/metrics?groupBy=tag").json()).get(0);
        JsonNode tagged = app.get("/api/metrics?groupBy=tag&tag=" + tag.replace(":", "%3A")).json();
        assertThat(keys(tagged)).contains(tag);
        int n = tagged.get("groups").get(keys(tagged).indexOf(tag)).get("n").asInt();
        JsonNode byTag = app.get("/api/metrics?tag=" + tag.replace(":", "%3A")).json();
        assertThat(byTag.get("groups").get(0).get("n").asInt()).isEqualTo(n).isLessThan(56);
        assertThat(app.get("/api/metrics?groupBy=day&provider=gemini&tag=" + tag.replace(":", "%3A")).status())
                .isEqualTo(200);
        assertThat(app.get("/api/metrics?provider=" + "x".repeat(201)).json().get("error").get("field").asText())
                .isEqualTo("provider");
    }
}
