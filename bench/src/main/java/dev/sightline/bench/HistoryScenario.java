package dev.sightline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.sightline.SightlineApp;
import dev.sightline.retention.IndexCompaction;
import dev.sightline.store.Jdbc;
import dev.sightline.testing.HistoryCopy;

/**
 * A year of history (issue 18): 500 prompts on 7 providers daily, 3,500 answers a day. Three real runs go through
 * the pipeline (simulated providers, each run on a different simulator day so the answers differ), get the first
 * three run dates of the year, and are copied forward day by day (HistoryCopy: every key remapped) to 30, then 180,
 * then 365 days, in the order a deployment accumulates them: each day after the one before, its answers recorded by
 * rollup_record (the procedure the analysis route calls) in batches of the analysis route's size, in the order they
 * were stored. Tables and indexes then fill as they would in production (copying days backwards, as this scenario
 * did before, inserts every day's rollup rows before the days already there, a pattern no deployment produces). At
 * each size the database size is recorded and every dashboard endpoint is timed over HTTP (p50, p95 of sequential
 * calls after a warm-up), the newest day of the history being "today"; at 365 days also with 10 concurrent clients.
 */
final class HistoryScenario {

    static final int PROMPTS = Integer.getInteger("bench.history.prompts", 500);
    static final int[] STAGES = Arrays.stream(System.getProperty("bench.history.days", "30,180,365").split(","))
            .mapToInt(s -> Integer.parseInt(s.strip())).toArray();
    static final int CALLS = Integer.getInteger("bench.history.calls", 40);
    static final int CLIENTS = 10;
    /** {@code -Dbench.history.rebuild=false} leaves out the timing of --rebuild-rollups (13 minutes at a year). */
    static final boolean REBUILD = !"false".equals(System.getProperty("bench.history.rebuild", "").strip());
    /** Three more providers on the simulator's kinds, other models: 7 answers per prompt and day. */
    static final Map<String, String[]> EXTRA_PROVIDERS = Map.of(
            "openai-mini", new String[] {"openai-chat", "gpt-4.1-mini"},
            "claude-sonnet", new String[] {"anthropic", "claude-sonnet-4-5"},
            "gemini-flash", new String[] {"gemini", "gemini-2.5-flash"});

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    static Map<String, Object> run() throws Exception {
        String reuse = System.getProperty("bench.history.reuse", "");
        return reuse.isBlank() ? new HistoryScenario().measure() : new HistoryScenario().remeasure(Path.of(reuse));
    }

    /**
     * {@code -Dbench.history.reuse=<dir>}: times the endpoints again on a history kept by
     * {@code -Dbench.history.keep=true} (its folder: the workspace file and postgres/), without building it again —
     * for query changes. The kept database was migrated by the build; checksums of migrations edited since are
     * realigned first (Flyway repair), as a developer would.
     */
    private Map<String, Object> remeasure(Path dir) throws Exception {
        Path pgDir = dir.resolve("postgres");
        try (dev.sightline.store.EmbeddedDatabase db = dev.sightline.store.EmbeddedDatabase.start(pgDir, 0)) {
            org.flywaydb.core.Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                    .locations("filesystem:sql").table("schema_history").load().repair();
        }
        SightlineApp app = start(dir.resolve("workspace.yaml"), pgDir, "2026-11-20");
        try {
            Jdbc jdbc = app.bean(Jdbc.class);
            LocalDate today = jdbc.queryOne("SELECT max(run_date) FROM run", rs -> rs.getObject(1, LocalDate.class))
                    .orElseThrow();
            long latestRun = jdbc.queryOne("SELECT id FROM run WHERE run_date = ? ORDER BY id DESC LIMIT 1",
                    rs -> rs.getLong(1), today).orElseThrow();
            int days = jdbc.queryOne("SELECT count(DISTINCT run_date)::int FROM run", rs -> rs.getInt(1)).orElseThrow();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("reused", dir.toString());
            d.put("answers", jdbc.queryOne("SELECT count(*) FROM answer_fact", rs -> rs.getLong(1)).orElseThrow());
            d.put("databaseBytes", jdbc.queryOne("SELECT pg_database_size(current_database())",
                    rs -> rs.getLong(1)).orElseThrow());
            d.put("tableBytes", tableBytes(jdbc));
            Map<String, String> endpoints = endpoints(today, days, latestRun);
            d.put("endpoints", time(endpoints));
            d.put("concurrent", concurrent(endpoints));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("days", Map.of(String.valueOf(days), d));
            r.put("databaseBytes", d.get("databaseBytes"));
            System.out.printf(Locale.ROOT, "history: %d days (reused), %s%n", days, d.get("endpoints"));
            return r;
        } finally {
            app.stop();
        }
    }

