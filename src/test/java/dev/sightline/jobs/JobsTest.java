package dev.sightline.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sightline.simulator.Simulator;
import dev.sightline.testing.SseClient;
import dev.sightline.testing.TestApp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs end to end on the real application against the simulated web: the page analysis queued after a run, the
 * pages API and its metrics, events, idempotency, a cancel while pages are being fetched, the profile of a
 * simulated brand site and its application to the workspace file.
 */
class JobsTest {

    @TempDir
    static Path dir;
    static TestApp app;
    static Path workspaceFile;
    static long runId;

    @BeforeAll
    static void start() throws Exception {
        workspaceFile = dir.resolve("demo.yaml");
        Files.copy(Path.of("examples/demo.yaml"), workspaceFile);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("sightline.workspace.file", workspaceFile.toString());
        s.put("sightline.pages.enabled", "true");
        s.put("sightline.simulator.web-latency", "5ms");
        s.put("sightline.jobs.poll-interval", "100ms");
        s.put("sightline.jobs.retry-delay", "200ms");
        s.put("sightline.jobs.max-retry-delay", "1s");
        s.put("sightline.fetch.max-concurrent", "8");
        app = TestApp.start("jobs", s);
        runId = app.startRun("{\"providers\": [\"openai\", \"gemini\"]}");
        assertThat(app.awaitRun(runId, Duration.ofSeconds(60)).get("status").asText()).isEqualTo("completed");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static JsonNode awaitJob(long id, Duration timeout) {
        JsonNode[] last = {null};
        TestApp.await("job " + id + " to end", timeout, () -> {
            last[0] = app.get("/api/jobs/" + id).json();
            String s = last[0].get("status").asText();
            return !s.equals("queued") && !s.equals("running");
        });
        return last[0];
    }

    /** Runs {@code body} with the simulated web answering in {@code latency}; its latency is restored after. */
    static void withWebLatency(Duration latency, Consumer<Simulator> body) {
        Simulator sim = app.app().bean(Simulator.class);
        Duration before = sim.web().latency();
        sim.web().setLatency(latency);
        try {
            body.accept(sim);
        } finally {
            sim.web().setLatency(before);
        }
    }

    /** Posts a page analysis of these pages of {@code host} (https://host/N); returns the job's id. */
    static long pageJob(String host, int... pages) {
        List<String> urls = new ArrayList<>();
        for (int p : pages) {
            urls.add("\"https://" + host + "/" + p + "\"");
        }
        return app.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"urls\": ["
                + String.join(", ", urls) + "]}}").json().get("id").asLong();
    }

