package dev.sightline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.sightline.SightlineApp;
import dev.sightline.simulator.Simulator;
import dev.sightline.store.Jdbc;

/**
 * Page analysis of 1,000 pages on 50 hosts of the simulated web, every response (robots.txt included) taking
 * 200 ms, at most 2 requests per host: ideal makespan (1 + ceil(20 / 2)) x 0.2 s = 2.2 s (each host's robots.txt,
 * then its 20 pages two at a time), measured from POST /api/jobs to the job's end. Before it, as in a running service
 * where page analysis follows each run: a run of 1,000 cells ({@code -Dbench.pages.run-prompts=250} prompts x 4
 * simulated providers, 0 for none) and 15 jobs of 1,000 pages on other hosts ({@code -Dbench.pages.warmups=N}, each
 * job on hosts of its own). A service that has analysed pages before runs them with compiled code; on two cores the
 * JVM's one C2 compiler thread is busy for most of a minute before it catches up with the routes, jsoup and pgjdbc
 * (after one warm-up job half of the app's CPU in the measured job was compiling), so fewer warm-up jobs measure the
 * compiler as much as page analysis. The JIT compiler's CPU in the measured job shows how warm the code was.
 */
final class PagesScenario {

    static final int PAGES = 1000;
    static final int HOSTS = 50;
    static final int PER_HOST = 2;
    static final double LATENCY = 0.2;

    private PagesScenario() {
    }

