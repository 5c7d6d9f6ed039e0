package dev.sightline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.sightline.config.Config;

/**
 * The peer measurement: the whole {@code java -jar target/sightline.jar --once} process against the tool a user
 * would otherwise run, {@code promptfoo eval -j 5}, on one neutral OpenAI-compatible mock ({@link MockOpenAi}) with
 * the same prompts and concurrency. Runs alternate (promptfoo, Sightline, ...); medians are the result. The mock's
 * clock splits each process into start, run and stop.
 */
final class PeerScenario {

    static final String PROMPTFOO_VERSION = "0.121.20";
    static final int CONCURRENCY = 5;
    /** Prompts of the untimed first run of each tool, which creates its database. */
    static final int PREP_PROMPTS = 5;
    static final String PREP_TAG = "set:prep";
    static final String MODEL = "mock-chat";
    static final Duration FIRST_WINDOW = Duration.ofSeconds(5);

    private final Path root = Path.of("").toAbsolutePath();
    /** Where the jar is started: it reads ./application.properties, ./routes and ./sql from there. */
    private final Path appWorkingDir = root;
    private final Path jar = root.resolve("target/sightline.jar");
    private final Path work = root.resolve("bench/work/peer");
    private final Path promptfooHome = root.resolve("bench/work/promptfoo");
    private final int prompts = Integer.getInteger("bench.peer.prompts", 500);
    private final int rounds = Integer.getInteger("bench.peer.rounds", 2);
    private final Duration latency = Config.parseDuration("bench.peer.latency",
            System.getProperty("bench.peer.latency", "400ms"));
    private final String heap = System.getProperty("bench.heap", "320m");

    static Map<String, Object> run() throws Exception {
        return new PeerScenario().measure();
    }