    private Map<String, Object> measure() throws Exception {
        Path tmp = Files.createTempDirectory(Path.of("bench", "work").toAbsolutePath(), "history-");
        Path pgDir = tmp.resolve("postgres");
        Path ws = Workloads.workspace(tmp, PROMPTS, 0);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("prompts", PROMPTS);
        r.put("providers", 4 + EXTRA_PROVIDERS.size());
        List<Long> templates = new ArrayList<>();
        SightlineApp app = null;
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                app = start(ws, pgDir, "2026-11-" + (18 + i));
                templates.add(trigger());
                awaitTerminal(app, templates.get(i));
                if (i < 2) {
                    app.stop();
                }
            }
            r.put("realRunsSeconds", Scenario.secs(System.nanoTime() - t0));
            Jdbc jdbc = app.bean(Jdbc.class);
            long workspace = jdbc.queryOne("SELECT workspace_id FROM run WHERE id = ?", rs -> rs.getLong(1),
                    templates.get(0)).orElseThrow();
            LocalDate today = jdbc.queryOne("SELECT run_date FROM run WHERE id = ?",
                    rs -> rs.getObject(1, LocalDate.class), templates.get(0)).orElseThrow();
            r.put("answersPerDay", jdbc.queryOne("SELECT count(*) FROM answer_fact WHERE run_id = ?",
                    rs -> rs.getLong(1), templates.get(0)).orElseThrow());
            // the real runs are the first three days of the history, their rollups rebuilt for those dates
            LocalDate first = today.minusDays(STAGES[STAGES.length - 1] - 1);
            for (int i = 0; i < 3; i++) {
                jdbc.update("UPDATE run SET run_date = ? WHERE id = ?", first.plusDays(i), templates.get(i));
            }
            jdbc.inTransaction(c -> Jdbc.update(c, "CALL rollup_rebuild(?)", workspace));

