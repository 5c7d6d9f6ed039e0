package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * PostgreSQL goes away for 20 s in the middle of a run and comes back on the same port with the same data. The node
 * logs it, its HTTP side keeps answering (health 503 degraded, promptly, then 200 up), its pool reconnects by itself,
 * and the run completes with every guarantee intact. The test runs its own PostgreSQL (fixed data directory and
 * port) so it can stop and start it.
 */
class DatabaseOutageTest {

    static final Duration OUTAGE = Duration.ofSeconds(20);
    static Path dataDir;
    static int port;
    static EmbeddedPostgres postgres;
    static Cluster cluster;

    @BeforeAll
    static void start() {
        dataDir = Path.of("target", "reliability", "outage-pgdata").toAbsolutePath();
        port = Cluster.freePort();
        deleteRecursively(dataDir);
        postgres = startPostgres();
        cluster = Cluster.start("outage", "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres", 10, false,
                Map.of("sightline.simulator.latency-median", "300ms", "sightline.simulator.latency-p99", "600ms"),
                Map.of("sightline.dispatch.consumers", "2"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theNodeRidesOutADatabaseOutageAndTheRunCompletes() {
        Node node = cluster.node("node-1");
        long runId = node.startRun("{\"samples\":3}");
        long total = cluster.count("SELECT cells_total FROM run WHERE id = ?", runId);
        TestApp.await("the run to be under way", Duration.ofSeconds(30), () ->
                cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId) >= 8);

        stopPostgres();
        long down = System.nanoTime();
        node.awaitLog("Database unavailable while", Duration.ofSeconds(15));
        // health keeps answering, and says so
        Node.Reply degraded = awaitHealth(node, 503, Duration.ofSeconds(15));
        assertThat(degraded.json().get("status").asText()).isEqualTo("degraded");
        // the token cannot be checked without the database: the summary only, no details
        assertThat(degraded.json().properties()).hasSize(1);
        long asked = System.nanoTime();
        Node.Reply again = node.tryGet("/api/health", Duration.ofSeconds(5));
        assertThat(again).as("health answers within 5 s while the database is down").isNotNull();
        assertThat(again.status()).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
        assertThat(node.alive()).isTrue();

        long left = OUTAGE.toNanos() - (System.nanoTime() - down);
        Node.pause(Math.max(0, left / 1_000_000));
        // while it was down, the node never claimed it was back
        assertThat(node.logLines("Database reachable again")).as("recoveries logged during the outage").isEmpty();
        postgres = startPostgres();

        Node.Reply up = awaitHealth(node, 200, Duration.ofSeconds(30));
        assertThat(up.json().get("status").asText()).isEqualTo("up");
        node.awaitLog("Database reachable again", Duration.ofSeconds(15));

        assertThat(cluster.awaitRun(runId, Duration.ofSeconds(90))).isEqualTo("completed");
        assertThat(cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId))
                .isEqualTo(total);
        cluster.assertOneResponsePerCell(runId);
        // the API works again on the same node
        assertThat(node.get("/api/runs/" + runId).json().get("status").asText()).isEqualTo("completed");
        cluster.assertInvariants();
    }

    private static Node.Reply awaitHealth(Node node, int status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Node.Reply last = null;
        while (System.nanoTime() < deadline) {
            last = node.tryGet("/api/health", Duration.ofSeconds(12));
            if (last != null && last.status() == status) {
                return last;
            }
            Node.pause(250);
        }
        throw new AssertionError("health did not answer " + status + " within " + timeout + "; last: "
                + (last == null ? "no answer" : last.status() + " " + last.body()) + "\n" + node.tail(20));
    }

    /** Keeps its data directory when stopped (a clean one would be deleted on close), so a restart has the data. */
    private static EmbeddedPostgres startPostgres() {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL on port " + port, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stopPostgres() {
        try {
            postgres.close();
            postgres = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
