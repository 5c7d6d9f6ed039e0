package dev.sightline.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.sightline.SightlineApp;
import dev.sightline.provider.Provider;
import dev.sightline.run.Run;
import dev.sightline.simulator.FaultProfile;
import dev.sightline.simulator.Simulator;

/**
 * One measurement in its own JVM (started by {@link Bench}): boots the real app on an embedded PostgreSQL in a
 * temporary directory (the same code path as a user's {@code sightline.db.url} left empty, durability on) with the
 * built-in simulator, triggers a run over the REST API, waits for the run to be terminal, checks that every cell
 * succeeded with exactly one call, and writes what it measured as JSON.
 *
 * <p>Usage: {@code Scenario <name> <result.json>}; names: efficiency, streams, overhead, memory, ratelimit, analyzer,
 * peer, pages, history, experiment, dataset.
 */
public final class Scenario {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String TOKEN = "bench-token-0123456789abcdef";
    static final List<String> ALL_PROVIDERS = List.of("openai", "anthropic", "gemini", "perplexity");

    /** What a pipeline measurement asks of the app. */
    record Spec(String name, int prompts, int samples, List<String> providers, int consumers, String latency,
                int requestsPerMinute, boolean coldRun, int warmupPrompts, int warmupRounds) {
        int cells() {
            return prompts * samples * providers.size();
        }
    }

    static Spec spec(String name) {
        int unbound = 100_000; // requests/minute that never bind in these runs
        return switch (name) {
            // 4 x 250 cells, 5 consumers each, 400 ms: ideal makespan ceil(250/5) x 0.4 s = 20 s; "streams" is the
            // same run while 1,000 clients (another JVM) follow the workspace's event stream
            case "efficiency", "streams" -> new Spec(name, 250, 1, ALL_PROVIDERS, 5, "400ms", unbound, true, 250, 3);
            // the same 4 x 250 as an experiment (4 models x 250 dataset rows, rule graders): the same ideal
            case "experiment" -> new Spec(name, 250, 1, ALL_PROVIDERS, 5, "400ms", unbound, true, 250, 3);
            // importing a dataset of 100,000 rows (about 50 MB of CSV); no provider is called
            case "dataset" -> new Spec(name, 28, 1, ALL_PROVIDERS, 5, "0", unbound, false, 0, 0);
            // 20,000 cells with no provider latency: what the pipeline itself costs
            // (after warm-up runs of the same shape on other prompts of the same kind: see warmupPrompts)
            case "overhead" -> new Spec(name, 5_000, 1, ALL_PROVIDERS, Integer.getInteger("bench.consumers", 5),
                    "0", unbound, false, Integer.getInteger("bench.warmup.prompts", 2_500),
                    Integer.getInteger("bench.warmup.rounds", 6));
            // 100,000 cells (5,000 prompts x 4 providers x 5 samples) to watch the app's peak RSS
            case "memory" -> new Spec(name, 5_000, 5, ALL_PROVIDERS, Integer.getInteger("bench.consumers", 5),
                    "0", unbound, false, 0, 0);
            // one provider limited to 120/min; 361 = 3 x 120 + 1 cells: an exact limiter lets cell 361 out 180 s
            // after cell 1, however it spreads the requests within the minute
            case "ratelimit" -> new Spec(name, Integer.getInteger("bench.ratelimit.prompts", 361), 1,
                    List.of("openai"), 5, "20ms", 120, false, 0, 0);
            // a quick end-to-end check of the harness and of what the pipeline writes (not in the results)
            case "smoke" -> new Spec(name, 100, 1, ALL_PROVIDERS, 5, "0", unbound, false, 0, 0);
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        };
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        Path out = Path.of(args[1]);
        Map<String, Object> result;
        if (name.equals("analyzer")) {
            result = AnalyzerScenario.run();
        } else if (name.equals("peer")) {
            result = PeerScenario.run();
        } else if (name.equals("pages")) {
            result = PagesScenario.run();
        } else if (name.equals("history")) {
            result = HistoryScenario.run();
        } else if (name.equals("experiment")) {
            result = new ExperimentScenario(new Scenario(spec(name))).run();
        } else if (name.equals("dataset")) {
            result = new DatasetScenario(new Scenario(spec(name))).run();
        } else {
            result = new Scenario(spec(name)).run();
        }
        result.put("vmHwmMb", Procfs.vmHwmMb(ProcessHandle.current().pid()));
        result.put("jvm", ManagementFactory.getRuntimeMXBean().getInputArguments());
        JSON.writeValue(out.toFile(), result);
        System.exit(0); // non-daemon threads of a stopped app must not keep the JVM
    }