    static Map<String, Object> run() throws Exception {
        Path tmp = Files.createTempDirectory(Path.of("bench", "work").toAbsolutePath(), "pages-");
        Map<String, Object> r = new LinkedHashMap<>();
        SightlineApp app = null;
        try {
            // the prompts of the daily run that comes before (page analysis is queued after each run)
            int runPrompts = Integer.getInteger("bench.pages.run-prompts", 250);
            Path ws = Workloads.workspace(tmp, 5, runPrompts);
            int port = Scenario.freePort();
            Properties p = new Properties();
            p.setProperty("camel.server.port", String.valueOf(port));
            p.setProperty("sightline.node.id", "bench");
            p.setProperty("sightline.db.url", "");
            p.setProperty("sightline.db.embedded.dir", tmp.resolve("postgres").toString());
            p.setProperty("sightline.workspace.file", ws.toString());
            p.setProperty("sightline.api.bootstrap-token", Scenario.TOKEN);
            p.setProperty("sightline.schedule.enabled", "false");
            p.setProperty("sightline.simulator.enabled", "true");
            p.setProperty("sightline.fetch.simulated", "true");
            p.setProperty("sightline.simulator.web-latency", (int) (LATENCY * 1000) + "ms");
            p.setProperty("sightline.simulator.latency-median", "5ms");
            p.setProperty("sightline.simulator.latency-p99", "5ms");
            for (String provider : Scenario.ALL_PROVIDERS) {
                p.setProperty("sightline.providers." + provider + ".requests-per-minute", "100000");
            }
            p.setProperty("sightline.fetch.per-host", String.valueOf(PER_HOST));
            p.setProperty("sightline.fetch.max-concurrent", String.valueOf(HOSTS * PER_HOST));
            app = new SightlineApp(p);
            app.start();
            Simulator sim = app.bean(Simulator.class);
            Jdbc jdbc = app.bean(Jdbc.class);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            long w0 = System.nanoTime();
            if (runPrompts > 0) {
                long run = Scenario.trigger(port, "{\"promptTags\":[\"" + Workloads.WARMUP_TAG + "\"]}");
                r.put("warmupRunCells", Scenario.await(app, run, Duration.ofMinutes(5)).cellsTotal());
            }
            int warmups = Integer.getInteger("bench.pages.warmups", 15);
            for (int i = 0; i < warmups; i++) {
                awaitJob(jdbc, post(http, port, urls(i == 0 ? "warm" : "warm" + i, PAGES, HOSTS)));
            }
            r.put("warmupJobs", warmups);
            r.put("warmupSeconds", Scenario.secs(System.nanoTime() - w0));
            System.gc();

            List<String> urls = urls("site", PAGES, HOSTS);
            Path pgDir = tmp.resolve("postgres");
            Map<String, Double> threadsBefore = Procfs.threadCpuSeconds();
            Scenario.Cpu before = Scenario.Cpu.sample(pgDir);
            long wall0 = System.currentTimeMillis();
            long t0 = System.nanoTime();
            long job = post(http, port, urls);
            double posted = Scenario.secs(System.nanoTime() - t0);
            String status = awaitJob(jdbc, job);
            double makespan = Scenario.secs(System.nanoTime() - t0);
            Scenario.Cpu used = Scenario.Cpu.sample(pgDir).minus(before);
            Map<String, Double> threadsAfter = Procfs.threadCpuSeconds();
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpu.put("appSeconds", used.process());
            cpu.put("simulatedWebSeconds", used.simulator());
            cpu.put("postgresSeconds", used.postgres());
            cpu.put("appMsPerPage", used.process() * 1000 / PAGES);
            cpu.put("postgresMsPerPage", used.postgres() * 1000 / PAGES);
            // part of the app's CPU: compiling, not analysing (near zero once the JIT has converged)
            cpu.put("jitMsPerPage", Scenario.jitSeconds(threadsBefore, threadsAfter) * 1000 / PAGES);
            cpu.put("gcSeconds", used.gcSeconds());
            cpu.put("threadCpuSeconds", Scenario.topThreads(threadsBefore, threadsAfter));
            r.put("cpu", cpu);
            r.put("postSeconds", posted);
            // from the POST to the job's row (its transaction's start), and from its last item's end to its own
            r.put("storedAfterSeconds", jdbc.queryOne("SELECT extract(epoch FROM created_at)::float8 FROM job"
                    + " WHERE id = ?", rs -> rs.getDouble(1), job).orElseThrow() - wall0 / 1000.0);
            r.put("endedAfterLastItemSeconds", jdbc.queryOne("SELECT extract(epoch FROM j.finished_at"
                    + " - max(i.updated_at))::float8 FROM job j JOIN job_item i ON i.job_id = j.id WHERE j.id = ?"
                    + " GROUP BY j.finished_at", rs -> rs.getDouble(1), job).orElseThrow());
            // from the job's row to its first claim: what the start costs before any page is asked for
            r.put("startedAfterSeconds", jdbc.queryOne("SELECT extract(epoch FROM started_at - created_at)::float8"
                    + " FROM job WHERE id = ?", rs -> rs.getDouble(1), job).orElseThrow());
            // when the pages were done: the spread shows whether the end waited on a few stragglers
            r.put("doneAtSeconds", jdbc.query("""
                    SELECT percentile_cont(ARRAY[0.1, 0.5, 0.9, 1.0]) WITHIN GROUP (ORDER BY extract(epoch FROM
                           i.updated_at - j.created_at))::text FROM job_item i JOIN job j ON j.id = i.job_id
                     WHERE j.id = ?""", rs -> rs.getString(1), job));
            double ideal = (1 + Math.ceil((double) PAGES / HOSTS / PER_HOST)) * LATENCY;
            r.put("pages", PAGES);
            r.put("hosts", HOSTS);
            r.put("perHost", PER_HOST);
            r.put("latencySeconds", LATENCY);
            r.put("idealSeconds", ideal);
            r.put("makespanSeconds", makespan);
            r.put("ratio", makespan / ideal);
            r.put("status", status);
            long succeeded = jdbc.queryOne("SELECT count(*) FROM job_item WHERE job_id = ? AND status = 'succeeded'",
                    rs -> rs.getLong(1), job).orElseThrow();
            long stored = jdbc.queryOne("SELECT count(*) FROM page WHERE url LIKE 'https://site-%' AND error IS NULL",
                    rs -> rs.getLong(1)).orElseThrow();
            int most = sim.web().mostInFlightPerHost();
            Map<String, Object> checks = new LinkedHashMap<>();
            checks.put("succeeded", succeeded);
            checks.put("pagesStored", stored);
            checks.put("mostRequestsAtOnceOnOneHost", most);
            checks.put("ok", status.equals("succeeded") && succeeded == PAGES && stored == PAGES && most <= PER_HOST);
            r.put("checks", checks);
        } finally {
            if (app != null) {
                app.stop();
            }
            Workloads.deleteTree(tmp);
        }
        return r;
    }

    private static List<String> urls(String prefix, int n, int hosts) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("https://%s-%02d.example/articles/%d", prefix, i % hosts, i));
        }
        return out;
    }

    private static long post(HttpClient http, int port, List<String> urls) throws Exception {
        String body = Scenario.JSON.writeValueAsString(Map.of("kind", "page-analysis", "params",
                Map.of("urls", urls)));
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/jobs")).header("Authorization", "Bearer " + Scenario.TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 202) {
            throw new IllegalStateException("POST /api/jobs answered " + resp.statusCode() + ": " + resp.body());
        }
        return Scenario.JSON.readTree(resp.body()).get("id").asLong();
    }

    /** Polls the job's row every 10 ms until it is over. */
    private static String awaitJob(Jdbc jdbc, long id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            String s = jdbc.queryOne("SELECT status FROM job WHERE id = ?", rs -> rs.getString(1), id).orElseThrow();
            if (!s.equals("queued") && !s.equals("running")) {
                return s;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("job " + id + " not over after 5 minutes");
    }
}
