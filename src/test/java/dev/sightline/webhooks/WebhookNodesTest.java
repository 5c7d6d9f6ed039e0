package dev.sightline.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/**
 * Two nodes on one database share the outbox: every event reaches the receiver once although both nodes claim
 * deliveries, and after one node stops the other goes on sending.
 */
class WebhookNodesTest {

    @Test
    void twoNodesSendEachEventOnce() throws IOException {
        List<String> ids = new CopyOnWriteArrayList<>();
        ObjectMapper json = new ObjectMapper();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", x -> {
            ids.add(json.readTree(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                    .get("id").asText());
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        receiver.start();
        Path file = WebhookAddressTest.workspaceWith("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        String db = TestPostgres.newDatabase("webhook_nodes");
        Map<String, String> settings = new HashMap<>();
        settings.put("sightline.workspace.file", file.toString());
        settings.put("sightline.webhooks.allow-private", "true");
        settings.put("sightline.providers.openai.requests-per-minute", "100000");
        TestApp a = TestApp.start(db, withNode(settings, "node-a"), true);
        TestApp b = TestApp.start(db, withNode(settings, "node-b"), true);
        try {
            for (int i = 0; i < 3; i++) {
                long run = (i % 2 == 0 ? a : b).startRun("{\"providers\": [\"openai\"]}");
                a.awaitRun(run, Duration.ofSeconds(60));
            }
            TestApp.await("three run.completed", Duration.ofSeconds(20), () -> ids.size() >= 3);
            b.close();
            long run = a.startRun("{\"providers\": [\"openai\"]}");
            a.awaitRun(run, Duration.ofSeconds(60));
            TestApp.await("four run.completed", Duration.ofSeconds(20), () -> ids.size() >= 4);
            assertThat(ids).doesNotHaveDuplicates().hasSize(4);
            assertThat(a.count("SELECT count(*) FROM webhook_delivery WHERE status = 'delivered'")).isEqualTo(4);
            assertThat(a.count("SELECT count(*) FROM webhook_attempt")).isEqualTo(4);
        } finally {
            a.close();
            b.close();
            receiver.stop(0);
        }
    }

    static Map<String, String> withNode(Map<String, String> settings, String node) {
        Map<String, String> m = new HashMap<>(settings);
        m.put("sightline.node.id", node);
        return m;
    }
}