    private Map<String, Object> measure() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", "peer");
        String node = version("node");
        if (node == null) {
            return skipped(r, "node not found on PATH (promptfoo needs Node.js and npm)");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -q package -DskipTests)");
        }
        Path promptfoo = promptfooHome.resolve("node_modules/.bin/promptfoo");
        if (!installedPromptfoo()) {
            String why = installPromptfoo();
            if (why != null) {
                return skipped(r, why);
            }
        }
        Workloads.deleteTree(work);
        Files.createDirectories(work);
        double ideal = Math.ceil((double) prompts / CONCURRENCY) * latency.toNanos() / 1e9;
        r.put("prompts", prompts);
        r.put("concurrency", CONCURRENCY);
        r.put("latencyMs", latency.toMillis());
        r.put("idealSeconds", ideal);
        // 5 consumers x 5 s / 0.4 s = 62.5: the answers a run at full concurrency completes in its first 5 s
        r.put("idealAnsweredInFirst5s", Math.min(prompts,
                CONCURRENCY * (double) FIRST_WINDOW.toNanos() / latency.toNanos()));
        r.put("rounds", rounds);
        r.put("node", node);
        r.put("promptfooVersion", PROMPTFOO_VERSION);

        try (MockOpenAi mock = MockOpenAi.start(latency)) {
            r.put("mockBaseUrl", mock.baseUrl());
            Path workspace = Workloads.workspace(work, prompts, 0,
                    i -> i < PREP_PROMPTS ? List.of(PREP_TAG) : List.of());
            Path config = promptfooConfig(mock.baseUrl());
            Tool sightline = new Tool("sightline", sightlineCommand(mock.baseUrl(), workspace, List.of()),
                    sightlineCommand(mock.baseUrl(), workspace, List.of("--tags", PREP_TAG)), appWorkingDir,
                    Map.of(), work.resolve("sightline-db"));
            List<String> pf = List.of(promptfoo.toString(), "eval", "-c", config.toString(), "-j",
                    String.valueOf(CONCURRENCY), "--no-cache");
            List<String> pfPrep = new ArrayList<>(pf);
            pfPrep.addAll(List.of("--filter-first-n", String.valueOf(PREP_PROMPTS)));
            Tool pfTool = new Tool("promptfoo", pf, pfPrep, work, promptfooEnv(), null);

            // "database already created": one untimed small run of each tool first
            Map<String, Object> prep = new LinkedHashMap<>();
            for (Tool t : List.of(pfTool, sightline)) {
                Map<String, Object> m = runOnce(t, mock, t.prepCommand(), t.name() + "-prep", ideal);
                prep.put(t.name(), Map.of("exitCode", m.get("exitCode"), "requests", m.get("requests"),
                        "wallSeconds", m.get("wallSeconds")));
                if (((Number) m.get("requests")).intValue() != PREP_PROMPTS || (int) m.get("exitCode") != 0) {
                    throw new IllegalStateException(t.name() + "'s first run made " + m.get("requests")
                            + " requests (expected " + PREP_PROMPTS + ") and exited with " + m.get("exitCode")
                            + ", see " + m.get("log"));
                }
            }
            r.put("prep", prep);

            Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
            runs.put("promptfoo", new ArrayList<>());
            runs.put("sightline", new ArrayList<>());
            for (int i = 1; i <= rounds; i++) {
                for (Tool t : List.of(pfTool, sightline)) {
                    Map<String, Object> m = runOnce(t, mock, t.command(), t.name() + "-" + i, ideal);
                    runs.get(t.name()).add(m);
                    System.out.printf(Locale.ROOT, "peer: %s round %d: wall %.2f s (start %.2f, run %.2f, stop %.2f), "
                                    + "%d requests, max in flight %d, exit %d%n", t.name(), i, m.get("wallSeconds"),
                            m.get("startSeconds"), m.get("runSeconds"), m.get("stopSeconds"), m.get("requests"),
                            m.get("maxInFlight"), m.get("exitCode"));
                }
            }
            for (var e : runs.entrySet()) {
                r.put(e.getKey(), summary(e.getValue(), ideal));
            }
            r.put("checks", checks(runs));
        }
        return r;
    }

    /** One tool, its timed command and the untimed first run's; {@code pgDir} is its PostgreSQL data (or null). */
    private record Tool(String name, List<String> command, List<String> prepCommand, Path dir, Map<String, String> env,
                        Path pgDir) {
    }

    private List<String> sightlineCommand(String baseUrl, Path workspace, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap));
        // the class data sharing archive mvn package writes beside the jar, as README's command line uses it
        Path cds = root.resolve("target/sightline.jsa");
        if (Files.exists(cds)) {
            cmd.add("-XX:SharedArchiveFile=" + cds);
        }
        // as README's one-off command line: a one-off needs no optimising compiler (C2), whose compilations took as
        // much CPU as the main thread in the first seconds on two cores
        cmd.add("-XX:TieredStopAtLevel=1");
        String extra = System.getProperty("bench.jvm", "");
        if (!extra.isBlank()) {
            cmd.addAll(List.of(extra.strip().split("\\s+")));
        }
        Map<String, String> p = new LinkedHashMap<>();
        for (String name : Scenario.ALL_PROVIDERS) {
            p.put("sightline.providers." + name + ".enabled", "false");
        }
        String k = "sightline.providers.mock.";
        p.put(k + "kind", "openai-compatible");
        p.put(k + "base-url", baseUrl);
        p.put(k + "model", MODEL);
        p.put(k + "api-key", "bench-dummy-key"); // a key: the provider is called, not simulated
        p.put(k + "consumers", String.valueOf(CONCURRENCY));
        p.put(k + "requests-per-minute", "100000"); // never binds
        p.put("sightline.db.url", "");
        p.put("sightline.db.embedded.dir", work.resolve("sightline-db").toString());
        p.put("sightline.workspace.file", workspace.toString());
        // anything else from the command line (-Dsightline.x=y, -Dcamel.x=y) is the app's own business
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("sightline.") || key.startsWith("camel.")) {
                p.put(key, System.getProperty(key));
            }
        }
        p.forEach((key, v) -> cmd.add("-D" + key + "=" + v));
        cmd.addAll(List.of("-jar", jar.toString(), "--once"));
        cmd.addAll(args);
        return cmd;
    }

    /** One provider on the mock, the prompts as one template with a test per prompt, nothing graded. */
    private Path promptfooConfig(String baseUrl) throws IOException {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("description", "Sightline bench: peer");
        cfg.put("prompts", List.of("{{question}}"));
        cfg.put("providers", List.of(Map.of("id", "openai:chat:" + MODEL,
                "config", Map.of("apiBaseUrl", baseUrl, "apiKey", "bench-dummy-key"))));
        List<Object> tests = new ArrayList<>();
        for (String q : Workloads.promptTexts(prompts)) {
            tests.add(Map.of("vars", Map.of("question", q)));
        }
        cfg.put("tests", tests);
        Path file = work.resolve("promptfooconfig.yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), cfg);
        return file;
    }

    private Map<String, String> promptfooEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PROMPTFOO_DISABLE_TELEMETRY", "1");
        env.put("PROMPTFOO_DISABLE_UPDATE", "1");
        env.put("PROMPTFOO_CONFIG_DIR", work.resolve("promptfoo-config").toString());
        env.put("NO_PROXY", "127.0.0.1,localhost");
        return env;
    }

    /**
     * Runs one process to its end. Wall is process start to exit as a shell would time it; the mock's timestamps
     * split it into start (to the first request), run (to the last answer sent) and stop (to the exit).
     */
    private Map<String, Object> runOnce(Tool t, MockOpenAi mock, List<String> command, String label, double ideal)
            throws Exception {
        Path log = work.resolve(label + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(t.dir().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // nothing from the caller's environment may point either tool elsewhere
        pb.environment().keySet().removeIf(v -> v.startsWith("OPENAI_") || v.startsWith("SIGHTLINE_")
                || v.startsWith("CAMEL_") || v.startsWith("PROMPTFOO_"));
        pb.environment().putAll(t.env());
        mock.reset();
        double load = Procfs.loadAverage();
        long epochMillis = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Process p = pb.start();
        Sampler sampler = new Sampler(p, t.pgDir());
        sampler.start();
        int exit = p.waitFor();
        long t1 = System.nanoTime();
        sampler.interrupt();
        sampler.join();
        MockOpenAi.Traffic traffic = mock.traffic();

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exitCode", exit);
        double wall = Scenario.secs(t1 - t0);
        m.put("wallSeconds", wall);
        m.put("efficiency", ideal / wall);
        m.put("requests", traffic.requests());
        m.put("maxInFlight", traffic.maxInFlight());
        m.put("otherRequests", traffic.otherRequests());
        if (traffic.requests() == 0) {
            throw new IllegalStateException(label + " made no request to the mock (exit " + exit + "), see " + log);
        }
        m.put("startSeconds", Scenario.secs(traffic.firstArrival() - t0));
        m.put("runSeconds", Scenario.secs(traffic.lastAnswer() - traffic.firstArrival()));
        m.put("stopSeconds", Scenario.secs(t1 - traffic.lastAnswer()));
        m.put("answeredInFirst5s", traffic.answeredWithin(FIRST_WINDOW));
        List<Double> turn = traffic.turnaroundsMs();
        m.put("connections", traffic.calls().stream().map(MockOpenAi.Call::clientPort).distinct().count());
        m.put("turnaroundMsMedian", percentile(turn, 0.5));
        m.put("turnaroundMsP90", percentile(turn, 0.9));
        m.put("turnaroundMsMax", percentile(turn, 1.0));
        // wall-clock instants, to read the tool's own log against the split
        Function<Long, String> at = nanos -> Instant.ofEpochMilli(epochMillis + (nanos - t0) / 1_000_000).toString();
        m.put("startedAt", at.apply(t0));
        m.put("firstRequestAt", at.apply(traffic.firstArrival()));
        m.put("lastAnswerAt", at.apply(traffic.lastAnswer()));
        m.put("exitedAt", at.apply(t1));
        if (t.name().equals("promptfoo")) {
            // the mock counted the requests; this is what promptfoo made of the answers
            String out = Files.readString(log);
            m.put("passed", lastNumber(out, "(\\d+) passed"));
            m.put("errors", lastNumber(out, "(\\d+) errors"));
        }
        m.put("cpuSeconds", sampler.cpuSeconds);
        m.put("peakRssMb", sampler.peakRssMb);
        m.put("loadBefore", load);
        m.put("log", root.relativize(log).toString());
        return m;
    }

    private static int lastNumber(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = -1;
        while (m.find()) {
            n = Integer.parseInt(m.group(1));
        }
        return n;
    }

    /** Medians over the rounds of one tool. */
    private static Map<String, Object> summary(List<Map<String, Object>> runs, double ideal) {
        Map<String, Object> s = new LinkedHashMap<>();
        Function<String, Double> med = k -> median(runs.stream().map(m -> ((Number) m.get(k)).doubleValue()).toList());
        double wall = med.apply("wallSeconds");
        s.put("wallSeconds", wall);
        s.put("efficiency", ideal / wall);
        s.put("startSeconds", med.apply("startSeconds"));
        s.put("runSeconds", med.apply("runSeconds"));
        s.put("stopSeconds", med.apply("stopSeconds"));
        s.put("runEfficiency", ideal / med.apply("runSeconds"));
        s.put("answeredInFirst5s", med.apply("answeredInFirst5s"));
        s.put("turnaroundMsMedian", med.apply("turnaroundMsMedian"));
        s.put("turnaroundMsP90", med.apply("turnaroundMsP90"));
        s.put("requests", runs.stream().map(m -> (int) m.get("requests")).distinct().toList());
        s.put("maxInFlight", runs.stream().mapToInt(m -> (int) m.get("maxInFlight")).max().orElse(0));
        s.put("cpuSeconds", med.apply("cpuSeconds"));
        s.put("peakRssMb", med.apply("peakRssMb"));
        s.put("runs", runs);
        return s;
    }

    /**
     * Each timed run of each tool exited 0 after exactly one request per prompt, never more than 5 in flight (and
     * promptfoo reported every test passed: Sightline's exit code 0 already says every cell succeeded).
     */
    private Map<String, Object> checks(Map<String, List<Map<String, Object>>> runs) {
        Map<String, Object> c = new LinkedHashMap<>();
        boolean ok = true;
        for (var e : runs.entrySet()) {
            List<String> bad = new ArrayList<>();
            for (Map<String, Object> m : e.getValue()) {
                boolean answered = !m.containsKey("passed") || (int) m.get("passed") == prompts;
                if ((int) m.get("exitCode") != 0 || (int) m.get("requests") != prompts
                        || (int) m.get("maxInFlight") > CONCURRENCY || (int) m.get("otherRequests") != 0 || !answered) {
                    bad.add(m.get("log") + ": exit " + m.get("exitCode") + ", " + m.get("requests") + " requests, max "
                            + m.get("maxInFlight") + " in flight, " + m.get("otherRequests") + " other"
                            + (answered ? "" : ", " + m.get("passed") + " passed"));
                }
            }
            c.put(e.getKey(), bad.isEmpty() ? "ok" : bad);
            ok &= bad.isEmpty();
        }
        c.put("ok", ok);
        return c;
    }

    /** Nearest-rank percentile; NaN for no values. */
    static double percentile(List<Double> xs, double q) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(Math.max(0, (int) Math.ceil(q * s.size()) - 1));
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private boolean installedPromptfoo() throws IOException {
        Path pkg = promptfooHome.resolve("node_modules/promptfoo/package.json");
        return Files.isRegularFile(pkg) && Files.isExecutable(promptfooHome.resolve("node_modules/.bin/promptfoo"))
                && PROMPTFOO_VERSION.equals(Scenario.JSON.readTree(pkg.toFile()).path("version").asText());
    }

    /** {@code npm install} into bench/work/promptfoo; null when it worked, else why not. */
    private String installPromptfoo() throws IOException, InterruptedException {
        if (version("npm") == null) {
            return "npm not found on PATH (needed to install promptfoo " + PROMPTFOO_VERSION + ")";
        }
        Files.createDirectories(promptfooHome);
        Path pkg = promptfooHome.resolve("package.json");
        if (!Files.exists(pkg)) {
            Files.writeString(pkg, "{\"name\": \"sightline-bench-promptfoo\", \"private\": true}\n");
        }
        Path log = promptfooHome.resolve("npm-install.log");
        System.out.println("peer: npm install promptfoo@" + PROMPTFOO_VERSION + " into " + promptfooHome);
        ProcessBuilder pb = new ProcessBuilder("npm", "install", "promptfoo@" + PROMPTFOO_VERSION, "--save-exact",
                "--ignore-scripts", "--no-audit", "--no-fund").directory(promptfooHome.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        int exit = pb.start().waitFor();
        if (exit != 0 || !installedPromptfoo()) {
            return "npm install promptfoo@" + PROMPTFOO_VERSION + " failed (exit " + exit + "), see " + log;
        }
        return null;
    }

    private static Map<String, Object> skipped(Map<String, Object> r, String why) {
        System.out.println("peer: skipped: " + why);
        r.put("skipped", why);
        return r;
    }

    /** {@code <tool> --version}, or null when it cannot be run. */
    private static String version(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Every 100 ms: CPU time of the process and its descendants (plus its PostgreSQL, which runs detached) and the
     * process's peak RSS. The last 100 ms before exit are not seen, so CPU is a slight underestimate.
     */
    private static final class Sampler extends Thread {
        private final Process process;
        private final Path pgDir;
        private final Map<Long, Double> cpuByPid = new LinkedHashMap<>();
        private volatile double pgCpu;
        volatile double cpuSeconds;
        volatile double peakRssMb;

        Sampler(Process process, Path pgDir) {
            super("peer-sampler");
            this.process = process;
            this.pgDir = pgDir;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (process.isAlive()) {
                sample(process.toHandle());
                process.toHandle().descendants().forEach(this::sample);
                if (pgDir != null) {
                    // the postmaster of the previous run is gone, so this counts only this run's PostgreSQL
                    pgCpu = Math.max(pgCpu, Procfs.postgresCpuSeconds(pgDir));
                }
                peakRssMb = Math.max(peakRssMb, Procfs.vmHwmMb(process.pid()));
                cpuSeconds = cpuByPid.values().stream().mapToDouble(Double::doubleValue).sum() + pgCpu;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample(ProcessHandle h) {
            h.info().totalCpuDuration().ifPresent(d -> cpuByPid.merge(h.pid(), d.toNanos() / 1e9, Math::max));
        }
    }
}
