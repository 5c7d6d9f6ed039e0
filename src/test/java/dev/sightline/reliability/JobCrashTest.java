package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/**
 * Two nodes share a page analysis within each host's limit of requests at a time, reservations and hand-overs
 * included; then a node dies (SIGKILL) in the middle of one: the items it held expire (3 s), the survivor's rescuer
 * returns them and runs them, and the job succeeds with every page stored once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobCrashTest {

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("job-crash", TestPostgres.newDatabase("jobcrash"), 2, false, Map.of(), Map.of(
                "sightline.jobs.lease-duration", "3s",
                "sightline.jobs.poll-interval", "200ms",
                "sightline.jobs.retry-delay", "200ms",
                "sightline.fetch.max-concurrent", "4",
                "sightline.fetch.simulated", "true"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void twoNodesShareAJobAndNeverAskAHostForMoreThanItsLimitAtOnce() {
        List<Node> two = cluster.nodes("share-a", "share-b");
        try {
            // both nodes fetch from the one simulated web, which counts a host's requests whoever sends them
            cluster.simulator().web().setLatency(Duration.ofMillis(100));
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 36; i++) {
                urls.add("\"https://shared" + (i % 3) + ".example/page/" + i + "\"");
            }
            Node.Reply created = two.get(0).post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": "
                    + "{\"urls\": " + urls + "}}");
            assertThat(created.status()).as(created.body()).isEqualTo(202);
            long jobId = cluster.count("SELECT max(id) FROM job");
            // 8 fetch slots on the two nodes for 3 hosts x 2: the hosts' limits, not the slots, hold them back
            Set<String> owners = new HashSet<>();
            TestApp.await("the shared job to end", Duration.ofSeconds(60), () -> {
                owners.addAll(cluster.db().query("SELECT DISTINCT lease_owner FROM job_item WHERE job_id = ?"
                        + " AND lease_owner IS NOT NULL", rs -> rs.getString(1), jobId));
                return cluster.count("SELECT count(*) FROM job WHERE id = ? AND status IN ('queued', 'running')",
                        jobId) == 0;
            });
            assertThat(owners).containsExactlyInAnyOrder("share-a", "share-b");
            assertThat(cluster.db().queryOne("SELECT status FROM job WHERE id = ?", rs -> rs.getString(1), jobId))
                    .contains("succeeded");
            assertThat(cluster.simulator().web().mostInFlightPerHost()).isLessThanOrEqualTo(2);
            for (int h = 0; h < 3; h++) {
                // robots.txt once per node at most, each page once
                assertThat(cluster.simulator().web().served().get("shared" + h + ".example")).isBetween(13L, 14L);
            }
            assertThat(cluster.count("SELECT count(*) FROM page WHERE url LIKE 'https://shared_.example/page/%'"
                    + " AND error IS NULL")).isEqualTo(36);
            assertThat(cluster.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'leased'", jobId))
                    .isZero();
        } finally {
            two.forEach(Node::terminate);
            two.forEach(n -> n.awaitExit(Duration.ofSeconds(30)));
        }
    }

    @Test
    @Order(2)
    void aKilledNodesJobItemsAreRescuedAndTheJobSucceeds() {
        // slow pages, so the victim holds items when it dies
        cluster.simulator().web().setLatency(Duration.ofMillis(700));
        Node survivor = cluster.node("node-a");
        Node victim = cluster.node("node-killed");
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            urls.add("\"https://host" + (i % 10) + ".example/page/" + i + "\"");
        }
        Node.Reply created = survivor.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"urls\": "
                + urls + "}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        long jobId = cluster.count("SELECT max(id) FROM job");
        TestApp.await("the victim to hold job items mid-job", Duration.ofSeconds(60), () -> cluster.count(
                "SELECT count(*) FROM job_item WHERE job_id = ? AND lease_owner = 'node-killed'", jobId) >= 2
                && cluster.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'succeeded'", jobId) >= 4);

        victim.kill();
        List<Long> orphaned = cluster.ids(
                "SELECT id FROM job_item WHERE job_id = ? AND status = 'leased' AND lease_owner = 'node-killed'", jobId);
        assertThat(orphaned).isNotEmpty();

        TestApp.await("the job to end", Duration.ofSeconds(90), () -> !List.of("queued", "running").contains(
                cluster.db().queryOne("SELECT status FROM job WHERE id = ?", rs -> rs.getString(1), jobId).orElseThrow()));
        assertThat(cluster.db().queryOne("SELECT status FROM job WHERE id = ?", rs -> rs.getString(1), jobId))
                .contains("succeeded");
        survivor.awaitLog("Returned \\d+ job items with expired leases to the queue", Duration.ofSeconds(5));
        assertThat(cluster.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'succeeded'", jobId))
                .isEqualTo(40);
        // one page per URL, each stored by the attempt that held the lease
        assertThat(cluster.count("SELECT count(*) FROM page WHERE url LIKE 'https://host%.example/page/%'"))
                .isEqualTo(40);
        assertThat(cluster.count("SELECT count(*) FROM page WHERE error IS NOT NULL")).isZero();
        for (long item : orphaned) {
            assertThat(cluster.count("SELECT attempts FROM job_item WHERE id = ?", item)).as("attempts of item %d", item)
                    .isGreaterThanOrEqualTo(2);
        }
        assertThat(cluster.count("SELECT count(*) FROM job_item WHERE status = 'leased'")).isZero();
        List<String> events = cluster.db().query("SELECT type FROM event WHERE job_id = ? ORDER BY txid, id",
                rs -> rs.getString(1), jobId);
        assertThat(events.get(0)).isEqualTo("job.created");
        assertThat(events.stream().filter(e -> e.equals("job.completed")).count()).isEqualTo(1);
        cluster.assertInvariants();
    }
}
