package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;
import dev.sightline.testing.TestPostgres;

/**
 * A node dies (SIGKILL) in the middle of a page analysis shared with a survivor: the items it held expire (3 s),
 * the survivor's rescuer returns them and runs them, and the job succeeds with every page stored once.
 */
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
