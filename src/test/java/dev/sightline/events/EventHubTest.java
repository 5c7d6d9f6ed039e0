package dev.sightline.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.store.Jdbc;
import dev.sightline.testing.TestApp;

/** The node's event reader on its own: polling when no notification can come, and bounded buffers. */
class EventHubTest {

    static TestApp app;
    static long ws;

    @BeforeAll
    static void start() {
        app = TestApp.start("events-hub", Map.of());
        ws = app.count("SELECT id FROM workspace ORDER BY id LIMIT 1");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A hub whose LISTEN connection can never open: only polling can find the events. */
    static EventHub pollingOnly(int clientBuffer) {
        Jdbc jdbc = app.app().bean(Jdbc.class);
        EventHub hub = new EventHub(new EventLog(jdbc), new EventHub.Derivation() { },
                new EventHub.Settings(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1),
                        clientBuffer, 500), () -> {
                    throw new SQLException("no LISTEN in this test");
                });
        hub.start();
        return hub;
    }

    /** A client connection that takes frames as they come, or never (stalled). */
    static final class Sink implements Subscription.Sink {
        final Subscription sub;
        final boolean reads;
        final List<String> chunks = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();

        Sink(Subscription sub, boolean reads) {
            this.sub = sub;
            this.reads = reads;
            sub.attach(this);
        }

        @Override
        public void ready() {
            for (String c = reads ? sub.take(1 << 20) : null; c != null; c = sub.take(1 << 20)) {
                chunks.add(c);
            }
        }

        @Override
        public void close() {
            closed.set(true);
        }

        long count(String type) {
            return chunks.stream().flatMap(c -> c.lines()).filter(l -> l.equals("event: " + type)).count();
        }
    }

    void write(int n, String type) {
        app.sql("INSERT INTO event (workspace_id, type, payload) SELECT " + ws + ", '" + type + "', "
                + "jsonb_build_object('n', g) FROM generate_series(1, " + n + ") g");
    }

    @Test
    void withoutNotificationsPollingDeliversEverything() throws Exception {
        try (EventHub hub = pollingOnly(1000)) {
            Sink a = new Sink(new Subscription(EventScope.workspace(ws), 1000), true);
            hub.subscribe(a.sub, null);
            write(50, "test.polled");
            TestApp.await("50 events by polling", Duration.ofSeconds(10), () -> a.count("test.polled") == 50);
            assertThat(hub.stats().notifications()).isZero();
            TestApp.await("a keep-alive comment", Duration.ofSeconds(5),
                    () -> a.chunks.stream().anyMatch(c -> c.contains(Sse.KEEP_ALIVE)));
        }
    }

    @Test
    void aStalledSubscriptionIsDroppedAtItsBoundAndTheOthersGoOn() throws Exception {
        try (EventHub hub = pollingOnly(20)) {
            Sink stalled = new Sink(new Subscription(EventScope.workspace(ws), 20), false);
            Sink reader = new Sink(new Subscription(EventScope.workspace(ws), 20), true);
            Sink otherScope = new Sink(new Subscription(EventScope.of(ws, "jobId", 7), 20), true);
            hub.subscribe(stalled.sub, null);
            hub.subscribe(reader.sub, null);
            hub.subscribe(otherScope.sub, null);
            for (int i = 0; i < 10; i++) {
                write(10, "test.burst");
                app.sql("INSERT INTO event (workspace_id, type, payload) VALUES (" + ws
                        + ", 'job.step', '{\"jobId\": 7}'), (" + ws + ", 'job.step', '{\"jobId\": 8}')");
            }
            TestApp.await("the stalled one dropped", Duration.ofSeconds(10), () -> stalled.closed.get());
            TestApp.await("100 events at the reader", Duration.ofSeconds(10), () -> reader.count("test.burst") == 100);
            assertThat(reader.closed).isFalse();
            assertThat(hub.stats().dropped()).isEqualTo(1);
            // a stream of one thing (jobId 7) sees only that thing's events, whatever their type
            TestApp.await("the job's ten steps", Duration.ofSeconds(10), () -> otherScope.count("job.step") == 10);
            assertThat(otherScope.count("test.burst")).isZero();
        }
    }
}
