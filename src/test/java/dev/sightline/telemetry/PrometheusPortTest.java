package dev.sightline.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/** Metrics on a port of their own (Camel's management server), for a scraper inside the network, without a token. */
class PrometheusPortTest {

    @Test
    void metricsOnTheirOwnPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (TestApp app = TestApp.start("prometheus_port", Map.of("camel.management.enabled", "true",
                "camel.management.port", Integer.toString(port), "camel.management.metrics-enabled", "true",
                "camel.metrics.path", "/metrics"))) {
            TestApp.Reply r = app.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                    .header("Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1").GET(), null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            Map<String, PrometheusText.Family> f = PrometheusText.parse(r.body());
            assertThat(f).containsKeys("sightline_provider_calls_total", "sightline_cells", "jvm_memory_used_bytes");
            // the API port still wants the scrape token
            assertThat(app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/metrics")).GET(), null).status())
                    .isEqualTo(401);
        }
    }
}
