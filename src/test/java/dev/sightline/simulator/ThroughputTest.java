package dev.sightline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** 2,000 requests at latency 0 through 20 concurrent connections all complete; the rate is printed, not asserted. */
class ThroughputTest {

    private static final int REQUESTS = 2_000;
    private static final int CONNECTIONS = 20;

    @Test
    void twoThousandRequestsThroughTwentyConnections() throws Exception {
        Vertx client = Vertx.vertx();
        try (Simulator sim = SimFixtures.start()) {
            URI base = URI.create(sim.baseUrl("openai-chat") + "/chat/completions");
            HttpClient http = client.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(CONNECTIONS));
            AtomicInteger next = new AtomicInteger();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CompletableFuture<Void> done = new CompletableFuture<>();
            long started = System.nanoTime();
            Runnable[] send = new Runnable[1];
            send[0] = () -> {
                int i = next.getAndIncrement();
                if (i >= REQUESTS) {
                    return;
                }
                String body = SimFixtures.body("openai-chat", "Which CRM is best for team number " + (i % 50) + "?",
                        false);
                RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
                        .setPort(base.getPort()).setURI(base.getPath())
                        .putHeader("Authorization", "Bearer sk-load").putHeader("content-type", "application/json")
                        .putHeader("X-Sightline-Cell-Id", Integer.toString(i));
                http.request(options)
                        .compose(req -> req.send(Buffer.buffer(body))
                                .compose(resp -> resp.statusCode() == 200 ? resp.body() : Future.failedFuture(
                                        "HTTP " + resp.statusCode())))
                        .onComplete(ar -> {
                            if (ar.succeeded()) {
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                            if (ok.get() + failed.get() == REQUESTS) {
                                done.complete(null);
                            } else {
                                send[0].run();
                            }
                        });
            };
            for (int c = 0; c < CONNECTIONS; c++) {
                send[0].run();
            }
            done.get(120, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("throughput: %d requests via %d connections in %.2f s = %.0f requests/s%n", REQUESTS,
                    CONNECTIONS, seconds, REQUESTS / seconds);
            assertThat(failed.get()).isZero();
            assertThat(ok.get()).isEqualTo(REQUESTS);
            assertThat(sim.served("openai-chat")).isEqualTo(REQUESTS);
            assertThat(sim.requestsPerCell()).hasSize(REQUESTS).allSatisfy((cell, n) -> assertThat(n).isEqualTo(1));
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
