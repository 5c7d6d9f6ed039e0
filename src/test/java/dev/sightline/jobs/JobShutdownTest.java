package dev.sightline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sightline.simulator.Simulator;
import dev.sightline.testing.TestApp;

/**
 * A node that stops gracefully in the middle of a page analysis gives back what it holds without spending an attempt:
 * the pages it was fetching (aborted) and the page it had reserved for the host's next free slot, so another node, or
 * this one when it starts again, fetches each of them as if it had never been claimed.
 */
class JobShutdownTest {

    @Test
    void aStoppingNodeReturnsItsFetchesAndItsReservationsUnspent() {
        TestApp app = TestApp.start("jobstop", Map.of("sightline.jobs.poll-interval", "100ms"));
        boolean closed = false;
        try {
            app.app().bean(Simulator.class).web().setLatency(Duration.ofSeconds(30));
            long id = app.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"urls\": ["
                    + "\"https://stop.example/1\", \"https://stop.example/2\", \"https://stop.example/3\"]}}")
                    .json().get("id").asLong();
            TestApp.await("two fetches under way and the third page reserved", Duration.ofSeconds(10), () ->
                    app.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'leased' AND NOT fetch_done",
                            id) == 2 && app.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'leased'"
                            + " AND fetch_done", id) == 1);

            long t0 = System.nanoTime();
            app.close();
            closed = true;
            // the fetches are aborted, not waited for (each would take 30 s)
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(app.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'pending'"
                    + " AND attempts = 0 AND lease_owner IS NULL", id))
                    .as("items %s", app.rows("SELECT id, status, attempts, fetch_done, lease_owner, last_error"
                            + " FROM job_item WHERE job_id = ? ORDER BY id", id)).isEqualTo(3);
            assertThat(app.count("SELECT count(*) FROM job WHERE id = ? AND status = 'running'", id)).isEqualTo(1);
            assertThat(app.count("SELECT count(*) FROM page WHERE url LIKE 'https://stop.example/%'")).isZero();
        } finally {
            if (!closed) {
                app.close();
            }
        }
    }

    /**
     * A claim whose transaction was running when the node began to stop: the stop had already read what the node
     * holds, so the claim itself returns what it leased (it was kept, sent to fetch, and held until its lease
     * expired).
     */
    @Test
    void aClaimThatEndsWhileTheNodeStopsReturnsWhatItLeased() {
        TestApp app = TestApp.start("jobstopclaim", Map.of("sightline.jobs.poll-interval", "100ms"));
        try {
            app.app().bean(Simulator.class).web().setLatency(Duration.ofSeconds(30));
            JobDispatcher dispatcher = app.app().bean(JobDispatcher.class);
            dispatcher.afterClaim = () -> {
                if (app.count("SELECT count(*) FROM job_item WHERE status = 'leased'") > 0) {
                    dispatcher.stop();
                }
            };
            long id = app.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"urls\": ["
                    + "\"https://claimstop.example/1\", \"https://claimstop.example/2\","
                    + " \"https://claimstop.example/3\"]}}").json().get("id").asLong();
            TestApp.await("the items claimed and returned", Duration.ofSeconds(10), () -> app.count(
                    "SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'pending' AND attempts = 0"
                    + " AND last_error LIKE '%shut down'", id) == 2);
            assertThat(dispatcher.held()).isEmpty();
            assertThat(app.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'leased'", id)).isZero();
        } finally {
            app.close();
        }
    }
}
