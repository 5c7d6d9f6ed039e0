package dev.sightline.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * GET /metrics scraped while a run goes on and after it, every line parsed by a strict parser of the text format:
 * the series README lists are there with their labels, and the counters agree with what the database stored.
 */
class PrometheusTest {

    static final String SCRAPE_TOKEN = "scrape-token-0123456789abcdef";
    static TestApp app;

    @BeforeAll
    static void start() {
        Map<String, String> s = new HashMap<>();
        s.put("sightline.metrics.token", SCRAPE_TOKEN);
        s.put("sightline.metrics.refresh", "100ms");
        s.put("sightline.budget.daily-usd", "50");
        s.put("sightline.simulator.latency-median", "150ms");
        s.put("sightline.simulator.latency-p99", "300ms");
        s.put("sightline.simulator.kinds.gemini.rate-500", "0.1");
        s.put("sightline.simulator.kinds.anthropic.rate-429", "0.3");
        s.put("sightline.simulator.kinds.anthropic.retry-after", "100ms");
        for (String p : new String[] {"openai", "anthropic", "gemini", "perplexity"}) {
            s.put("sightline.providers." + p + ".requests-per-minute", "100000");
        }
        app = TestApp.start("prometheus", s);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static TestApp.Reply scrape(String token) {
        return app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/metrics")).GET(), token);
    }

    static double sum(Map<String, PrometheusText.Family> f, String family, String sample, Map<String, String> match) {
        return f.get(family).samples().stream().filter(x -> x.name().equals(sample))
                .filter(x -> x.labels().entrySet().containsAll(match.entrySet()))
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    @Test
    void scrapesDuringAndAfterARunParseAndAddUp() {
        long run = app.startRun("{\"samples\": 2}");
        TestApp.await("the run under way", Duration.ofSeconds(30),
                () -> app.count("SELECT count(*) FROM response") >= 20);
        TestApp.Reply during = scrape(SCRAPE_TOKEN);
        assertThat(during.status()).isEqualTo(200);
        assertThat(during.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        Map<String, PrometheusText.Family> mid = PrometheusText.parse(during.body());
        assertThat(sum(mid, "sightline_cells", "sightline_cells", Map.of())).isEqualTo(224);
        assertThat(mid.get("sightline_runs_running").samples().get(0).value()).isEqualTo(1);

        app.awaitRun(run, Duration.ofSeconds(120));
        Map<String, PrometheusText.Family> f = PrometheusText.parse(scrape(SCRAPE_TOKEN).body());

        Map<String, String> types = new HashMap<>();
        f.values().forEach(x -> types.put(x.name(), x.type()));
        assertThat(types).containsEntry("sightline_provider_calls_total", "counter")
                .containsEntry("sightline_provider_call_duration_seconds", "histogram")
                .containsEntry("sightline_throttle_wait_seconds", "histogram")
                .containsEntry("sightline_circuit_state", "gauge")
                .containsEntry("sightline_cells", "gauge")
                .containsEntry("sightline_due_cells", "gauge")
                .containsEntry("sightline_lease_rescues_total", "counter")
                .containsEntry("sightline_analysis_lag_seconds", "gauge")
                .containsEntry("sightline_analysis_queue", "gauge")
                .containsEntry("sightline_tokens_total", "counter")
                .containsEntry("sightline_cost_usd_total", "counter")
                .containsEntry("sightline_budget_remaining_usd", "gauge")
                .containsEntry("sightline_webhook_deliveries", "gauge")
                .containsEntry("sightline_api_reads", "gauge");
        assertThat(types.keySet()).anyMatch(n -> n.startsWith("camel_exchanges"))
                .anyMatch(n -> n.startsWith("jvm_memory")).anyMatch(n -> n.startsWith("jvm_gc"));
        assertThat(f.get("camel_exchanges_total").samples()).anyMatch(x -> "provider-openai".equals(
                x.labels().get("routeId")));

        for (String p : List.of("openai", "anthropic", "gemini", "perplexity")) {
            Map<String, String> of = Map.of("provider", p);
            // every stored answer was one call answered ok on this node
            assertThat(sum(f, "sightline_provider_calls_total", "sightline_provider_calls_total",
                    Map.of("provider", p, "outcome", "ok")))
                    .as(p).isEqualTo(app.count("SELECT count(*) FROM response WHERE provider = ?", p));
            assertThat(sum(f, "sightline_provider_call_duration_seconds", "sightline_provider_call_duration_seconds_count",
                    of)).isEqualTo(sum(f, "sightline_provider_calls_total", "sightline_provider_calls_total", of));
            assertThat(sum(f, "sightline_tokens_total", "sightline_tokens_total", Map.of("provider", p,
                    "direction", "in"))).isEqualTo(app.count(
                    "SELECT sum(tokens_in) FROM response WHERE provider = ?", p));
            assertThat(sum(f, "sightline_circuit_state", "sightline_circuit_state", of)).isEqualTo(1);
            assertThat(sum(f, "sightline_throttle_wait_seconds", "sightline_throttle_wait_seconds_count", of))
                    .isGreaterThanOrEqualTo(56);
        }
        assertThat(sum(f, "sightline_provider_calls_total", "sightline_provider_calls_total",
                Map.of("provider", "gemini", "outcome", "server_error"))).isPositive();
        assertThat(sum(f, "sightline_provider_calls_total", "sightline_provider_calls_total",
                Map.of("provider", "anthropic", "outcome", "rate_limited"))).isPositive();
        Set<String> outcomes = new java.util.TreeSet<>();
        f.get("sightline_provider_calls_total").samples().forEach(x -> outcomes.add(x.labels().get("outcome")));
        assertThat(outcomes).containsExactly("client_error", "malformed", "ok", "rate_limited", "server_error",
                "timeout");
        double cost = app.count("SELECT (sum(cost_usd) * 1000000)::bigint FROM response") / 1e6;
        assertThat(sum(f, "sightline_cost_usd_total", "sightline_cost_usd_total", Map.of())).isCloseTo(cost,
                org.assertj.core.api.Assertions.within(1e-5));
        assertThat(sum(f, "sightline_budget_remaining_usd", "sightline_budget_remaining_usd", Map.of()))
                .isCloseTo(50 - cost, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(sum(f, "sightline_cells", "sightline_cells", Map.of())).isZero();
        assertThat(f.get("sightline_analysis_lag_seconds").samples().get(0).value()).isZero();
        // no dashboard read is computing or waiting between two requests
        assertThat(f.get("sightline_api_reads").samples()).extracting(x -> x.labels().get("state"))
                .containsExactlyInAnyOrder("computing", "waiting");
        assertThat(sum(f, "sightline_api_reads", "sightline_api_reads", Map.of())).isZero();
    }

    @Test
    void theScrapeNeedsItsToken() {
        assertThat(scrape(null).status()).isEqualTo(401);
        assertThat(scrape("wrong-token-0123456789abcdef").status()).isEqualTo(401);
        // an API token of a workspace is not the scrape token: metrics span every workspace
        assertThat(scrape(TestApp.TOKEN).status()).isEqualTo(401);
        assertThat(scrape(null).body()).contains("sightline.metrics.token").doesNotContain(SCRAPE_TOKEN);
    }

}