    private final Spec spec;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The app's HTTP port (set before {@link #overrides} is read). */
    int port;

    Scenario(Spec spec) {
        this.spec = spec;
    }

    Map<String, Object> run() throws Exception {
        Path tmp = Files.createTempDirectory(Path.of("bench", "work").toAbsolutePath(), spec.name() + "-");
        Path pgDir = tmp.resolve("postgres");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", spec.name());
        r.put("cells", spec.cells());
        r.put("prompts", spec.prompts());
        r.put("samples", spec.samples());
        r.put("providers", spec.providers());
        r.put("consumersPerProvider", spec.consumers());
        r.put("simulatorLatency", spec.latency());
        r.put("requestsPerMinute", spec.requestsPerMinute());
        SightlineApp app = null;
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres statsDb = null;
        int streams = spec.name().equals("streams") ? Integer.getInteger("bench.streams", 1000) : 0;
        r.put("streams", streams);
        StreamClientsProcess clients = null;
        try {
            Path ws = Workloads.workspace(tmp, spec.prompts(), spec.warmupPrompts());
            port = freePort();
            Properties props = overrides(ws, pgDir);
            String pgstat = System.getProperty("bench.pgstat", "false");
            if (!pgstat.equals("false")) {
                // profiling: the same PostgreSQL and durability as the app's embedded one, plus pg_stat_statements
                // (-Dbench.pgstat=all: the statements inside functions and procedures too)
                statsDb = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(pgDir)
                        .setCleanDataDirectory(true).setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on").setServerConfig("max_connections", "200")
                        .setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain")
                        .setServerConfig("pg_stat_statements.track", pgstat.equals("all") ? "all" : "top")
                        // and the plans of statements over 0.3 s in the PostgreSQL log (bench/work/<name>-postgres.log)
                        .setServerConfig("auto_explain.log_min_duration", "300ms")
                        .setServerConfig("auto_explain.log_nested_statements", "on")
                        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(
                                Path.of("bench", "work", spec.name() + "-postgres.log").toFile())).start();
                try (var c = statsDb.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
                    st.execute("CREATE EXTENSION pg_stat_statements");
                }
                props.setProperty("sightline.db.url", statsDb.getJdbcUrl("postgres", "postgres"));
                props.setProperty("sightline.db.user", "postgres");
            }
            app = new SightlineApp(props);
            long bootStart = System.nanoTime();
            app.start();
            r.put("startupSeconds", secs(System.nanoTime() - bootStart));
            SightlineApp parts = app;
            Simulator sim = parts.bean(dev.sightline.simulator.Simulator.class);

            String measured = "{\"samples\":" + spec.samples() + ",\"promptTags\":[\"" + Workloads.MEASURED_TAG + "\"]}";
            if (spec.coldRun()) {
                // what a user's first run after start sees: nothing compiled by the JIT yet
                long c0 = System.nanoTime();
                await(parts, trigger(measured), Duration.ofMinutes(10));
                r.put("coldMakespanSeconds", secs(System.nanoTime() - c0));
            }
            if (streams > 0) {
                // the clients connect before the warm-up rounds, so the fan-out is compiled by the JIT as the rest is
                clients = StreamClientsProcess.start(port, streams);
                r.put("streamsOpened", clients.opened());
            }
            if (spec.warmupPrompts() > 0) {
                // a service that has been running: warm the JIT with the same pipeline at no provider latency, on
                // prompts of the same kind that the measured run does not ask (answers it has not seen yet)
                Map<String, FaultProfile> profiles = new LinkedHashMap<>();
                for (Provider p : parts.bean(dev.sightline.provider.ProviderRegistry.class).enabled()) {
                    String kind = p.settings().kind();
                    profiles.put(kind, sim.faults(kind));
                    sim.setFaults(kind, sim.faults(kind).withLatency(Duration.ZERO, Duration.ZERO));
                }
                String warmup = "{\"promptTags\":[\"" + Workloads.WARMUP_TAG + "\"]}";
                long w0 = System.nanoTime();
                List<Map<String, Object>> rounds = new java.util.ArrayList<>();
                for (int i = 0; i < spec.warmupRounds(); i++) {
                    rounds.add(warmupRound(parts, warmup, spec.warmupPrompts() * spec.providers().size()));
                }
                profiles.forEach(sim::setFaults);
                int cells = spec.warmupRounds() * spec.warmupPrompts() * spec.providers().size();
                if (spec.coldRun()) {
                    // and once at the measured latency: code compiled for answers at once is deoptimised when they
                    // take 400 ms, and the JIT would recompile during the measurement
                    rounds.add(warmupRound(parts, warmup, spec.warmupPrompts() * spec.providers().size()));
                    cells += spec.warmupPrompts() * spec.providers().size();
                }
                r.put("warmupCells", cells);
                r.put("warmupSeconds", secs(System.nanoTime() - w0));
                r.put("warmupRounds", rounds);
            }
            sim.reset();
            System.gc();

            if (statsDb != null) {
                parts.bean(dev.sightline.store.Jdbc.class).queryOne("SELECT pg_stat_statements_reset()", rs -> 0);
            }
            Map<String, Double> threadsBefore = Procfs.threadCpuSeconds();
            Map<String, Double> javaBefore = Procfs.javaThreadCpuSeconds();
            Cpu before = Cpu.sample(pgDir);
            long t0 = System.nanoTime();
            long runId = trigger(measured);
            long triggered = System.nanoTime();
            Run done = await(parts, runId, Duration.ofMinutes(30));
            long t1 = System.nanoTime();
            Cpu after = Cpu.sample(pgDir);
            Map<String, Double> threadsAfter = Procfs.threadCpuSeconds();
            Map<String, Double> javaAfter = Procfs.javaThreadCpuSeconds();

            double makespan = secs(t1 - t0);
            r.put("runId", runId);
            r.put("runStatus", done.status());
            r.put("triggerSeconds", secs(triggered - t0));
            r.put("makespanSeconds", makespan);
            r.put("cellsPerSecond", spec.cells() / makespan);
            Cpu used = after.minus(before);
            r.put("appCpuSeconds", used.process);
            r.put("simulatorCpuSeconds", used.simulator);
            r.put("postgresCpuSeconds", used.postgres);
            r.put("appCpuMsPerCell", used.process * 1000 / spec.cells());
            r.put("appCpuMsPerCellWithoutSimulator", (used.process - used.simulator) * 1000 / spec.cells());
            r.put("postgresCpuMsPerCell", used.postgres * 1000 / spec.cells());
            r.put("threadCpuSeconds", topThreads(threadsBefore, threadsAfter));
            // the JIT compiler threads: near zero once the app has reached steady state
            r.put("jitCpuMsPerCell", jitSeconds(threadsBefore, threadsAfter) * 1000 / spec.cells());
            r.put("javaThreadCpuSeconds", topThreads(javaBefore, javaAfter));
            r.put("gcCount", used.gcCount);
            r.put("gcSeconds", used.gcSeconds);
            Map<String, Object> checks = checks(parts, runId, sim);
            if (clients != null) {
                Map<String, Object> seen = clients.result(runId);
                seen.put("completedLastAfterFinishMillis", ((Number) seen.get("completedLastMillis")).longValue()
                        - done.finishedAt().toEpochMilli());
                seen.put("completedMedianAfterFinishMillis", ((Number) seen.get("completedMedianMillis")).longValue()
                        - done.finishedAt().toEpochMilli());
                r.put("streamClients", seen);
                var hub = parts.bean(dev.sightline.events.EventHub.class).stats();
                r.put("hub", Map.of("streams", hub.streams(), "dropped", hub.dropped(),
                        "notifications", hub.notifications()));
                checks.put("everyStreamCompleted", ((Number) seen.get("receivedCompleted")).intValue() == streams);
                checks.put("everyStreamSawEveryCell", ((Number) seen.get("cellsSeenMin")).intValue() == spec.cells());
                checks.put("ok", Boolean.TRUE.equals(checks.get("ok")) && Boolean.TRUE.equals(
                        checks.get("everyStreamCompleted")) && Boolean.TRUE.equals(checks.get("everyStreamSawEveryCell")));
            }
            r.put("checks", checks);
            r.put("timeline", timeline(parts, runId));
            if (spec.name().equals("ratelimit")) {
                rateLimit(r, sim);
            }
            if (statsDb != null) {
                r.put("statements", parts.bean(dev.sightline.store.Jdbc.class).query("""
                        SELECT calls, round(total_exec_time::numeric, 1) AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS q
                          FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15""",
                        rs -> rs.getLong("calls") + " calls, " + rs.getBigDecimal("ms") + " ms: " + rs.getString("q")));
            }
            return r;
        } finally {
            if (clients != null) {
                clients.close();
            }
            if (app != null) {
                app.stop();
            }
            if (statsDb != null) {
                statsDb.close();
            }
            Workloads.deleteTree(tmp);
        }
    }

    /** The app on its embedded database in {@code pgDir}, every provider simulated at a fixed latency. */
    static Properties appProperties(int port, Path workspace, Path pgDir, String simulatorDay, String latency) {
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("sightline.node.id", "bench");
        p.setProperty("sightline.db.url", "");
        p.setProperty("sightline.db.embedded.dir", pgDir.toString());
        p.setProperty("sightline.workspace.file", workspace.toString());
        p.setProperty("sightline.api.bootstrap-token", TOKEN);
        p.setProperty("sightline.schedule.enabled", "false");
        p.setProperty("sightline.simulator.enabled", "true");
        p.setProperty("sightline.simulator.day", simulatorDay);
        p.setProperty("sightline.simulator.latency-median", latency);
        p.setProperty("sightline.simulator.latency-p99", latency);
        return p;
    }

    Properties overrides(Path workspace, Path pgDir) {
        Properties p = appProperties(port, workspace, pgDir, "2026-11-20", spec.latency());
        for (String name : ALL_PROVIDERS) {
            String k = "sightline.providers." + name + ".";
            if (spec.providers().contains(name)) {
                p.setProperty(k + "requests-per-minute", String.valueOf(spec.requestsPerMinute()));
                p.setProperty(k + "consumers", String.valueOf(spec.consumers()));
            } else {
                p.setProperty(k + "enabled", "false");
            }
        }
        if (spec.name().equals("streams")) {
            // the 1,000 stream clients run in one JVM, so they share one address, as clients behind a reverse proxy
            // do: the per-address connection limit is raised as README says to do there
            int clients = Integer.getInteger("bench.streams", 1000);
            p.setProperty("sightline.http.max-connections-per-client", String.valueOf(clients + 64));
            p.setProperty("sightline.http.max-connections", String.valueOf(clients + 1000));
        }
        // anything else from the command line (-Dsightline.x=y, -Dcamel.x=y) is the app's own business
        return p;
    }

    private long trigger(String body) throws IOException, InterruptedException {
        return trigger(http, port, body);
    }

    /** Starts a run through the API ({@code body}: POST /api/runs's) and returns its id. */
    static long trigger(int port, String body) throws IOException, InterruptedException {
        return trigger(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), port, body);
    }

    private static long trigger(HttpClient http, int port, String body) throws IOException, InterruptedException {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 202) {
            throw new IllegalStateException("POST /api/runs answered " + resp.statusCode() + ": " + resp.body());
        }
        JsonNode json = JSON.readTree(resp.body());
        return json.get("id").asLong();
    }

    /** Polls the run's row every 10 ms: terminal is when the finalizer says so (every cell done and analysed). */
    static Run await(SightlineApp parts, long runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long ws = parts.bean(dev.sightline.workspace.ImportedWorkspaces.class).defaultWorkspace().id();
        while (System.nanoTime() < deadline) {
            // an experiment's run too
            Run run = parts.bean(dev.sightline.run.RunRepository.class).findAnyKind(ws, runId).orElseThrow();
            if (run.isTerminal()) {
                return run;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("run " + runId + " not terminal after " + timeout);
    }

    /** The run did what it should: every cell succeeded after exactly one call, every response analysed. */
    private Map<String, Object> checks(SightlineApp parts, long runId, Simulator sim) {
        var jdbc = parts.bean(dev.sightline.store.Jdbc.class);
        Map<String, Object> c = new LinkedHashMap<>();
        long succeeded = count(jdbc, "SELECT count(*) FROM cell WHERE run_id = ? AND status = 'succeeded'", runId);
        long responses = count(jdbc, "SELECT count(*) FROM response s JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ?", runId);
        long analysed = count(jdbc, "SELECT count(*) FROM analysis a JOIN response s ON s.id = a.response_id "
                + "JOIN cell c ON c.id = s.cell_id WHERE c.run_id = ? AND a.error IS NULL", runId);
        long retried = count(jdbc, "SELECT count(*) FROM cell WHERE run_id = ? AND attempts <> 1", runId);
        long served = 0;
        for (Provider p : parts.bean(dev.sightline.provider.ProviderRegistry.class).enabled()) {
            served += sim.served(p.settings().kind());
        }
        c.put("succeeded", succeeded);
        c.put("responses", responses);
        c.put("analysed", analysed);
        c.put("cellsWithMoreThanOneAttempt", retried);
        c.put("simulatorServed", served);
        // order-independent fingerprints of the derived rows, to compare what two versions of the code wrote
        c.put("mentionRows", jdbc.queryOne("""
                SELECT coalesce(count(*) || ' rows, mentioned ' || count(*) FILTER (WHERE m.mentioned) || ', count ' || sum(m.mention_count)
                       || ', rank ' || coalesce(sum(m.list_rank), 0) || ', order ' || coalesce(sum(m.mention_order), 0)
                       || ', sentiments ' || count(m.sentiment) || ', score ' || round(coalesce(sum(m.sentiment_score), 0)::numeric, 6)
                       || ', evidence chars ' || sum(length(m.evidence::text)), 'none')
                  FROM mention m JOIN response s ON s.id = m.response_id JOIN cell c ON c.id = s.cell_id
                 WHERE c.run_id = ?""", rs -> rs.getString(1), runId).orElse(""));
        c.put("citationRows", jdbc.queryOne("""
                SELECT coalesce(count(*) || ' rows, owned ' || count(t.entity_id) || ', markers ' || coalesce(sum(t.marker), 0)
                       || ', positions ' || sum(t.position) || ', url chars ' || sum(length(u.url) + length(t.domain))
                       || ', ' || string_agg(DISTINCT t.owner || '/' || t.source, ','), 'none')
                  FROM citation t JOIN cited_url u ON u.id = t.url_id JOIN response s ON s.id = t.response_id
                  JOIN cell c ON c.id = s.cell_id
                 WHERE c.run_id = ?""", rs -> rs.getString(1), runId).orElse(""));
        c.put("analysisRows", jdbc.queryOne("""
                SELECT coalesce(count(*) || ' rows, visible ' || count(*) FILTER (WHERE a.brand_visible) || ', sov '
                       || round(sum(a.share_of_voice)::numeric, 6) || ', errors ' || count(a.error), 'none')
                  FROM analysis a JOIN response s ON s.id = a.response_id JOIN cell c ON c.id = s.cell_id
                 WHERE c.run_id = ?""", rs -> rs.getString(1), runId).orElse(""));
        c.put("ok", succeeded == spec.cells() && responses == spec.cells() && analysed == spec.cells()
                && served == spec.cells() && retried == 0);
        return c;
    }

    /**
     * Where the makespan went, from the database clock: trigger to first stored response, the client-side call
     * latency (request built to reply decoded), last stored response to the run's finish.
     */
    static Map<String, Object> timeline(SightlineApp parts, long runId) {
        return parts.bean(dev.sightline.store.Jdbc.class).queryOne("""
                SELECT extract(epoch FROM min(s.created_at) - r.created_at) AS first_response,
                       extract(epoch FROM max(s.created_at) - r.created_at) AS last_response,
                       extract(epoch FROM r.finished_at - max(s.created_at)) AS finish_after_last,
                       extract(epoch FROM r.finished_at - r.created_at) AS run_span,
                       avg(s.latency_ms) AS avg_latency_ms, max(s.latency_ms) AS max_latency_ms
                  FROM run r JOIN cell c ON c.run_id = r.id JOIN response s ON s.cell_id = c.id
                 WHERE r.id = ? GROUP BY r.id""", rs -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("firstResponseSeconds", rs.getDouble("first_response"));
            m.put("lastResponseSeconds", rs.getDouble("last_response"));
            m.put("finishAfterLastResponseSeconds", rs.getDouble("finish_after_last"));
            m.put("runCreatedToFinishedSeconds", rs.getDouble("run_span"));
            m.put("avgCallLatencyMs", rs.getDouble("avg_latency_ms"));
            m.put("maxCallLatencyMs", rs.getDouble("max_latency_ms"));
            return m;
        }, runId).orElse(Map.of());
    }

    private static long count(dev.sightline.store.Jdbc jdbc, String sql, long runId) {
        return jdbc.queryOne(sql, rs -> rs.getLong(1), runId).orElse(0L);
    }

    /**
     * The simulator's own view: the most requests in any 60 s window, and the achieved rate (served - 1) / (last
     * arrival - first arrival), which is exactly the limit for an exact limiter when served = k x limit + 1. The
     * arrival span comes from the public {@link Simulator#maxRequestsInWindow}: a window holds every request exactly
     * when it is longer than the span.
     */
    private void rateLimit(Map<String, Object> r, Simulator sim) {
        String kind = "openai-chat";
        int limit = spec.requestsPerMinute();
        long served = sim.served(kind);
        int max = sim.maxRequestsInWindow(kind, Duration.ofSeconds(60));
        long lo = 0;
        long hi = Duration.ofHours(2).toNanos();
        while (hi - lo > 100_000) {
            long mid = (lo + hi) / 2;
            if (sim.maxRequestsInWindow(kind, Duration.ofNanos(mid)) >= served) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        double span = lo / 1e9;
        double rate = served > 1 && span > 0 ? (served - 1) / span * 60 : Double.NaN;
        r.put("served", served);
        r.put("maxRequestsIn60s", max);
        r.put("arrivalSpanSeconds", span);
        r.put("achievedPerMinute", rate);
        r.put("achievedShareOfLimit", rate / limit);
    }

    /** One warm-up run: its rate and how much the JIT compiled meanwhile, to show whether it converged. */
    private Map<String, Object> warmupRound(SightlineApp parts, String body, int cells) throws Exception {
        Map<String, Double> before = Procfs.threadCpuSeconds();
        long t0 = System.nanoTime();
        await(parts, trigger(body), Duration.ofMinutes(10));
        double seconds = secs(System.nanoTime() - t0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cellsPerSecond", Math.round(cells / seconds));
        m.put("jitCpuMsPerCell", Math.round(jitSeconds(before, Procfs.threadCpuSeconds()) * 1e6 / cells) / 1000.0);
        return m;
    }

    /** CPU seconds of the JIT compiler threads (C1 and C2) between two readings. */
    static double jitSeconds(Map<String, Double> before, Map<String, Double> after) {
        double s = 0;
        for (var e : after.entrySet()) {
            if (e.getKey().contains("CompilerThre")) {
                s += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            }
        }
        return s;
    }

    /** The threads (grouped by name) that used the most CPU between the two readings. */
    static Map<String, Double> topThreads(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> top = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(15)
                .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
        return top;
    }

    static double secs(long nanos) {
        return nanos / 1e9;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** CPU counters: this process, the simulator's Vert.x threads in it, and the PostgreSQL processes. */
    record Cpu(double process, double simulator, double postgres, long gcCount, double gcSeconds) {

        static Cpu sample(Path pgDir) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long sim = 0;
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && info.getThreadName().startsWith("vert.x-")) {
                    long t = threads.getThreadCpuTime(info.getThreadId());
                    if (t > 0) {
                        sim += t;
                    }
                }
            }
            long gcCount = 0;
            long gcMillis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcCount += Math.max(0, gc.getCollectionCount());
                gcMillis += Math.max(0, gc.getCollectionTime());
            }
            return new Cpu(os.getProcessCpuTime() / 1e9, sim / 1e9, Procfs.postgresCpuSeconds(pgDir), gcCount,
                    gcMillis / 1e3);
        }

        Cpu minus(Cpu o) {
            return new Cpu(process - o.process, simulator - o.simulator, postgres - o.postgres, gcCount - o.gcCount,
                    gcSeconds - o.gcSeconds);
        }
    }

    /** The {@link StreamClients} JVM: opened streams, and what they saw of a run. */
    static final class StreamClientsProcess implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader out;
        private final int opened;

        private StreamClientsProcess(Process process, java.io.BufferedReader out, int opened) {
            this.process = process;
            this.out = out;
            this.opened = opened;
        }

        static StreamClientsProcess start(int port, int n) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    StreamClients.class.getName(), "http://127.0.0.1:" + port, TOKEN, String.valueOf(n))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String line = out.readLine();
            if (line == null || !line.startsWith("OPEN ")) {
                p.destroyForcibly();
                throw new IllegalStateException("stream clients did not start: " + line);
            }
            int opened = Integer.parseInt(line.substring(5).strip());
            System.out.println("bench: " + opened + " of " + n + " event streams open");
            if (opened != n) {
                p.destroyForcibly();
                throw new IllegalStateException("only " + opened + " of " + n + " event streams opened");
            }
            return new StreamClientsProcess(p, out, opened);
        }

        int opened() {
            return opened;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> result(long runId) throws IOException {
            process.getOutputStream().write(("RUN " + runId + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("RESULT ")) {
                    return JSON.readValue(line.substring(7), LinkedHashMap.class);
                }
            }
            throw new IllegalStateException("stream clients ended without a result");
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