            Map<String, Object> days = new LinkedHashMap<>();
            r.put("days", days);
            int built = 3;
            for (int stage : STAGES) {
                long b0 = System.nanoTime();
                double[] rollupSteps = extend(jdbc, app.bean(IndexCompaction.class), templates, first, built, stage);
                built = stage;
                LocalDate last = first.plusDays(stage - 1);
                jdbc.update("VACUUM ANALYZE");
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("buildSeconds", Scenario.secs(System.nanoTime() - b0));
                // the analysis route's rollup step (rollup_record) for each batch of the newest day
                d.put("rollupStep", percentiles(rollupSteps));
                d.put("answers", jdbc.queryOne("SELECT count(*) FROM answer_fact", rs -> rs.getLong(1)).orElseThrow());
                d.put("databaseBytes", jdbc.queryOne("SELECT pg_database_size(current_database())",
                        rs -> rs.getLong(1)).orElseThrow());
                d.put("tableBytes", tableBytes(jdbc));
                long latestRun = jdbc.queryOne("SELECT id FROM run WHERE run_date = ? ORDER BY id DESC LIMIT 1",
                        rs -> rs.getLong(1), last).orElseThrow();
                Map<String, String> endpoints = endpoints(last, stage, latestRun);
                d.put("endpoints", time(endpoints));
                if (stage == STAGES[STAGES.length - 1]) {
                    d.put("concurrent", concurrent(endpoints));
                }
                if (stage == STAGES[STAGES.length - 1] && REBUILD) {
                    long rebuild0 = System.nanoTime();
                    jdbc.inTransaction(c -> Jdbc.update(c, "CALL rollup_rebuild(?)", workspace));
                    d.put("rebuildRollupsSeconds", Scenario.secs(System.nanoTime() - rebuild0));
                }
                days.put(String.valueOf(stage), d);
                r.put("databaseBytes", d.get("databaseBytes"));
                System.out.printf(Locale.ROOT, "history: %d days, %.1f GB, %s%n", stage,
                        ((Number) d.get("databaseBytes")).doubleValue() / 1e9, d.get("endpoints"));
            }
            return r;
        } finally {
            if (app != null) {
                app.stop();
            }
            if (Boolean.getBoolean("bench.history.keep")) {
                System.out.println("history: database kept in " + pgDir);
            } else {
                Workloads.deleteTree(tmp);
            }
        }
    }

    private SightlineApp start(Path workspace, Path pgDir, String simulatorDay) throws Exception {
        port = Scenario.freePort();
        Properties p = Scenario.appProperties(port, workspace, pgDir, simulatorDay, "0");
        List<String> names = new ArrayList<>(Scenario.ALL_PROVIDERS);
        EXTRA_PROVIDERS.forEach((name, kindModel) -> {
            p.setProperty("sightline.providers." + name + ".kind", kindModel[0]);
            p.setProperty("sightline.providers." + name + ".model", kindModel[1]);
            names.add(name);
        });
        for (String name : names) {
            p.setProperty("sightline.providers." + name + ".requests-per-minute", "100000");
            p.setProperty("sightline.providers." + name + ".consumers", "5");
        }
        // -Dbench.history.app="key=value;key=value": app settings to compare (e.g. sightline.api.read-slots=64)
        for (String kv : System.getProperty("bench.history.app", "").split(";")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                p.setProperty(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        SightlineApp app = new SightlineApp(p);
        app.start();
        return app;
    }

    private long trigger() throws Exception {
        HttpResponse<String> resp = http.send(request("/api/runs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 202) {
            throw new IllegalStateException("POST /api/runs answered " + resp.statusCode() + ": " + resp.body());
        }
        return Scenario.JSON.readTree(resp.body()).get("id").asLong();
    }

    private static void awaitTerminal(SightlineApp app, long runId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        Jdbc jdbc = app.bean(Jdbc.class);
        while (System.nanoTime() < deadline) {
            String status = jdbc.queryOne("SELECT status FROM run WHERE id = ?", rs -> rs.getString(1), runId)
                    .orElseThrow();
            if (!status.equals("running")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("run " + runId + " not terminal");
    }

    /** The analysis route's largest batch (routes/pipeline/50-analysis.yaml, completionSize). */
    private static final int BATCH = 250;

    /**
     * Days {@code from..to-1} after the first, oldest first, each a copy of the real run of the same day modulo 3,
     * recorded in batches of the analysis route's size; after each day the rollups' keys are rebuilt if due, as the
     * service's hourly look ({@code compact-rollup-keys}) does between its daily runs.
     */
    private static double[] extend(Jdbc jdbc, IndexCompaction compaction, List<Long> templates, LocalDate first,
                                   int from, int to) {
        List<Double> lastDay = new ArrayList<>();
        for (int day = from; day < to; day++) {
            List<Long> ids = HistoryCopy.copy(jdbc, List.of(templates.get(day % 3)), List.of(first.plusDays(day)));
            lastDay.clear();
            for (int j = 0; j < ids.size(); j += BATCH) {
                List<Long> batch = ids.subList(j, Math.min(ids.size(), j + BATCH));
                long t0 = System.nanoTime();
                jdbc.inTransaction(c -> Jdbc.update(c, "CALL rollup_record(?::bigint[])", batch));
                lastDay.add((System.nanoTime() - t0) / 1e6);
            }
            compaction.compactIfDue();
        }
        return lastDay.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Map<String, String> endpoints(LocalDate today, int days, long latestRun) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("metrics", "/api/metrics");
        e.put("metricsDayLast30", "/api/metrics?groupBy=day&from=" + today.minusDays(29) + "&to=" + today);
        e.put("metricsProvider", "/api/metrics?groupBy=provider");
        e.put("metricsTag", "/api/metrics?groupBy=tag");
        e.put("citedDomains", "/api/citations/domains");
        e.put("runReport", "/api/runs/" + latestRun + "/report");
        e.put("runs", "/api/runs?limit=50");
        // whatever from/to and groupBy: every day of the history, every prompt, a range with ragged edges
        e.put("metricsDayAll", "/api/metrics?groupBy=day");
        e.put("metricsPrompt", "/api/metrics?groupBy=prompt");
        e.put("metricsProviderRagged", "/api/metrics?groupBy=provider&from=" + today.minusDays(days - 3) + "&to="
                + today.minusDays(Math.min(days - 3, 11)));
        return e;
    }

    private Map<String, Object> time(Map<String, String> endpoints) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : endpoints.entrySet()) {
            for (int i = 0; i < 5; i++) {
                call(e.getValue());
            }
            double[] ms = new double[CALLS];
            for (int i = 0; i < CALLS; i++) {
                ms[i] = call(e.getValue());
            }
            out.put(e.getKey(), percentiles(ms));
        }
        return out;
    }

    /** 10 clients, each calling the endpoints round-robin (from a different start) for 20 s. */
    private Map<String, Object> concurrent(Map<String, String> endpoints) throws Exception {
        List<String> names = new ArrayList<>(endpoints.keySet());
        Map<String, List<Double>> samples = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.getInteger("bench.history.seconds", 20));
        for (int c = 0; c < CLIENTS; c++) {
            int offset = c;
            pool.submit(() -> {
                int i = offset;
                while (System.nanoTime() < end) {
                    String name = names.get(i++ % names.size());
                    double ms = call(endpoints.get(name));
                    samples.computeIfAbsent(name, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                            .add(ms);
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.MINUTES);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clients", CLIENTS);
        List<Double> all = new ArrayList<>();
        Map<String, Object> per = new LinkedHashMap<>();
        for (String name : names) {
            List<Double> s = samples.getOrDefault(name, List.of());
            all.addAll(s);
            per.put(name, percentiles(s.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        out.put("all", percentiles(all.stream().mapToDouble(Double::doubleValue).toArray()));
        out.put("endpoints", per);
        return out;
    }

    private double call(String path) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> resp = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t) / 1e6;
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + resp.statusCode() + ": " + resp.body());
        }
        return ms;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + Scenario.TOKEN).timeout(Duration.ofMinutes(5));
    }

    static Map<String, Object> percentiles(double[] ms) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (ms.length == 0) {
            return m;
        }
        double[] s = ms.clone();
        Arrays.sort(s);
        m.put("calls", s.length);
        m.put("p50Ms", s[(int) Math.ceil(0.50 * s.length) - 1]);
        m.put("p95Ms", s[(int) Math.ceil(0.95 * s.length) - 1]);
        m.put("maxMs", s[s.length - 1]);
        return m;
    }

    private static Map<String, Object> tableBytes(Jdbc jdbc) {
        Map<String, Object> m = new LinkedHashMap<>();
        jdbc.query("""
                SELECT c.relname, pg_total_relation_size(c.oid) AS bytes FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind = 'r'
                 ORDER BY bytes DESC LIMIT 12""", rs -> m.put(rs.getString(1), rs.getLong(2)));
        return m;
    }

}
