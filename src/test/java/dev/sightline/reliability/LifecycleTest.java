package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.simulator.SimWorld;
import dev.sightline.simulator.Simulator;
import dev.sightline.simulator.SimulatorSettings;
import dev.sightline.testing.TestApp;

/**
 * A run's life as a user meets it on the command line, with the real entry point in child JVMs started from a
 * folder of their own (no ./application.properties, ./routes or ./sql there: the jar's own are used) and the
 * embedded PostgreSQL in that folder: SIGTERM with calls in flight, an interrupted --once, the next --once, the
 * start-up token and --create-token against a running service. Every child shares the test JVM's simulator
 * (sightline.simulator.url), so each cell's calls can be counted across processes.
 */
class LifecycleTest {

    static Simulator simulator;

    @BeforeAll
    static void start() {
        Map<String, String> s = Map.of("sightline.simulator.day", "2026-11-20",
                "sightline.simulator.latency-median", "6s", "sightline.simulator.latency-p99", "6s");
        simulator = Simulator.start(SimulatorSettings.fromProperties(k -> Optional.ofNullable(s.get(k))),
                SimWorld.Source.of(new SimWorld("CRM software", List.of())));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static Path folder(String name) {
        try {
            Path dir = Path.of("target", "lifecycle", name).toAbsolutePath();
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node with its embedded database in {@code dir}; the service when {@code args} is empty. */
    private static Node launch(Path dir, String id, int port, List<String> args, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.server.port", Integer.toString(port));
        p.put("sightline.simulator.url", simulator.origin());
        p.put("sightline.schedule.enabled", "false");
        p.put("sightline.schedule.scheduler-name", "lifecycle-" + dir.getFileName());
        p.put("sightline.dispatch.poll-interval", "100ms");
        p.put("sightline.shutdown.grace", "20s");
        p.putAll(extra);
        return Node.launch(id, port, p, dir.resolve(id + ".log"), dir, args);
    }

    @Test
    void sigtermStoresTheCallsInFlightBeforeTheEmbeddedDatabaseStops() {
        Path dir = folder("sigterm");
        simulator.reset();
        int port = freePort();
        Node first = launch(dir, "first", port, List.of(),
                Map.of("sightline.api.bootstrap-token", TestApp.TOKEN)).awaitReady(Duration.ofSeconds(90));
        long runId = first.startRun("{\"promptTags\":[\"topic:pricing\"]}");
        TestApp.await("calls in flight", Duration.ofSeconds(30),
                () -> first.get("/api/runs/" + runId).json().get("counts").get("leased").asInt() >= 8);
        first.terminate();
        assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
        String log = first.logText();
        assertThat(log).doesNotContain("Connection is not available").doesNotContain("\tat ")
                .doesNotContain(" ERROR ").doesNotContain(" WARN ");

        Node second = launch(dir, "second", port, List.of(),
                Map.of("sightline.api.bootstrap-token", TestApp.TOKEN)).awaitReady(Duration.ofSeconds(90));
        TestApp.await("the run to complete", Duration.ofSeconds(60),
                () -> second.get("/api/runs/" + runId).json().get("status").asText().equals("completed"));
        // every call the first node made was stored before its database stopped: no cell was called twice
        assertThat(simulator.requestsPerCell().values()).hasSize(12).allMatch(n -> n == 1);

        long t0 = System.nanoTime();
        second.terminate();
        assertThat(second.awaitExit(Duration.ofSeconds(10))).isZero();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("stop with nothing in flight, SIGTERM to exit: %.2f s%n", seconds);
        assertThat(seconds).as("stop with nothing in flight").isLessThan(2.0);
        assertThat(second.logText()).doesNotContain(" WARN ").doesNotContain(" ERROR ").doesNotContain("\tat ");
    }

    @Test
    void anInterruptedOnceCancelsItsRunAndTheNextOnceNamesARunItLeftBehind() {
        Path dir = folder("once");
        simulator.reset();
        List<String> once = List.of("--once", "--tags", "topic:pricing");
        Node interrupted = launch(dir, "interrupted", 0, once, Map.of());
        interrupted.awaitLog("cells done", Duration.ofSeconds(90));
        TestApp.await("calls in flight", Duration.ofSeconds(20), () -> !simulator.requestsPerCell().isEmpty());
        interrupted.interrupt();
        assertThat(interrupted.awaitExit(Duration.ofSeconds(30))).isEqualTo(4);
        assertThat(interrupted.logText()).contains("Interrupted: run 1 cancelled").contains("Run 1 cancelled");

        // a --once killed outright leaves its run running; the next one finishes it and says so
        Node killed = launch(dir, "killed", 0, once, Map.of());
        killed.awaitLog("cells done", Duration.ofSeconds(90));
        killed.kill();
        killed.awaitExit(Duration.ofSeconds(10));
        Node next = launch(dir, "next", 0, List.of("--once", "--tags", "topic:crm", "--providers", "openai"),
                Map.of("sightline.lease.duration", "4s"));
        int exit = next.awaitExit(Duration.ofSeconds(120));
        assertThat(next.logText()).contains("Runs [2] of an earlier process were left running")
                .containsPattern("Earlier run 2 \\(left running by an earlier process\\): ");
        assertThat(exit).isZero();
    }

    @Test
    void aServicePrintsATokenUntilOneWasShownAndCreateTokenWorksAgainstItsRunningDatabase() {
        Path dir = folder("tokens");
        Node once = launch(dir, "once", 0, List.of("--once", "--tags", "topic:pricing", "--providers", "openai"),
                Map.of("sightline.simulator.url", "", "sightline.simulator.latency-median", "5ms",
                        "sightline.simulator.latency-p99", "5ms"));
        assertThat(once.awaitExit(Duration.ofSeconds(120))).isZero();
        assertThat(once.logText()).doesNotContain("API token");

        int port = freePort();
        Node service = launch(dir, "service", port, List.of(), Map.of()).awaitReady(Duration.ofSeconds(90));
        service.awaitLog("API token for workspace 'pipedrive-demo' \\(shown once, store it\\): sl_",
                Duration.ofSeconds(10));
        String printed = service.logGroups("\\(shown once, store it\\): (sl_[A-Za-z0-9_-]+)").get(0);
        assertThat(service.getWithToken("/api/runs", printed).status()).isEqualTo(200);

        Node create = launch(dir, "create-token", 0, List.of("--create-token", "pipedrive-demo", "--name", "ci"),
                Map.of());
        assertThat(create.awaitExit(Duration.ofSeconds(60))).isZero();
        String token = create.logGroups("(?m)^(sl_[A-Za-z0-9_-]+)$").stream().findFirst().orElseThrow();
        assertThat(create.logText()).doesNotContain("Embedded PostgreSQL on").doesNotContain("imported");
        assertThat(service.getWithToken("/api/runs", token).status()).isEqualTo(200);
        service.terminate();
        service.awaitExit(Duration.ofSeconds(30));

        Node again = launch(dir, "again", port, List.of(), Map.of()).awaitReady(Duration.ofSeconds(90));
        assertThat(again.logText()).doesNotContain("API token for workspace");
        again.terminate();
        again.awaitExit(Duration.ofSeconds(30));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