    /**
     * Posts a page analysis of three pages of {@code host} and waits until two are fetching (the host's limit) and the
     * third is reserved to take over the first slot that frees.
     */
    static long threePagesTwoFetchingOneReserved(String host) {
        long id = pageJob(host, 1, 2, 3);
        TestApp.await("two pages of " + host + " fetching and the third reserved", Duration.ofSeconds(10), () ->
                app.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'leased' AND NOT fetch_done",
                        id) == 2 && app.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'leased'"
                        + " AND fetch_done", id) == 1);
        return id;
    }

    static long pageJobOfRun() {
        long[] id = {0};
        TestApp.await("the page analysis queued after the run", Duration.ofSeconds(20), () -> {
            for (JsonNode j : app.get("/api/jobs?kind=page-analysis").json().get("jobs")) {
                if (j.get("params").path("runId").asLong() == runId) {
                    id[0] = j.get("id").asLong();
                    return true;
                }
            }
            return false;
        });
        return id[0];
    }

    @Test
    void aCompletedRunsCitedPagesAreAnalysedAndQueried() {
        long jobId = pageJobOfRun();
        JsonNode job = awaitJob(jobId, Duration.ofSeconds(90));
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.get("progress").asInt()).isEqualTo(100);
        JsonNode items = job.get("items");
        assertThat(items.get("total").asInt()).isPositive()
                .isEqualTo(items.get("succeeded").asInt() + items.get("failed").asInt());
        assertThat(items.get("failed").asInt()).isPositive();

        List<JsonNode> pages = new ArrayList<>();
        // (the pages of the run's cited URLs, not those another test of this class asked for)
        app.get("/api/pages?status=ok&limit=500").json().get("pages").forEach(p -> {
            if (!p.get("url").asText().startsWith("https://hand-")
                    && !p.get("url").asText().startsWith("https://mixed.example/")) {
                pages.add(p);
            }
        });
        assertThat(pages.size()).isEqualTo(items.get("succeeded").asInt());
        for (JsonNode p : pages) {
            assertThat(p.get("httpStatus").asInt()).isEqualTo(200);
            assertThat(p.get("contentType").asText()).isEqualTo("text/html");
            assertThat(p.get("title").asText()).isNotBlank();
            assertThat(p.get("language").asText()).isEqualTo("en-US");
            assertThat(p.get("wordCount").asInt()).isPositive();
            assertThat(p.get("pageType").asText()).isIn("listicle", "comparison", "review", "product", "docs",
                    "forum", "news", "other");
            // the times the workspace's answers cited the page (the URLs it was cited by), from the citation rows
            assertThat(p.get("citations").asLong()).isPositive().isEqualTo(app.count("""
                    SELECT count(*) FROM page g JOIN cited_url u ON u.url = ANY (g.cited_urls)
                      JOIN citation c ON c.url_id = u.id JOIN response s ON s.id = c.response_id
                      JOIN cell l ON l.id = s.cell_id JOIN run r ON r.id = l.run_id AND r.workspace_id = g.workspace_id
                     WHERE g.id = ?""", p.get("id").asLong()));
        }
        // a roundup: a listicle that states its date and ranks tracked entities in its own list
        JsonNode zapier = app.get("/api/pages?domain=zapier.com").json().get("pages").get(0);
        assertThat(zapier.get("pageType").asText()).isEqualTo("listicle");
        assertThat(zapier.get("publishedOn").isNull()).isFalse();
        assertThat(zapier.get("mentions").findValues("listRank")).anyMatch(r -> r.asInt() >= 1);
        // redirects are followed: TechRadar's old address leads to its new one
        for (JsonNode p : app.get("/api/pages?domain=techradar.com").json().get("pages")) {
            assertThat(p.get("finalUrl").asText()).contains("/pro/best-");
        }
        // failed pages keep their reason
        JsonNode failed = app.get("/api/pages?status=failed&limit=500").json().get("pages");
        assertThat(failed.findValuesAsText("error")).anyMatch(e -> e.startsWith("robots.txt disallows"));
        // filters and the two metrics
        JsonNode mentioning = app.get("/api/pages?mentions=pipedrive&limit=500").json().get("pages");
        assertThat(mentioning.size()).isPositive();
        mentioning.forEach(p -> assertThat(p.get("mentions").findValuesAsText("entity")).contains("Pipedrive"));
        JsonNode metrics = app.get("/api/pages/metrics").json();
        assertThat(metrics.get("mentioningBrand").asLong()).isEqualTo(mentioning.size());
        assertThat(metrics.get("competitorsNotBrand").asLong()).isPositive();
        JsonNode pitch = app.get("/api/pages?worthPitching=true&limit=500").json().get("pages");
        assertThat(pitch.size()).isPositive();
        pitch.forEach(p -> assertThat(p.get("mentions").findValuesAsText("kind")).contains("competitor")
                .doesNotContain("brand"));
        assertThat(app.get("/api/pages?mentions=Nobody").status()).isEqualTo(400);
        assertThat(app.get("/api/pages?type=blog").status()).isEqualTo(400);
        // the result and the events
        JsonNode result = app.get("/api/jobs/" + jobId + "/result").json();
        assertThat(result.get("worthPitching").size()).isPositive();
        assertThat(result.get("metrics").get("fetched").asLong()).isPositive();
        List<String> types = new ArrayList<>();
        app.get("/api/jobs/" + jobId + "/events").json().get("events").forEach(e -> types.add(e.get("type").asText()));
        assertThat(types.get(0)).as(app.get("/api/jobs/" + jobId + "/events").body()).isEqualTo("job.created");
        assertThat(types).contains("job.progress");
        assertThat(types.get(types.size() - 1)).isEqualTo("job.completed");
        // the same events as a server-sent event stream (what accepts text/event-stream), from the start
        try (SseClient stream = SseClient.open(app.baseUrl() + "/api/jobs/" + jobId + "/events",
                Map.of("Authorization", "Bearer " + TestApp.TOKEN, "Last-Event-ID", "0-0"))) {
            assertThat(stream.status()).isEqualTo(200);
            stream.await("job.completed", Duration.ofSeconds(20), f -> "job.completed".equals(f.event()));
            assertThat(stream.frames().stream().map(SseClient.Frame::event).filter(e -> e != null
                    && e.startsWith("job.")).toList()).isEqualTo(types);
            stream.frames().stream().filter(f -> f.event() != null)
                    .forEach(f -> assertThat(f.json().get("jobId").asLong()).isEqualTo(jobId));
        }
        try (SseClient unknown = SseClient.open(app.baseUrl() + "/api/jobs/987654321/events",
                Map.of("Authorization", "Bearer " + TestApp.TOKEN))) {
            assertThat(unknown.status()).isEqualTo(404);
        }
        try (SseClient anonymous = SseClient.open(app.baseUrl() + "/api/jobs/" + jobId + "/events", Map.of())) {
            assertThat(anonymous.status()).isEqualTo(401);
        }

        // the next analysis of the run fetches only what failed: fresh pages wait for sightline.pages.refresh
        JsonNode again = app.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"runId\": " + runId + "}}")
                .json();
        assertThat(again.get("items").get("total").asInt()).isEqualTo(failed.size());
        awaitJob(again.get("id").asLong(), Duration.ofSeconds(60));
    }

    @Test
    void badRequestsAreRefusedAndAnIdempotencyKeyReturnsTheSameJob() {
        assertThat(app.post("/api/jobs", "{\"kind\": \"crawl\"}").json().get("error").get("field").asText())
                .isEqualTo("kind");
        assertThat(app.post("/api/jobs", "{\"kind\": \"brand-profile\", \"params\": {}}").json().get("error")
                .get("field").asText()).isEqualTo("params.url");
        assertThat(app.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"urls\": [\"ftp://x\"]}}")
                .json().get("error").get("field").asText()).isEqualTo("params.urls[0]");
        assertThat(app.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"depth\": 3}}").json()
                .get("error").get("field").asText()).isEqualTo("params.depth");
        assertThat(app.get("/api/jobs/999999").status()).isEqualTo(404);

        String body = "{\"kind\": \"page-analysis\", \"params\": {\"urls\": [\"https://idem.example/a\"]}}";
        TestApp.Reply first = app.post("/api/jobs", body, Map.of("Idempotency-Key", "k-1"));
        TestApp.Reply second = app.post("/api/jobs", body, Map.of("Idempotency-Key", "k-1"));
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.json().get("id").asLong()).isEqualTo(first.json().get("id").asLong());
        TestApp.Reply other = app.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"urls\": "
                + "[\"https://idem.example/b\"]}}", Map.of("Idempotency-Key", "k-1"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(awaitJob(first.json().get("id").asLong(), Duration.ofSeconds(30)).get("status").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void aHostsPagesFollowEachOtherWithinItsLimitAndEachIsFetchedOnce() {
        withWebLatency(Duration.ofMillis(40), sim -> {
            List<String> urls = new ArrayList<>();
            for (String host : List.of("hand-a.example", "hand-b.example", "hand-c.example")) {
                for (int i = 1; i <= 8; i++) {
                    urls.add("\"https://" + host + "/page/" + i + "\"");
                }
            }
            long id = app.post("/api/jobs", "{\"kind\": \"page-analysis\", \"params\": {\"urls\": ["
                    + String.join(", ", urls) + "]}}").json().get("id").asLong();
            JsonNode job = awaitJob(id, Duration.ofSeconds(30));
            assertThat(job.get("status").asText()).isEqualTo("succeeded");
            assertThat(job.get("items").get("succeeded").asInt()).isEqualTo(24);
            assertThat(sim.web().mostInFlightPerHost()).isLessThanOrEqualTo(2);
            // robots.txt and each page once: no reservation was fetched twice or given up and fetched again
            for (String host : List.of("hand-a.example", "hand-b.example", "hand-c.example")) {
                assertThat(sim.web().served().get(host)).as(host).isEqualTo(9L);
            }
            assertThat(app.count("SELECT count(*) FROM page WHERE url LIKE 'https://hand-_.example/page/%'"
                    + " AND error IS NULL")).isEqualTo(24);
            assertThat(app.count("SELECT count(*) FROM job_item WHERE job_id = ? AND attempts <> 1", id)).isZero();
        });
    }

    /**
     * A page's fetch thread goes on with the reservation its page hands its slot to, but only with a page: a brand
     * profile reserved on the same host (a brand site that answers cite) goes through the item queue to its own
     * steps, never read and stored as a cited page.
     */
    @Test
    void aBrandProfileReservedBehindPagesOfItsHostIsProfiledNotStoredAsAPage() {
        String host = "mixed.example";
        // the host's robots.txt is read (and cached) first, so that each later request starts when it is claimed
        withWebLatency(Duration.ofMillis(50), sim -> {
            awaitJob(pageJob(host, 0), Duration.ofSeconds(30));
            // one slot is held by a slow page; the other goes to a page of 400 ms, with the next page reserved behind it
            sim.web().setLatency(Duration.ofSeconds(3));
            long slowJob = pageJob(host, 1);
            TestApp.await("the slow page asked for", Duration.ofSeconds(10),
                    () -> Long.valueOf(3).equals(sim.web().served().get(host)));
            sim.web().setLatency(Duration.ofMillis(400));
            long pagesJob = pageJob(host, 2, 3);
            TestApp.await("a page of " + host + " fetching and the next reserved", Duration.ofSeconds(10), () ->
                    app.count("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'leased' AND fetch_done",
                            pagesJob) == 1);
            long profileJob = app.post("/api/jobs", "{\"kind\": \"brand-profile\", \"params\": {\"url\": "
                    + "\"https://" + host + "/\"}}").json().get("id").asLong();
            // the first page's end hands its slot to the second and reserves the profile, which takes the second's
            // slot when it ends 400 ms later (the slow page still holds the other)
            TestApp.await("the profile reserved behind the pages", Duration.ofSeconds(10), () -> app.count(
                    "SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'leased' AND fetch_done",
                    profileJob) == 1);
            assertThat(awaitJob(pagesJob, Duration.ofSeconds(30)).get("status").asText()).isEqualTo("succeeded");
            JsonNode profile = awaitJob(profileJob, Duration.ofSeconds(60));
            assertThat(profile.get("status").asText()).as(profile.toString()).isEqualTo("succeeded");
            assertThat(app.get("/api/jobs/" + profileJob + "/result").json().path("proposal").isObject()).isTrue();
            assertThat(awaitJob(slowJob, Duration.ofSeconds(30)).get("status").asText()).isEqualTo("succeeded");
            assertThat(app.count("SELECT count(*) FROM page WHERE url LIKE 'https://" + host + "/%'")).isEqualTo(4);
        });
    }

    @Test
    void aJobCancelledWhileItsPagesAreFetchedStopsAtOnce() {
        withWebLatency(Duration.ofSeconds(30), sim -> {
            long id = threePagesTwoFetchingOneReserved("slow.example");
            long t0 = System.nanoTime();
            TestApp.Reply cancel = app.post("/api/jobs/" + id + "/cancel", null);
            assertThat(cancel.status()).isEqualTo(202);
            JsonNode job = awaitJob(id, Duration.ofSeconds(10));
            assertThat(job.get("status").asText()).isEqualTo("cancelled");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(job.get("items").get("cancelled").asInt()).isEqualTo(3);
            assertThat(app.count("SELECT count(*) FROM page WHERE url LIKE 'https://slow.example/%'")).isZero();
            List<String> types = new ArrayList<>();
            app.get("/api/jobs/" + id + "/events").json().get("events").forEach(e -> types.add(e.get("type").asText()));
            assertThat(types).endsWith("job.cancelled");
            assertThat(app.post("/api/jobs/" + id + "/cancel", null).status()).isEqualTo(409);
        });
    }

    /**
     * The lease heartbeat reads the items this node holds, then extends their leases: a reservation claimed in
     * between was not asked about and is kept (it was taken for lost and dropped from the node while its lease
     * stayed in the database, so nobody fetched that page until the lease expired a minute later); a reservation
     * whose lease really went to someone else is dropped.
     */
    @Test
    void aReservationClaimedWhileLeasesAreExtendedIsKeptAndOneWhoseLeaseIsGoneIsDropped() {
        withWebLatency(Duration.ofSeconds(30), sim -> {
            JobDispatcher dispatcher = app.app().bean(JobDispatcher.class);
            long id = threePagesTwoFetchingOneReserved("lease.example");
            long reservation = app.count("SELECT id FROM job_item WHERE job_id = ? AND status = 'leased' AND fetch_done",
                    id);
            List<JobItemClaim> mine = dispatcher.held().stream().filter(c -> c.jobId() == id).toList();
            assertThat(mine).hasSize(3);
            // what a heartbeat read before the reservation was claimed
            List<JobItemClaim> before = mine.stream().filter(c -> c.itemId() != reservation).toList();
            dispatcher.heartbeat(before);
            assertThat(dispatcher.held().stream().filter(c -> c.jobId() == id)).hasSize(3);

            // the reservation's lease went to another node (its token changed): the next heartbeat lets it go
            assertThat(app.count("WITH u AS (UPDATE job_item SET lease_token = gen_random_uuid() WHERE id = ?"
                    + " RETURNING id) SELECT count(*) FROM u", reservation)).isEqualTo(1);
            dispatcher.heartbeat(dispatcher.held());
            assertThat(dispatcher.held().stream().filter(c -> c.jobId() == id).map(JobItemClaim::itemId))
                    .hasSize(2).doesNotContain(reservation);

            // the other node gives it back, so the job can be cancelled without waiting for that lease
            app.sql("UPDATE job_item SET status = 'pending', lease_owner = NULL, lease_token = NULL,"
                    + " lease_until = NULL WHERE id = " + reservation);
            assertThat(app.post("/api/jobs/" + id + "/cancel", null).status()).isEqualTo(202);
            assertThat(awaitJob(id, Duration.ofSeconds(10)).get("status").asText()).isEqualTo("cancelled");
        });
    }

    @Test
    void theProfileOfASimulatedBrandSiteIsProposedAndAppliedToTheWorkspaceFile() throws Exception {
        awaitJob(pageJobOfRun(), Duration.ofSeconds(90));
        long id = app.post("/api/jobs", "{\"kind\": \"brand-profile\", \"params\": {\"url\": "
                + "\"https://www.pipedrive.com\"}}").json().get("id").asLong();
        JsonNode job = awaitJob(id, Duration.ofSeconds(60));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("succeeded");
        List<String> steps = new ArrayList<>();
        app.get("/api/jobs/" + id + "/events").json().get("events").forEach(e -> steps.add(e.get("payload")
                .path("step").asText()));
        assertThat(steps).contains("Fetching home page", "Fetching pricing page", "Reading stored answers",
                "Reading cited pages", "Proposing the profile");

        JsonNode result = app.get("/api/jobs/" + id + "/result").json();
        JsonNode brand = result.get("proposal").get("brand");
        assertThat(brand.get("name").asText()).isEqualTo("Pipedrive");
        assertThat(brand.get("aliases").toString()).contains("Pipedrive CRM").doesNotContain("Pricing");
        assertThat(brand.get("domains").get(0).asText()).isEqualTo("pipedrive.com");
        assertThat(result.get("category").asText()).isEqualTo("CRM software");
        assertThat(result.get("products").size()).isGreaterThanOrEqualTo(2);
        result.get("products").forEach(p -> assertThat(p.asText()).startsWith("Pipedrive "));
        assertThat(result.get("pagesRead").size()).isBetween(2, 11);
        JsonNode evidence = result.get("competitorEvidence");
        assertThat(evidence.findValuesAsText("name")).contains("HubSpot");
        JsonNode proposed = result.get("proposal").get("competitors");
        assertThat(proposed.size()).isPositive();
        assertThat(result.get("yaml").asText()).contains("brand:", "competitors:");

        String newcomer = proposed.get(0).get("name").asText();
        TestApp.Reply applied = app.post("/api/workspace/apply-profile", "{\"jobId\": " + id + "}");
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);
        assertThat(applied.json().get("changes").get("competitorsAdded").toString()).contains(newcomer);
        String file = Files.readString(workspaceFile);
        assertThat(file).contains(newcomer).contains("What is the best CRM for a 10-person startup?");
        assertThat(Path.of(applied.json().get("backup").asText())).exists();
        assertThat(app.count("SELECT count(*) FROM entity WHERE name = ? AND active AND kind = 'competitor'",
                newcomer)).isEqualTo(1);
        // applying it again changes nothing
        JsonNode again = app.post("/api/workspace/apply-profile", "{\"jobId\": " + id + "}").json();
        assertThat(again.get("changed").asBoolean()).isFalse();
        assertThat(app.post("/api/workspace/apply-profile", "{}").status()).isEqualTo(400);
        assertThat(app.post("/api/workspace/apply-profile", "{\"profile\": {\"competitors\": [{\"name\": 3}]}}")
                .json().get("error").get("field").asText()).isEqualTo("profile.competitors[0].name");

        // names that look like numbers or booleans stay names: the file reads back at the next start
        TestApp.Reply numeric = app.post("/api/workspace/apply-profile",
                "{\"profile\": {\"competitors\": [{\"name\": \"0x11\"}, {\"name\": \"17\"}, {\"name\": \"no\","
                        + " \"aliases\": [\"1e3\"]}]}}");
        assertThat(numeric.status()).as(numeric.body()).isEqualTo(200);
        var reread = dev.sightline.workspace.WorkspaceFile.read(workspaceFile);
        assertThat(reread.competitors()).extracting(dev.sightline.workspace.WorkspaceFile.EntityDef::name)
                .contains("0x11", "17", "no");
        assertThat(reread.competitors().stream().filter(c -> c.name().equals("no")).findFirst().orElseThrow()
                .aliases()).contains("1e3");
        // each change keeps its own backup: the first one is still there
        assertThat(Path.of(applied.json().get("backup").asText())).exists();
        assertThat(Path.of(numeric.json().get("backup").asText())).exists()
                .isNotEqualTo(Path.of(applied.json().get("backup").asText()));
        assertThat(app.count("SELECT count(*) FROM entity WHERE name IN ('0x11', '17', 'no') AND active")).isEqualTo(3);
    }
}
