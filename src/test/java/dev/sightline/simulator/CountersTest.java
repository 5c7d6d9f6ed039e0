package dev.sightline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.provider.ProviderKinds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Served counts, per-cell counts and request-rate windows, as tests of "each cell called once" need them. */
class CountersTest {

    private static Simulator sim;

    @BeforeAll
    static void start() {
        sim = SimFixtures.start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void clean() {
        ProviderKinds.ALL.forEach(k -> sim.setFaults(k, FaultProfile.NONE));
        sim.reset();
    }

    private static HttpResponse<String> askForCell(String kind, long cell) throws Exception {
        Map<String, String> headers = new HashMap<>(SimFixtures.auth(kind));
        headers.put("X-Sightline-Cell-Id", Long.toString(cell));
        return SimFixtures.post(sim, kind, SimFixtures.body(kind, "Best CRM for agencies?", false), headers);
    }

    @Test
    void countsServedPerKindAndRequestsPerCell() throws Exception {
        askForCell("openai-chat", 7);
        askForCell("openai-chat", 7);
        askForCell("anthropic", 7);
        askForCell("gemini", 8);
        SimFixtures.ask(sim, "gemini", "no cell header", 1, false);
        assertThat(sim.served("openai-chat")).isEqualTo(2);
        assertThat(sim.served("anthropic")).isEqualTo(1);
        assertThat(sim.served("gemini")).isEqualTo(2);
        assertThat(sim.served("perplexity")).isZero();
        assertThat(sim.requestsPerCell()).containsExactlyInAnyOrderEntriesOf(Map.of(7L, 3, 8L, 1));
        assertThat(sim.requestsPerCell()).doesNotContainKey(9L);

        KindStats gemini = sim.stats().get("gemini");
        assertThat(gemini.baseUrl()).isEqualTo(sim.baseUrl("gemini")).endsWith("/gemini");
        assertThat(gemini.served()).isEqualTo(2);
        assertThat(gemini.answered()).isEqualTo(2);
        assertThat(sim.stats()).containsOnlyKeys(ProviderKinds.ALL);

        sim.reset();
        assertThat(sim.served("openai-chat")).isZero();
        assertThat(sim.requestsPerCell()).isEmpty();
        assertThat(sim.maxRequestsInWindow("openai-chat", Duration.ofMinutes(1))).isZero();
    }

    @Test
    void errorsCountAsServedToo() throws Exception {
        sim.setFaults("perplexity", FaultProfile.NONE.withRate500(1.0));
        askForCell("perplexity", 11);
        SimFixtures.post(sim, "perplexity", "not json", SimFixtures.auth("perplexity"));
        SimFixtures.post(sim, "perplexity", "{}", Map.of());
        assertThat(sim.served("perplexity")).isEqualTo(3);
        KindStats s = sim.stats().get("perplexity");
        assertThat(s.serverErrors()).isEqualTo(1);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.unauthorized()).isEqualTo(1);
        assertThat(s.answered()).isZero();
        assertThat(sim.requestsPerCell()).containsEntry(11L, 1);
    }

    @Test
    void maxRequestsInWindowSeesBurstsAndGaps() throws Exception {
        // One request at a time with a fixed 250 ms latency: arrivals are at least 250 ms apart
        sim.setFaults("openai-responses", FaultProfile.NONE.withLatency(Duration.ofMillis(250), Duration.ofMillis(250)));
        long started = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            assertThat(SimFixtures.ask(sim, "openai-responses", "q" + i, 1, false).statusCode()).isEqualTo(200);
        }
        assertThat((System.nanoTime() - started) / 1_000_000).as("latency applied").isGreaterThanOrEqualTo(1000);
        assertThat(sim.maxRequestsInWindow("openai-responses", Duration.ofMillis(200))).isEqualTo(1);
        assertThat(sim.maxRequestsInWindow("openai-responses", Duration.ofSeconds(30))).isEqualTo(4);

        // Then ten at once: all arrive within a fraction of the latency
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String q = "burst " + i;
            burst.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return SimFixtures.ask(sim, "openai-responses", q, 1, false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        burst.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
        assertThat(sim.maxRequestsInWindow("openai-responses", Duration.ofMillis(200))).isGreaterThanOrEqualTo(8);
        assertThat(sim.maxRequestsInWindow("openai-responses", Duration.ofSeconds(30))).isEqualTo(14);
        assertThat(sim.maxRequestsInWindow("anthropic", Duration.ofSeconds(30))).isZero();
    }

    @Test
    void arrivalLogStaysCheapAtAHundredThousandRequests() {
        Traffic t = new Traffic();
        for (int i = 0; i < 100_000; i++) {
            t.arrive(null);
        }
        long started = System.nanoTime();
        int max = t.maxInWindow(Duration.ofSeconds(1));
        int recent = t.inLast(Duration.ofMinutes(1));
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.println("100,000 arrivals: window scan + recent count took " + ms + " ms");
        assertThat(max).isPositive().isLessThanOrEqualTo(100_000);
        assertThat(recent).isEqualTo(100_000);
        assertThat(t.served()).isEqualTo(100_000);
        assertThat(ms).isLessThan(1000);
    }
}
