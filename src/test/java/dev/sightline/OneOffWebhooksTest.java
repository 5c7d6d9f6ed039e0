package dev.sightline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sightline.testing.TestApp;
import org.junit.jupiter.api.Test;

/**
 * A one-off whose workspace has webhooks checks its run for alerts and sends the run's deliveries before it exits: a
 * deployment that only runs {@code --once} does not wait for the next day's one-off to hear of today's run.
 */
class OneOffWebhooksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theRunsCompletionIsDeliveredAndTheRunCheckedForAlertsBeforeTheOneOffReturns() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", x -> {
            received.add(JSON.readTree(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        receiver.start();
        Path file = Files.createTempFile("one-off-webhooks", ".yaml");
        Files.writeString(file, Files.readString(Path.of("examples/demo.yaml")) + """

                webhooks:
                  - {url: "http://127.0.0.1:%d/hook", secret: whsec-0123456789abcdef, events: [run.completed]}
                """.formatted(receiver.getAddress().getPort()));
        Properties p = TestApp.settings("one_off_webhooks");
        String db = p.getProperty("sightline.db.url");
        p.setProperty("sightline.workspace.file", file.toString());
        p.setProperty("sightline.webhooks.allow-private", "true");
        try {
            String printed = PricingOneOff.run(p).printed();
            // on its way out, not at a later tick: the receiver has it when the one-off returns
            assertThat(received).hasSize(1);
            JsonNode event = received.get(0);
            assertThat(event.get("type").asText()).isEqualTo("run.completed");
            long runId = event.get("data").get("runId").asLong();
            assertThat(printed).contains("Webhooks of run " + runId + ": 1 delivered, 0 waiting for a retry, 0 failed");
            try (Connection c = DriverManager.getConnection(db, "postgres", "");
                 ResultSet rs = c.createStatement().executeQuery(
                         "SELECT alerts_checked_at IS NOT NULL, (SELECT count(*) FROM webhook_delivery"
                                 + " WHERE status = 'delivered') FROM run WHERE id = " + runId)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("checked for alerts").isTrue();
                assertThat(rs.getInt(2)).isEqualTo(1);
            }
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void withoutWebhooksAOneOffPrintsNothingAboutThem() throws Exception {
        assertThat(PricingOneOff.run(TestApp.settings("one_off_no_webhooks")).printed()).contains("completed")
                .doesNotContain("Webhooks");
    }
}
