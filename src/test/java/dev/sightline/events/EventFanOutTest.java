package dev.sightline.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sightline.testing.SseClient;
import dev.sightline.testing.SseClient.Frame;
import dev.sightline.testing.TestApp;

/**
 * How a node hands events to many clients: a stalled client is dropped when its buffer fills while the others get
 * everything and the pipeline goes on; events written by another node's transactions reach this node's clients at
 * once (NOTIFY), not at the next poll; and any event type of the workspace streams, not only the runs'.
 */
class EventFanOutTest {

    static Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + TestApp.TOKEN);
    }

    @Test
    void aStalledClientIsDroppedWhileTheOthersGetEverything() throws Exception {
        try (TestApp app = TestApp.start("events-fanout", Map.of("sightline.events.client-buffer", "100"))) {
            EventHub hub = app.app().bean(EventHub.class);
            long ws = app.count("SELECT id FROM workspace ORDER BY id LIMIT 1");
            URI base = URI.create(app.baseUrl());
            List<SseClient> readers = new ArrayList<>();
            try (Socket stalled = new Socket()) {
                // a client that asks for the stream and then never reads a byte
                stalled.setReceiveBufferSize(4096);
                stalled.connect(new InetSocketAddress(base.getHost(), base.getPort()));
                OutputStream out = stalled.getOutputStream();
                out.write(("GET /api/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                        + "Authorization: Bearer " + TestApp.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                readers.add(SseClient.open(app.baseUrl() + "/api/events", bearer()));
                assertThat(readers.get(0).status()).isEqualTo(200);
                TestApp.await("both streams open", Duration.ofSeconds(10), () -> hub.stats().streams() == 2);

                long run = app.startRun("{}");
                // 2,000 events of 8 kB of some other feature's type, 25 per transaction: 16 MB no socket buffer holds
                for (int i = 0; i < 80; i++) {
                    app.sql("INSERT INTO event (workspace_id, type, payload) SELECT " + ws + ", 'test.filler', "
                            + "jsonb_build_object('n', g, 'pad', repeat('x', 8000)) FROM generate_series("
                            + (i * 25 + 1) + ", " + (i * 25 + 25) + ") g");
                    resumeIfDropped(app, readers);
                }
                TestApp.await("all 2,000 events at the reading client", Duration.ofSeconds(60), () -> {
                    resumeIfDropped(app, readers);
                    return readers.stream().mapToInt(r -> r.events("test.filler").size()).sum() >= 2000;
                });
                assertThat(filler(readers)).hasSize(2000).doesNotHaveDuplicates();
                System.out.println("the reading client needed " + readers.size() + " connection(s); dropped in all: "
                        + hub.stats().dropped());
                List<String> ids = new ArrayList<>();
                readers.forEach(r -> r.frames().stream().filter(f -> f.event() != null
                        && !"run.progress".equals(f.event())).forEach(f -> ids.add(f.id())));
                assertThat(ids).doesNotHaveDuplicates();

                // the stalled client was dropped: its connection ends once it reads what the socket held
                assertThat(hub.stats().dropped()).isGreaterThanOrEqualTo(1);
                stalled.setSoTimeout(10_000);
                InputStream in = stalled.getInputStream();
                byte[] buf = new byte[65536];
                long held = 0;
                try {
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        held += n;
                    }
                } catch (SocketException reset) {
                    // closed by the server: reset is as good as the end of the stream
                }
                assertThat(held).isLessThan(16_000_000L);
                // the run went on meanwhile, and its end reached the reader
                assertThat(app.awaitRun(run, Duration.ofSeconds(60)).get("status").asText()).isEqualTo("completed");
                TestApp.await("run.completed at the reader", Duration.ofSeconds(10), () -> {
                    resumeIfDropped(app, readers);
                    return readers.stream().anyMatch(r -> !r.events("run.completed").isEmpty());
                });
            } finally {
                readers.forEach(SseClient::close);
            }
        }
    }

    /** What EventSource does when its stream ends: reconnect with the last id it saw. */
    private static void resumeIfDropped(TestApp app, List<SseClient> readers) {
        SseClient last = readers.get(readers.size() - 1);
        if (last.ended()) {
            String id = readers.stream().map(SseClient::lastId).filter(java.util.Objects::nonNull)
                    .reduce((a, b) -> b).orElseThrow();
            readers.add(SseClient.open(app.baseUrl() + "/api/events",
                    Map.of("Authorization", "Bearer " + TestApp.TOKEN, "Last-Event-ID", id)));
        }
    }

    private static List<Integer> filler(List<SseClient> readers) {
        List<Integer> n = new ArrayList<>();
        readers.forEach(r -> r.events("test.filler").forEach(f -> n.add(f.json().get("n").asInt())));
        return n;
    }

    @Test
    void anotherNodesWorkReachesThisNodesClientsThroughNotify() {
        try (TestApp writer = TestApp.start("events-nodes", Map.of())) {
            Map<String, String> quiet = new HashMap<>();
            // polling alone would take a minute: only notifications can wake this node in time
            quiet.put("sightline.events.poll-interval", "60s");
            quiet.put("sightline.events.keep-alive", "60s");
            quiet.put("sightline.events.max-streams", "1");
            try (TestApp watcher = TestApp.start(writer.jdbcUrl(), quiet, true);
                 SseClient client = SseClient.open(watcher.baseUrl() + "/api/events", bearer())) {
                assertThat(client.status()).isEqualTo(200);
                client.await("the stream's start", Duration.ofSeconds(10), f -> f.id() != null);
                // one stream is all this node may serve
                var refused = watcher.send(java.net.http.HttpRequest.newBuilder(URI.create(watcher.baseUrl()
                        + "/api/events")).header("Authorization", "Bearer " + TestApp.TOKEN).GET(), null);
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("5");
                long run = writer.startRun("{\"providers\":[\"openai\"]}");
                Frame done = client.await("run.completed from the other node", Duration.ofSeconds(30),
                        f -> "run.completed".equals(f.event()) && f.json().get("runId").asLong() == run);
                Instant finished = Instant.parse(done.json().get("finishedAt").asText());
                long receivedAgoNanos = System.nanoTime() - done.receivedNanos();
                Instant received = Instant.now().minusNanos(receivedAgoNanos);
                assertThat(Duration.between(finished, received)).isLessThan(Duration.ofSeconds(5));
                assertThat(watcher.app().bean(EventHub.class).stats().notifications()).isPositive();
                assertThat(client.events("cell.finished").stream().mapToInt(f -> f.json().get("cells").size()).sum())
                        .isEqualTo(28);
            }
        }
    }
}
