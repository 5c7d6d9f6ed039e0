package dev.sightline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The benchmark ({@code mvn -q -Pbench verify}): runs each measurement in a child JVM with the heap a user would
 * give the app ({@code -Dbench.heap}, default 320m), watches the child's peak RSS, and writes
 * {@code bench/results.json} and {@code bench/results.md} and prints the table.
 *
 * <p>{@code -Dbench.only=efficiency,overhead} runs some of them; {@code -Dbench.jvm="-XX:..."} adds JVM options to
 * the children (e.g. a JFR recording for profiling). Child logs go to {@code bench/work/<name>.log}.
 */
public final class Bench {

    static final List<String> ALL = List.of("analyzer", "efficiency", "streams", "overhead", "ratelimit", "memory",
            "peer", "pages", "experiment", "dataset");

    public static void main(String[] args) throws Exception {
        String only = System.getProperty("bench.only", "all");
        List<String> names = only.isBlank() || only.equals("all") ? ALL
                : Arrays.stream(only.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        String heap = System.getProperty("bench.heap", "320m");
        Path work = Path.of("bench", "work");
        Files.createDirectories(work);

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("startedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        results.put("commit", git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain", "--untracked-files=no").isBlank() ? "" : "+dirty"));
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " "
                        + System.getProperty("os.arch")));
        results.put("heap", "-Xmx" + heap);
        Map<String, Object> scenarios = new LinkedHashMap<>();
        results.put("scenarios", scenarios);

        for (String name : names) {
            System.out.printf("bench: %s ...%n", name);
            Map<String, Object> r = runChild(name, heapOf(name, heap), work);
            scenarios.put(name, r);
            if (r.get("skipped") != null) {
                System.out.printf("bench: %s skipped: %s%n", name, r.get("skipped"));
                continue;
            }
            System.out.printf("bench: %s done in %.0f s (load before %.2f, after %.2f)%n", name,
                    ((Number) r.getOrDefault("childSeconds", 0)).doubleValue(),
                    ((Number) r.getOrDefault("loadBefore", -1)).doubleValue(),
                    ((Number) r.getOrDefault("loadAfter", -1)).doubleValue());
        }
        results.put("finishedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        List<Row> rows = rows(scenarios);
        results.put("table", rows);

        Path json = Path.of("bench", "results.json");
        Path md = Path.of("bench", "results.md");
        if (names.equals(List.of("history")) && Files.exists(json)) {
            // the year of history takes long and is not part of "all": it joins the last full results
            mergeHistory(json, md, results, scenarios);
            return;
        }
        if (!names.equals(ALL)) {
            json = work.resolve("results-partial.json");
            md = work.resolve("results-partial.md");
        }
        Scenario.JSON.writeValue(json.toFile(), results);
        String table = markdown(results, rows);
        Files.writeString(md, table);
        System.out.println();
        System.out.println(table);
        System.out.println("bench: wrote " + json + " and " + md);
    }

    @SuppressWarnings("unchecked")
    private static void mergeHistory(Path json, Path md, Map<String, Object> results, Map<String, Object> scenarios)
            throws IOException {
        Map<String, Object> full = Scenario.JSON.readValue(json.toFile(), LinkedHashMap.class);
        Map<String, Object> fullScenarios = (Map<String, Object>) full.get("scenarios");
        Map<String, Object> history = (Map<String, Object>) scenarios.get("history");
        if (history.containsKey("days") && history.get("days") instanceof Map<?, ?> newDays
                && ((Map<String, Object>) history.get("days")).values().stream()
                .anyMatch(d -> ((Map<?, ?>) d).containsKey("reused"))
                && fullScenarios.get("history") instanceof Map<?, ?> old && old.get("days") instanceof Map<?, ?>) {
            // a re-measurement on a kept history: its numbers replace the timings of that size, the rest stays
            Map<String, Object> oldDays = (Map<String, Object>) ((Map<String, Object>) old).get("days");
            newDays.forEach((k, v) -> {
                Map<String, Object> day = (Map<String, Object>) oldDays.computeIfAbsent((String) k,
                        x -> new LinkedHashMap<>());
                day.putAll((Map<String, Object>) v);
                day.put("remeasuredCommit", results.get("commit"));
            });
        } else {
            fullScenarios.put("history", history);
            full.put("historyCommit", results.get("commit"));
        }
        full.put("table", rows(fullScenarios));
        Scenario.JSON.writeValue(json.toFile(), full);
        Files.writeString(md, markdown(full, rows(fullScenarios)));
        System.out.println(Files.readString(md));
        System.out.println("bench: merged history into " + json + " and " + md);
    }

    /** The app's heap in a scenario: {@code bench.heap}, but for two scenarios that measure memory. */
    static String heapOf(String name, String heap) {
        return switch (name) {
            // the dataset import runs with a heap smaller than its 50 MB file: it must stream it, not hold it
            case "dataset" -> System.getProperty("bench.heap.dataset", "64m");
            // a 100,000-cell run with README's command for big runs: its live heap is about 75 MB, and G1 fills
            // whatever heap it is given (at 320m the process reached 519-610 MB on 2026-12-07's machine)
            case "memory" -> System.getProperty("bench.heap.memory", "192m");
            default -> heap;
        };
    }

    /**
     * JVM options of README's command for big runs, which the memory scenario measures: the JVM returns the native
     * memory its compiler threads free (glibc would keep it: 50-65 MB of a 100,000-cell run's peak).
     */
    static final List<String> BIG_RUN_OPTIONS = List.of("-XX:TrimNativeHeapInterval=1000");

    /** One line of the results table. */
    public record Row(String measurement, String result, String target, String pass, String setup) {
    }

    private static Map<String, Object> runChild(String name, String heap, Path work) throws Exception {
        Path out = work.resolve(name + ".json");
        Files.deleteIfExists(out);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap));
        if (name.equals("memory")) {
            cmd.addAll(BIG_RUN_OPTIONS);
        }
        String extra = System.getProperty("bench.jvm", "");
        if (!extra.isBlank() && !name.equals("peer")) { // peer's JVM is the mock; the app it starts gets them
            cmd.addAll(Arrays.asList(extra.strip().split("\\s+")));
        }
        for (String k : System.getProperties().stringPropertyNames()) {
            // bench.jvm: the peer scenario puts it on the app's command line, the others have it on their own
            boolean forward = (k.startsWith("bench.") && (!k.equals("bench.jvm") || name.equals("peer")))
                    || k.startsWith("sightline.") || k.startsWith("camel.");
            if (forward && !System.getProperty(k).isBlank()) { // blank: the pom's placeholder for "not given"
                cmd.add("-D" + k + "=" + System.getProperty(k));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Scenario.class.getName(), name,
                out.toString()));
        double loadBefore = Procfs.loadAverage();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
        double peak = 0;
        while (p.isAlive()) {
            peak = Math.max(peak, Procfs.vmHwmMb(p.pid()));
            Thread.sleep(100);
        }
        int exit = p.waitFor();
        double childSeconds = (System.nanoTime() - t0) / 1e9;
        if (exit != 0 || !Files.exists(out)) {
            throw new IllegalStateException("scenario " + name + " failed (exit " + exit + "), see "
                    + work.resolve(name + ".log"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> r = Scenario.JSON.readValue(out.toFile(), LinkedHashMap.class);
        double own = ((Number) r.getOrDefault("vmHwmMb", 0)).doubleValue();
        r.put("peakRssMb", Math.max(peak, own));
        r.put("loadBefore", loadBefore);
        r.put("loadAfter", Procfs.loadAverage());
        r.put("childSeconds", childSeconds);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static List<Row> rows(Map<String, Object> scenarios) {
        List<Row> rows = new ArrayList<>();
        if (scenarios.get("efficiency") instanceof Map<?, ?> eff) {
            Map<String, Object> e = (Map<String, Object>) eff;
            int perProvider = ((Number) e.get("prompts")).intValue() * ((Number) e.get("samples")).intValue();
            int consumers = ((Number) e.get("consumersPerProvider")).intValue();
            double ideal = Math.ceil((double) perProvider / consumers) * 0.4;
            e.put("idealSeconds", ideal);
            e.put("efficiency", ideal / ((Number) e.get("makespanSeconds")).doubleValue());
        }
        if (scenarios.get("streams") instanceof Map<?, ?> str) {
            Map<String, Object> e = (Map<String, Object>) str;
            double ideal = Math.ceil(((Number) e.get("prompts")).doubleValue() / ((Number) e.get("consumersPerProvider"))
                    .intValue()) * 0.4;
            e.put("idealSeconds", ideal);
            e.put("efficiency", ideal / ((Number) e.get("makespanSeconds")).doubleValue());
        }
        if (scenarios.get("experiment") instanceof Map<?, ?> exp) {
            Map<String, Object> e = (Map<String, Object>) exp;
            double ideal = Math.ceil(((Number) e.get("prompts")).doubleValue()
                    / ((Number) e.get("consumersPerProvider")).intValue()) * 0.4;
            e.put("idealSeconds", ideal);
            e.put("efficiency", ideal / ((Number) e.get("makespanSeconds")).doubleValue());
        }
        JsonNode s = Scenario.JSON.valueToTree(scenarios);
        if (s.has("efficiency")) {
            JsonNode e = s.get("efficiency");
            double ratio = e.get("efficiency").asDouble();
            rows.add(new Row("1. Efficiency (ideal / measured makespan)",
                    String.format(Locale.ROOT, "%.3f (%.2f s / %.2f s)", ratio, e.get("idealSeconds").asDouble(),
                            e.get("makespanSeconds").asDouble()),
                    ">= 0.95", pass(ratio >= 0.95, e),
                    String.format(Locale.ROOT, "%d cells = 4 x %d, %d consumers/provider, latency 400 ms",
                            e.get("cells").asInt(), e.get("cells").asInt() / 4, e.get("consumersPerProvider").asInt())));
            if (e.has("coldMakespanSeconds")) {
                double cold = e.get("coldMakespanSeconds").asDouble();
                rows.add(new Row("1. Efficiency of the first run after start", String.format(Locale.ROOT,
                        "%.3f (%.2f s / %.2f s)", e.get("idealSeconds").asDouble() / cold,
                        e.get("idealSeconds").asDouble(), cold), "-", "info", "same run on a fresh JVM (JIT cold)"));
            }
        }
        if (s.has("streams")) {
            streamRows(s.get("streams"), rows);
        }
        if (s.has("overhead")) {
            JsonNode o = s.get("overhead");
            double rate = o.get("cellsPerSecond").asDouble();
            rows.add(new Row("2. Overhead: cells per second", String.format(Locale.ROOT, "%.0f cells/s (%.1f s)", rate,
                    o.get("makespanSeconds").asDouble()), ">= 1,000", pass(rate >= 1000, o),
                    String.format(Locale.ROOT, "%d cells, %d consumers/provider, latency 0", o.get("cells").asInt(),
                            o.get("consumersPerProvider").asInt())));
            rows.add(new Row("2. Overhead: CPU per cell", String.format(Locale.ROOT,
                    "%.2f ms app (%.2f ms without simulator, of which JIT compiler %.2f ms) + %.2f ms PostgreSQL",
                    o.get("appCpuMsPerCell").asDouble(), o.get("appCpuMsPerCellWithoutSimulator").asDouble(),
                    o.path("jitCpuMsPerCell").asDouble(), o.get("postgresCpuMsPerCell").asDouble()),
                    "-", "info", "process CPU time, same run"));
        }
        if (s.has("analyzer")) {
            JsonNode a = s.get("analyzer");
            double rate = a.get("answersPerSecond").asDouble();
            rows.add(new Row("3. Analyzer: answers per second, 1 thread", String.format(Locale.ROOT, "%.0f/s (%.0f us/answer)",
                    rate, a.get("microsPerAnswer").asDouble()), ">= 5,000", rate >= 5000 ? "PASS" : "FAIL",
                    a.get("corpusAnswers").asInt() + " labelled answers, avg " + a.get("corpusAvgChars").asInt() + " chars"));
        }
        if (s.has("memory")) {
            JsonNode m = s.get("memory");
            double rss = m.get("peakRssMb").asDouble();
            rows.add(new Row("4. Memory: peak RSS of the app", String.format(Locale.ROOT, "%.0f MB", rss), "<= 512 MB",
                    pass(rss <= 512, m), String.format(Locale.ROOT, "%d cells, %s, %.0f cells/s", m.get("cells").asInt(),
                    String.join(" ", jvmHeap(m)), m.get("cellsPerSecond").asDouble())));
        }
        if (s.has("ratelimit")) {
            JsonNode r = s.get("ratelimit");
            int max = r.get("maxRequestsIn60s").asInt();
            double share = r.get("achievedShareOfLimit").asDouble();
            rows.add(new Row("5. Rate limit: most requests in any 60 s", String.valueOf(max), "<= 120", pass(max <= 120, r),
                    String.format(Locale.ROOT, "%d cells, 1 provider at 120/min, latency 20 ms, %.0f s",
                            r.get("cells").asInt(), r.get("makespanSeconds").asDouble())));
            rows.add(new Row("5. Rate limit: achieved rate", String.format(Locale.ROOT, "%.1f/min (%.1f%%)",
                    r.get("achievedPerMinute").asDouble(), 100 * share), ">= 114/min (95%)", pass(share >= 0.95, r),
                    "(served - 1) / (last - first arrival), as the simulator saw them"));
        }
        if (s.has("peer")) {
            peerRows(s.get("peer"), rows);
        }
        if (s.has("pages")) {
            JsonNode g = s.get("pages");
            double ratio = g.get("ratio").asDouble();
            rows.add(new Row("7. Page analysis: measured / ideal makespan", String.format(Locale.ROOT,
                    "%.3f (%.2f s / %.2f s)", ratio, g.get("makespanSeconds").asDouble(), g.get("idealSeconds").asDouble()),
                    "<= 1.1", pass(ratio <= 1.1, g), String.format(Locale.ROOT, "%d pages, %d hosts, %d per host, "
                            + "%.0f ms per response (robots.txt first), most at once on one host %d", g.get("pages").asInt(),
                            g.get("hosts").asInt(), g.get("perHost").asInt(), g.get("latencySeconds").asDouble() * 1000,
                            g.get("checks").get("mostRequestsAtOnceOnOneHost").asInt())));
        }
        if (s.has("experiment")) {
            JsonNode e = s.get("experiment");
            double ratio = e.get("efficiency").asDouble();
            rows.add(new Row("7. Experiment efficiency (ideal / measured makespan)", String.format(Locale.ROOT,
                    "%.3f (%.2f s / %.2f s)", ratio, e.get("idealSeconds").asDouble(), e.get("makespanSeconds").asDouble()),
                    ">= 0.95", pass(ratio >= 0.95, e), "4 models x 250 rows = 1000 cells, rule graders, 5 consumers/provider, "
                            + "latency 400 ms"));
            double cold = e.get("coldMakespanSeconds").asDouble();
            rows.add(new Row("7. Experiment efficiency of the first after start", String.format(Locale.ROOT,
                    "%.3f (%.2f s / %.2f s)", e.get("idealSeconds").asDouble() / cold, e.get("idealSeconds").asDouble(),
                    cold), "-", "info", "same experiment on a fresh JVM (JIT cold)"));
        }
        if (s.has("dataset")) {
            JsonNode d = s.get("dataset");
            JsonNode csv = d.get("csv");
            double secs = csv.get("seconds").asDouble();
            rows.add(new Row("8. Dataset import, CSV", String.format(Locale.ROOT, "%.2f s (%d rows/s, %.1f MB/s)", secs,
                    csv.get("rowsPerSecond").asLong(), csv.get("megabytesPerSecond").asDouble()), "< 10 s",
                    pass(secs < 10, d), String.format(Locale.ROOT, "%d rows x 5 columns, %.1f MB, app heap %s",
                    csv.get("rows").asInt(), csv.get("bytes").asDouble() / 1e6, String.join(" ", jvmHeap(d)))));
            JsonNode json = d.get("json");
            rows.add(new Row("8. Dataset import, JSON array", String.format(Locale.ROOT, "%.2f s (%d rows/s)",
                    json.get("seconds").asDouble(), json.get("rowsPerSecond").asLong()), "-", "info",
                    String.format(Locale.ROOT, "the same rows, %.1f MB", json.get("bytes").asDouble() / 1e6)));
            rows.add(new Row("8. Dataset import: heap above the app's before the upload", String.format(Locale.ROOT,
                    "CSV %d MB, JSON %d MB (peak, sampled every 5 ms)", csv.get("heapPeakAboveBeforeMb").asLong(),
                    json.get("heapPeakAboveBeforeMb").asLong()), "-", "info", "garbage included: an upper bound"));
        }
        if (s.has("history")) {
            historyRows(s.get("history"), rows);
        }
        return rows;
    }

    private static void streamRows(JsonNode e, List<Row> rows) {
        int n = e.get("streams").asInt();
        JsonNode c = e.path("streamClients");
        double ratio = e.get("efficiency").asDouble();
        String setup = String.format(Locale.ROOT, "the efficiency run while %d clients (another JVM) follow GET /api/events",
                n);
        rows.add(new Row(String.format(Locale.ROOT, "7. Streams: efficiency with %,d event streams open", n),
                String.format(Locale.ROOT, "%.3f (%.2f s / %.2f s)", ratio, e.get("idealSeconds").asDouble(),
                        e.get("makespanSeconds").asDouble()), ">= 0.95", pass(ratio >= 0.95, e), setup));
        int got = c.path("receivedCompleted").asInt();
        rows.add(new Row("7. Streams: clients that received run.completed", String.format(Locale.ROOT,
                "%d of %d (cells seen per client: %d to %d of %d)", got, n, c.path("cellsSeenMin").asInt(),
                c.path("cellsSeenMax").asInt(), e.get("cells").asInt()), "all, every cell", pass(got == n, e),
                String.format(Locale.ROOT, "run.completed at the clients %d ms (median) / %d ms (last) after the run finished; "
                        + "streams dropped: %d", c.path("completedMedianAfterFinishMillis").asLong(),
                        c.path("completedLastAfterFinishMillis").asLong(), e.path("hub").path("dropped").asLong())));
        double rss = e.get("peakRssMb").asDouble();
        rows.add(new Row("7. Streams: peak RSS of the app", String.format(Locale.ROOT, "%.0f MB", rss), "<= 512 MB",
                pass(rss <= 512, e), String.join(" ", jvmHeap(e)) + ", the app's JVM only"));
    }

    private static void peerRows(JsonNode p, List<Row> rows) {
        if (p.has("skipped")) {
            rows.add(new Row("6. Peer: Sightline vs promptfoo", "skipped: " + p.get("skipped").asText(), "-", "skipped", "-"));
            return;
        }
        JsonNode sl = p.get("sightline");
        JsonNode pf = p.get("promptfoo");
        double ideal = p.get("idealSeconds").asDouble();
        String setup = String.format(Locale.ROOT, "%d prompts, 1 OpenAI-compatible mock at %d ms, %d concurrent, "
                + "median of %d alternating runs", p.get("prompts").asInt(), p.get("latencyMs").asInt(),
                p.get("concurrency").asInt(), p.get("rounds").asInt());
        double eff = sl.get("efficiency").asDouble();
        rows.add(new Row("6. Peer: Sightline whole-process efficiency", String.format(Locale.ROOT, "%.3f (%.2f s / %.2f s)",
                eff, ideal, sl.get("wallSeconds").asDouble()), ">= 0.95", pass(eff >= 0.95, p),
                "README's one-off `java -XX:SharedArchiveFile=target/sightline.jsa -XX:TieredStopAtLevel=1 -jar "
                        + "target/sightline.jar --once`, database created; " + setup));
        rows.add(new Row("6. Peer: promptfoo whole-process efficiency", String.format(Locale.ROOT, "%.3f (%.2f s / %.2f s)",
                pf.get("efficiency").asDouble(), ideal, pf.get("wallSeconds").asDouble()), "-", "info",
                "`promptfoo eval -j " + p.get("concurrency").asInt() + " --no-cache`, promptfoo "
                        + p.get("promptfooVersion").asText() + " on Node " + p.get("node").asText() + ", same mock and prompts"));
        double slWall = sl.get("wallSeconds").asDouble();
        double pfWall = pf.get("wallSeconds").asDouble();
        rows.add(new Row("6. Peer: Sightline wall time vs promptfoo", String.format(Locale.ROOT, "%.2f s vs %.2f s (%+.1f%%)",
                slWall, pfWall, 100 * (slWall / pfWall - 1)), "< promptfoo", pass(slWall < pfWall, p),
                "medians of the same bench run"));
        double start = sl.get("startSeconds").asDouble();
        rows.add(new Row("6. Peer: Sightline start (process start to first request)", String.format(Locale.ROOT, "%.2f s",
                start), "<= 1.5 s", pass(start <= 1.5, p), "as the mock saw the first request"));
        rows.add(new Row("6. Peer: Sightline run (first request to last answer)", String.format(Locale.ROOT,
                "%.2f s (efficiency %.3f), %.1f ms from an answer to the next request (median)",
                sl.get("runSeconds").asDouble(), sl.get("runEfficiency").asDouble(), sl.get("turnaroundMsMedian").asDouble()),
                "-", "info", "last answer sent by the mock; turnaround per connection"));
        double stop = sl.get("stopSeconds").asDouble();
        rows.add(new Row("6. Peer: Sightline stop (last answer to process exit)", String.format(Locale.ROOT, "%.2f s", stop),
                "<= 0.3 s", pass(stop <= 0.3, p), "includes analysis of the last answers, summary, shutdown"));
        double idealFirst = p.get("idealAnsweredInFirst5s").asDouble();
        double first = sl.get("answeredInFirst5s").asDouble();
        rows.add(new Row("6. Peer: Sightline answers in the first 5 s of its run", String.format(Locale.ROOT,
                "%.1f (%.1f%% of %.1f)", first, 100 * first / idealFirst, idealFirst), "within 5%",
                pass(Math.abs(first / idealFirst - 1) <= 0.05, p), "answers sent by the mock within 5 s of the first request"));
        rows.add(new Row("6. Peer: promptfoo split", String.format(Locale.ROOT,
                "start %.2f s, run %.2f s (turnaround %.1f ms), stop %.2f s; %.1f answers in the first 5 s",
                pf.get("startSeconds").asDouble(), pf.get("runSeconds").asDouble(), pf.get("turnaroundMsMedian").asDouble(),
                pf.get("stopSeconds").asDouble(), pf.get("answeredInFirst5s").asDouble()),
                "-", "info", "same split from the mock's clock"));
        rows.add(new Row("6. Peer: requests, most in flight", String.format(Locale.ROOT,
                "Sightline %s, at most %d; promptfoo %s, at most %d", counts(sl.get("requests")), sl.get("maxInFlight").asInt(),
                counts(pf.get("requests")), pf.get("maxInFlight").asInt()), String.format(Locale.ROOT, "%d, <= %d",
                p.get("prompts").asInt(), p.get("concurrency").asInt()),
                p.path("checks").path("ok").asBoolean(false) ? "PASS" : "FAIL", "every timed run, exit code 0"));
    }

    /** Requests per run: one number when every run made the same. */
    private static String counts(JsonNode perRun) {
        List<String> out = new ArrayList<>();
        perRun.forEach(n -> out.add(n.asText()));
        return String.join("/", out);
    }

    private static List<String> jvmHeap(JsonNode m) {
        List<String> out = new ArrayList<>();
        m.path("jvm").forEach(a -> {
            if (a.asText().startsWith("-Xmx") || BIG_RUN_OPTIONS.contains(a.asText())) {
                out.add(a.asText());
            }
        });
        return out;
    }

    /** Issue 18's targets: p50 <= 150 ms and p95 <= 300 ms per endpoint, 10 clients p95 <= 500 ms, <= 3 GB. */
    private static void historyRows(JsonNode h, List<Row> rows) {
        h.path("days").fields().forEachRemaining(day -> {
            JsonNode d = day.getValue();
            String size = String.format(Locale.ROOT, "%.2f GB database, %d answers", d.get("databaseBytes").asDouble() / 1e9,
                    d.get("answers").asLong());
            d.get("endpoints").fields().forEachRemaining(e -> {
                double p50 = e.getValue().get("p50Ms").asDouble();
                double p95 = e.getValue().get("p95Ms").asDouble();
                rows.add(new Row("7. History " + day.getKey() + " days: " + e.getKey(), String.format(Locale.ROOT,
                        "p50 %.0f ms, p95 %.0f ms", p50, p95), "p50 <= 150, p95 <= 300",
                        p50 <= 150 && p95 <= 300 ? "PASS" : "FAIL", size));
            });
            if (d.has("concurrent")) {
                double p95 = d.get("concurrent").get("all").get("p95Ms").asDouble();
                rows.add(new Row("7. History " + day.getKey() + " days: 10 concurrent clients", String.format(Locale.ROOT,
                        "p50 %.0f ms, p95 %.0f ms over %d calls", d.get("concurrent").get("all").get("p50Ms").asDouble(),
                        p95, d.get("concurrent").get("all").get("calls").asInt()), "p95 <= 500",
                        p95 <= 500 ? "PASS" : "FAIL", "every endpoint above, round-robin"));
            }
            double gb = d.get("databaseBytes").asDouble() / 1e9;
            if (day.getKey().equals("365")) {
                rows.add(new Row("7. History 365 days: database size", String.format(Locale.ROOT, "%.2f GB", gb),
                        "<= 3 GB", gb <= 3 ? "PASS" : "FAIL", "raw bodies kept; --rebuild-rollups "
                        + (d.has("rebuildRollupsSeconds") ? String.format(Locale.ROOT, "%.0f s",
                        d.get("rebuildRollupsSeconds").asDouble()) : "not timed (-Dbench.history.rebuild=false)")));
            }
        });
    }

    private static String pass(boolean ok, JsonNode scenario) {
        boolean checked = scenario.path("checks").path("ok").asBoolean(false);
        return ok && checked ? "PASS" : ok ? "FAIL (checks)" : "FAIL";
    }

    private static String markdown(Map<String, Object> results, List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("Sightline benchmark, commit ").append(results.get("commit")).append(", ").append(results.get("startedAt"))
                .append(", ").append(((Map<?, ?>) results.get("machine")).get("cores")).append(" cores, Java ")
                .append(((Map<?, ?>) results.get("machine")).get("java")).append(", app heap ")
                .append(results.get("heap")).append("\n\n");
        b.append("| measurement | result | target | pass | setup |\n| --- | --- | --- | --- | --- |\n");
        for (Row r : rows) {
            b.append("| ").append(r.measurement()).append(" | ").append(r.result()).append(" | ").append(r.target())
                    .append(" | ").append(r.pass()).append(" | ").append(r.setup()).append(" |\n");
        }
        b.append("\nLoad average (1 min) before each measurement: ");
        List<String> loads = new ArrayList<>();
        ((Map<?, ?>) results.get("scenarios")).forEach((k, v) -> loads.add(k + " " + String.format(Locale.ROOT, "%.2f",
                ((Number) ((Map<?, ?>) v).get("loadBefore")).doubleValue())));
        b.append(String.join(", ", loads)).append(".\n");
        return b.toString();
    }

    private static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(Arrays.asList(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
