package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.LogCapture;
import dev.sightline.testing.TestApp;

/**
 * 1,000 wrong tokens in half a second from one address: after the threshold the address must wait (429 with
 * Retry-After, the token not even looked at), so only a handful of guesses are checked; the flood shows in the log
 * as a few sampled lines, not a thousand; another address is not affected.
 */
class AuthFailuresTest {

    static final int MAX_FAILURES = 10;
    static final int CONCURRENT = 8;
    /** Two reverse proxies in front of the app (127.0.0.30 and .31); everything else connects directly. */
    static final String PROXIES = "127.0.0.30/31";
    static TestApp app;

    @BeforeAll
    static void start() {
        // the wait doubles with every failure past the threshold, and how many guesses are in flight when it is
        // reached depends on the machine: capped at 5 s, so the address is let in again within the test's patience
        app = TestApp.start("auth_failures", Map.of("sightline.api.auth.max-failures", String.valueOf(MAX_FAILURES),
                "sightline.api.auth.max-wait", "5s", "sightline.http.max-connections-per-client", "1000",
                "sightline.metrics.token", "scrape-token-0123456789abcdef",
                "sightline.http.trusted-proxies", PROXIES));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aThousandWrongTokensAreSlowedAndLoggedSampled() throws Exception {
        LogCapture logs = LogCapture.of("dev.sightline");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> retryAfter = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        long started = System.nanoTime();
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String guess = "guess-" + i + "-0123456789abcdef";
                calls.add(pool.submit(() -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs"))
                            .header("Authorization", "Bearer " + guess).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    r.headers().firstValue("Retry-After").ifPresent(retryAfter::add);
                    return null;
                }));
            }
            for (Future<?> f : calls) {
                f.get();
            }
        } finally {
            pool.shutdown();
            logs.close();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(statuses.keySet()).containsOnly(401, 429);
        // checked: the threshold, what was in flight when it was reached, and a few doublings of the wait; the rest
        // were refused unchecked
        assertThat(statuses.get(401).get()).isBetween(MAX_FAILURES, MAX_FAILURES + CONCURRENT + 4);
        assertThat(statuses.get(429).get()).isEqualTo(1000 - statuses.get(401).get());
        assertThat(retryAfter).hasSize(statuses.get(429).get()).allSatisfy(s -> assertThat(Long.parseLong(s)).isBetween(1L, 5L));

        List<String> failed = logs.lines().stream().filter(l -> l.startsWith("Failed authentication from 127.0.0.1"))
                .toList();
        assertThat(failed).hasSizeBetween(5, 12);
        assertThat(failed.get(failed.size() - 1)).contains("refused");

        // even the right token waits its turn from that address; another address is not held up
        assertThat(app.get("/api/runs").status()).isEqualTo(429);
        assertThat(app.raw("GET /api/runs HTTP/1.1\r\nHost: s\r\nConnection: close\r\nAuthorization: Bearer "
                + TestApp.TOKEN + "\r\n\r\n", "127.0.0.9").status()).isEqualTo(200);
        TestApp.await("the wait to pass", Duration.ofSeconds(20), () -> app.get("/api/runs").status() == 200);
    }

    @Test
    void guessingTheMetricsTokenIsSlowedLikeAnApiToken() {
        String from = "127.0.0.20";
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < MAX_FAILURES + 4; i++) {
            statuses.add(app.raw("GET /metrics HTTP/1.1\r\nHost: s\r\nConnection: close\r\nAuthorization: Bearer "
                    + "guess-" + i + "-0123456789abcdef\r\n\r\n", from).status());
        }
        assertThat(statuses.subList(0, MAX_FAILURES)).containsOnly(401);
        assertThat(statuses.subList(MAX_FAILURES, statuses.size())).containsOnly(429);
        // one count for both: the API is refused to that address too, without its token being looked at
        assertThat(app.raw("GET /api/runs HTTP/1.1\r\nHost: s\r\nConnection: close\r\nAuthorization: Bearer "
                + TestApp.TOKEN + "\r\n\r\n", from).status()).isEqualTo(429);
        assertThat(app.raw("GET /metrics HTTP/1.1\r\nHost: s\r\nConnection: close\r\nAuthorization: Bearer "
                + "scrape-token-0123456789abcdef\r\n\r\n", "127.0.0.21").status()).isEqualTo(200);
    }

    static int viaProxy(String proxy, String forwardedFor, String token, String path) {
        return app.raw("GET " + path + " HTTP/1.1\r\nHost: s\r\nConnection: close\r\nX-Forwarded-For: " + forwardedFor
                + "\r\nAuthorization: Bearer " + token + "\r\n\r\n", proxy).status();
    }

    /**
     * Behind a reverse proxy every request comes from the proxy's address: one client guessing tokens must not have
     * everybody behind the proxy refused, and writing X-Forwarded-For itself must get nobody out of their count.
     */
    @Test
    void behindATrustedProxyEachClientHasItsOwnCountAndCannotWriteItsWayOut() {
        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < MAX_FAILURES + 3; i++) {
            // the guesser writes a new address of its own each time; the proxy appends the one it saw
            guesses.add(viaProxy("127.0.0.30", "198.51.100." + i + ", 203.0.113.7", "guess-" + i + "-0123456789abcdef",
                    "/api/runs"));
        }
        assertThat(guesses.subList(0, MAX_FAILURES)).containsOnly(401);
        assertThat(guesses.subList(MAX_FAILURES, guesses.size())).containsOnly(429);
        // the guesser waits behind either proxy, also when the second one passed the request on to the first
        assertThat(viaProxy("127.0.0.31", "203.0.113.7, 127.0.0.30", TestApp.TOKEN, "/api/runs")).isEqualTo(429);
        assertThat(viaProxy("127.0.0.31", "203.0.113.7", TestApp.TOKEN, "/metrics")).isEqualTo(429);
        // another client of the same proxy, and the proxy's own requests, are not held up
        assertThat(viaProxy("127.0.0.30", "203.0.113.8", TestApp.TOKEN, "/api/runs")).isEqualTo(200);
        assertThat(viaProxy("127.0.0.30", "203.0.113.7:4711, 203.0.113.8", TestApp.TOKEN, "/api/runs")).isEqualTo(200);

        // a client that is no trusted proxy cannot name another address to get out of its own count
        String direct = "127.0.0.40";
        List<Integer> forged = new ArrayList<>();
        for (int i = 0; i < MAX_FAILURES + 3; i++) {
            forged.add(viaProxy(direct, "198.51.100." + i, "guess-" + i + "-0123456789abcdef", "/api/runs"));
        }
        assertThat(forged.subList(0, MAX_FAILURES)).containsOnly(401);
        assertThat(forged.subList(MAX_FAILURES, forged.size())).containsOnly(429);
        assertThat(viaProxy(direct, "203.0.113.99", TestApp.TOKEN, "/api/runs")).isEqualTo(429);
    }
}
