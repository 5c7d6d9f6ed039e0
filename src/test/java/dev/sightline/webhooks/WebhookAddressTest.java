package dev.sightline.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * Webhooks go to public hosts only, unless sightline.webhooks.allow-private=true: a URL naming a private address is
 * refused at start, and a host name is resolved and checked when the webhook is sent, on the connection's own lookup.
 */
class WebhookAddressTest {

    @Test
    void privateLoopbackLinkLocalAndMetadataAddressesAreRefused() throws Exception {
        for (String a : new String[] {"127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                "169.254.169.254", "169.254.1.1", "100.64.0.1", "100.100.100.200", "0.0.0.0", "::1", "fd00:ec2::254",
                "fc00::1", "fe80::1", "::ffff:10.0.0.1", "::7f00:1", "::a00:1",
                // IPv6 forms that reach an IPv4 address inside: NAT64 (well-known and local-use), 6to4, Teredo
                "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "2002:7f00:1::", "2002:a9fe:a9fe::1",
                "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1", "100::1",
                // IPv4-translated (SIIT) and the rest of ::/96
                "::ffff:0:a00:1", "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe", "::102", "::0.0.255.255"}) {
            assertThat(AddressPolicy.refusal(InetAddress.getByName(a))).as(a).isNotNull();
            assertThat(dev.sightline.fetch.AddressPolicy.isPublic(InetAddress.getByName(a))).as(a).isFalse();
        }
        assertThat(AddressPolicy.refusal(InetAddress.getByName("64:ff9b::a9fe:a9fe"))).isEqualTo("a cloud metadata");
        assertThat(AddressPolicy.refusal(InetAddress.getByName("169.254.169.254"))).isEqualTo("a cloud metadata");
        // public ones, also embedded: NAT64 and 6to4 of a public IPv4 address reach that address
        for (String a : new String[] {"93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1", "172.32.0.1",
                "64:ff9b::808:808", "2002:808:808::1", "2a00:1450:4001:81c::200e", "::ffff:0:808:808"}) {
            assertThat(AddressPolicy.refusal(InetAddress.getByName(a))).as(a).isNull();
            assertThat(dev.sightline.fetch.AddressPolicy.isPublic(InetAddress.getByName(a))).as(a).isTrue();
        }
        assertThatThrownBy(() -> new AddressPolicy(false).resolve("127.0.0.1"))
                .isInstanceOf(AddressPolicy.RefusedAddressException.class)
                .hasMessageContaining("sightline.webhooks.allow-private")
                .hasMessageContaining("resolves to a loopback address");
        assertThat(new AddressPolicy(true).resolve("127.0.0.1")).hasSize(1);
    }

    @Test
    void aLiteralPrivateUrlStopsTheStartNamingTheFileAndField() throws IOException {
        Path file = workspaceWith("http://10.0.0.7/hook");
        assertThatThrownBy(() -> TestApp.start("webhook_literal", Map.of("sightline.workspace.file", file.toString())))
                .hasMessageContaining(file + ": webhooks[0].url: 10.0.0.7 is a private address")
                .hasMessageNotContaining("whsec");
    }

    @Test
    void aNameResolvingToThisMachineIsRefusedWhenSent() throws IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress(0), 0);
        AtomicInteger received = new AtomicInteger();
        receiver.createContext("/hook", x -> {
            received.incrementAndGet();
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        receiver.start();
        // the machine's own name passes the start (it is no literal address) and resolves here when sent
        String host = InetAddress.getLocalHost().getHostName();
        Path file = workspaceWith("http://" + host + ":" + receiver.getAddress().getPort() + "/hook");
        try (TestApp app = TestApp.start("webhook_resolved", Map.of("sightline.workspace.file", file.toString(),
                "sightline.providers.openai.requests-per-minute", "100000"))) {
            long run = app.startRun("{\"providers\": [\"openai\"]}");
            app.awaitRun(run, Duration.ofSeconds(60));
            TestApp.await("the delivery refused", Duration.ofSeconds(20),
                    () -> app.count("SELECT count(*) FROM webhook_delivery WHERE status = 'failed'") == 1);
            JsonNode d = app.get("/api/webhooks/deliveries").json().get("deliveries").get(0);
            assertThat(d.get("lastError").asText()).contains("resolves to").contains("allow-private");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(received.get()).isZero();
        } finally {
            receiver.stop(0);
        }
    }

    static Path workspaceWith(String url) throws IOException {
        Path file = Files.createTempFile("webhook-address", ".yaml");
        Files.writeString(file, Files.readString(Path.of("examples/demo.yaml")) + """

                webhooks:
                  - {url: "%s", secret: whsec-0123456789abcdef, events: [run.completed]}
                """.formatted(url));
        return file;
    }
}
