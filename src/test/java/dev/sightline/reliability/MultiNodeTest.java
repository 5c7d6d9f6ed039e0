package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.sightline.testing.TestPostgres;

/**
 * Three nodes on one database. A run started over HTTP on one node is shared by all three: every cell completes,
 * each is stored once and called once. The answers are quick (30-100 ms) and the cells many (300), so the nodes'
 * claims collide often: that is what would show claims that overlap. Quartz runs clustered: a cron firing every
 * 5 s fires each slot on exactly one node (its slots are observed while the run goes on).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeTest {

    static Cluster cluster;
    static List<Node> nodes;
    static Instant allReady;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("multi-node", TestPostgres.newDatabase("multi_node"), 15, false,
                Map.of("sightline.simulator.latency-median", "30ms", "sightline.simulator.latency-p99", "100ms"),
                Map.of("sightline.schedule.enabled", "true", "sightline.schedule.cron", "0/5 * * * * ?",
                        "sightline.dispatch.consumers", "5", "sightline.dispatch.poll-interval", "50ms"));
        nodes = cluster.nodes("node-1", "node-2", "node-3");
        allReady = Instant.now();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aRunStartedOnOneNodeIsSharedByAllAndEveryCellIsCalledAndStoredOnce() {
        long runId = nodes.get(0).startRun("{\"promptTags\":[\"topic:crm\"],\"samples\":10}");
        long total = cluster.count("SELECT cells_total FROM run WHERE id = ?", runId);
        assertThat(total).isEqualTo(15 * 2 * 10);

        // who holds leases while the run goes on: every node takes part
        Set<String> owners = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.runStatus(runId).equals("running") && System.nanoTime() < deadline) {
            owners.addAll(cluster.db().query("SELECT DISTINCT lease_owner FROM cell WHERE run_id = ? AND status = 'leased'",
                    rs -> rs.getString(1), runId));
            Node.pause(30);
        }
        assertThat(cluster.awaitRun(runId, Duration.ofSeconds(30))).isEqualTo("completed");
        assertThat(owners).as("nodes seen holding leases of the run").containsExactlyInAnyOrder("node-1", "node-2", "node-3");

        // the run as every node reports it
        for (Node n : nodes) {
            var run = n.get("/api/runs/" + runId).json();
            assertThat(run.get("status").asText()).isEqualTo("completed");
            assertThat(run.get("counts").get("succeeded").asLong()).isEqualTo(total);
        }
        cluster.assertOneResponsePerCell(runId);
        Map<Long, Integer> calls = cluster.simulator().requestsPerCell();
        Map<Long, Integer> notOnce = new TreeMap<>();
        for (long cell : cluster.ids("SELECT id FROM cell WHERE run_id = ?", runId)) {
            if (calls.getOrDefault(cell, 0) != 1) {
                notOnce.put(cell, calls.getOrDefault(cell, 0));
            }
        }
        assertThat(notOnce).as("cells not called exactly once (cell=calls)").isEmpty();
        assertThat(cluster.count("SELECT count(*) FROM cell WHERE run_id = ? AND attempts <> 1", runId)).isZero();
        // and no node ever thought it had lost a lease
        for (Node n : nodes) {
            assertThat(n.logLines("were taken over by other nodes")).as("lost leases logged by %s", n.id()).isEmpty();
        }

        var report = nodes.get(2).get("/api/admin/invariants");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.json().get("ok").asBoolean()).as(report.body()).isTrue();
        cluster.assertInvariants();
    }

    @Test
    @Order(2)
    void clusteredQuartzFiresEachSlotOnExactlyOneNode() {
        // observe at least three slots after every node is up and has joined the cluster
        Instant from = allReady.plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        Instant until = from.plusSeconds(16);
        while (Instant.now().isBefore(until.plusSeconds(2))) {
            Node.pause(500);
        }
        // slot -> the nodes that fired it
        Map<Instant, List<String>> fired = new TreeMap<>();
        for (Node n : nodes) {
            for (String slot : n.logGroups("Schedule slot (\\S+) fired")) {
                fired.computeIfAbsent(Instant.parse(slot), k -> new ArrayList<>()).add(n.id());
            }
        }
        List<Instant> expected = new ArrayList<>();
        for (Instant t = Instant.ofEpochSecond((from.getEpochSecond() + 4) / 5 * 5); t.isBefore(until); t = t.plusSeconds(5)) {
            expected.add(t);
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
        for (Instant slot : expected) {
            assertThat(fired.get(slot)).as("nodes that fired the slot %s (all firings: %s)", slot, fired).hasSize(1);
        }
        fired.forEach((slot, by) -> assertThat(by).as("slot %s", slot).hasSize(1));
        // and the idempotency key turns the firings of one day into one run
        assertThat(cluster.count("SELECT count(*) FROM run WHERE trigger = 'schedule'"))
                .isEqualTo(fired.keySet().stream().map(t -> t.toString().substring(0, 10)).distinct().count());
        cluster.assertInvariants();
    }
}
