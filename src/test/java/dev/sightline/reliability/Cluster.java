package dev.sightline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import org.postgresql.ds.PGSimpleDataSource;

import dev.sightline.admin.Invariants;
import dev.sightline.simulator.SimWorld;
import dev.sightline.simulator.Simulator;
import dev.sightline.simulator.SimulatorSettings;
import dev.sightline.store.Jdbc;
import dev.sightline.testing.TestApp;

/**
 * Nodes in child JVMs sharing one PostgreSQL database and one provider simulator in the test JVM. Every node is
 * pointed at the simulator through {@code sightline.simulator.url} (its providers have no key, so they are simulated,
 * by that simulator instead of one of its own), so {@link Simulator#requestsPerCell()} is one log of every provider
 * call of every node.
 *
 * <p>The workspace is written for the test: {@code prompts} questions, plus optionally one the simulator cannot
 * answer (it fails every request for it with a 500), and two providers, {@code openai} (openai-chat) and
 * {@code anthropic}; the other providers of application.properties are disabled.
 */
final class Cluster implements AutoCloseable {

    /** A prompt containing this word is answered 500 by the simulator, every time. */
    static final String POISON = "poison";

    private static final Set<Node> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // a test JVM that ends (or is interrupted) does not leave node JVMs behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Node::close), "reliability-nodes"));
    }

    private final String name;
    private final String jdbcUrl;
    private final Simulator simulator;
    private final Path dir;
    private final Map<String, String> common;
    private final Jdbc jdbc;
    private final List<Node> nodes = new CopyOnWriteArrayList<>();

    private Cluster(String name, String jdbcUrl, Simulator simulator, Path dir, Map<String, String> common) {
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.simulator = simulator;
        this.dir = dir;
        this.common = common;
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        this.jdbc = new Jdbc(ds);
    }

    /**
     * @param simulatorProperties {@code sightline.simulator.*} for the shared simulator (latency, faults)
     * @param nodeProperties      settings every node gets on top of the defaults below
     */
    static Cluster start(String name, String jdbcUrl, int prompts, boolean poison,
                         Map<String, String> simulatorProperties, Map<String, String> nodeProperties) {
        Path dir = Path.of("target", "reliability", name).toAbsolutePath();
        try {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path workspace = dir.resolve("workspace.yaml");
        writeWorkspace(workspace, prompts, poison);

        Map<String, String> sim = new LinkedHashMap<>();
        sim.put("sightline.simulator.day", "2026-11-20");
        sim.putAll(simulatorProperties);
        SimulatorSettings settings = SimulatorSettings.fromProperties(k -> Optional.ofNullable(sim.get(k)));
        SimWorld world = new SimWorld("CRM software", List.of());
        Simulator simulator = Simulator.start(settings, text -> {
            if (text.contains(POISON)) {
                throw new IllegalStateException("the simulator cannot answer this prompt");
            }
            return world;
        });

        Map<String, String> p = new LinkedHashMap<>();
        p.put("sightline.db.url", jdbcUrl);
        p.put("sightline.db.user", "postgres");
        p.put("sightline.db.pool-size", "6");
        p.put("sightline.workspace.file", workspace.toString());
        p.put("sightline.api.bootstrap-token", TestApp.TOKEN);
        p.put("sightline.schedule.enabled", "false");
        p.put("sightline.schedule.scheduler-name", "reliability-" + name);
        // every node's providers are simulated by the one simulator of the test JVM
        p.put("sightline.simulator.enabled", "auto");
        p.put("sightline.simulator.url", simulator.origin());
        for (String provider : new String[] {"openai", "anthropic"}) {
            p.put("sightline.providers." + provider + ".requests-per-minute", "6000");
        }
        p.put("sightline.providers.gemini.enabled", "false");
        p.put("sightline.providers.perplexity.enabled", "false");
        p.put("sightline.dispatch.consumers", "3");
        p.put("sightline.dispatch.poll-interval", "200ms");
        p.put("sightline.lease.duration", "3s");
        // a frozen node's open transaction (its analysis batch's rollup lock) ends well within the tests' waits
        p.put("sightline.db.idle-in-transaction-timeout", "5s");
        p.put("sightline.retry.base-delay", "200ms");
        p.put("sightline.retry.max-delay", "2s");
        p.put("sightline.shutdown.grace", "5s");
        // tests with faults must not have their provider's circuit open on them
        p.put("sightline.circuit.minimum-calls", "1000");
        p.putAll(nodeProperties);
        return new Cluster(name, jdbcUrl, simulator, dir, p);
    }

    private static void writeWorkspace(Path file, int prompts, boolean poison) {
        StringBuilder y = new StringBuilder("""
                workspace: {slug: reliability, name: Reliability, category: CRM software}
                brand: {name: Pipedrive, aliases: [Pipedrive CRM], domains: [pipedrive.com]}
                competitors:
                  - {name: HubSpot, domains: [hubspot.com]}
                  - {name: Salesforce, domains: [salesforce.com]}
                prompts:
                """);
        if (poison) {
            // first, so its cells are the lowest ids and are claimed first
            y.append("  - {text: \"Which CRM survives a ").append(POISON).append(" question?\", tags: [topic:poison]}\n");
        }
        for (int i = 1; i <= prompts; i++) {
            y.append("  - {text: \"Which CRM is best for team number ").append(i)
                    .append("?\", tags: [topic:crm]}\n");
        }
        try {
            Files.writeString(file, y);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a node with the common settings and waits until it answers. */
    Node node(String id) {
        return node(id, Map.of());
    }

    Node node(String id, Map<String, String> extra) {
        return launch(id, extra).awaitReady(Duration.ofSeconds(90));
    }

    /** Starts several nodes at once (they share the cores, so this is quicker than one by one). */
    List<Node> nodes(String... ids) {
        List<Node> started = new ArrayList<>();
        for (String id : ids) {
            started.add(launch(id, Map.of()));
        }
        started.forEach(n -> n.awaitReady(Duration.ofSeconds(120)));
        return started;
    }

    Node launch(String id, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>(common);
        p.put("sightline.node.id", id);
        p.put("camel.server.port", Integer.toString(freePort()));
        p.putAll(extra);
        Node n = Node.launch(id, Integer.parseInt(p.get("camel.server.port")), p, dir.resolve(id + ".log"));
        nodes.add(n);
        LIVE.add(n);
        return n;
    }

    Simulator simulator() {
        return simulator;
    }

    /** The simulated providers the nodes call (OpenAI chat, Anthropic) answer within this latency from now on. */
    void latency(java.time.Duration median, java.time.Duration p99) {
        for (String kind : List.of(dev.sightline.provider.ProviderKinds.OPENAI_CHAT,
                dev.sightline.provider.ProviderKinds.ANTHROPIC)) {
            simulator.setFaults(kind, simulator.faults(kind).withLatency(median, p99));
        }
    }

    Jdbc db() {
        return jdbc;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    String name() {
        return name;
    }

    long count(String sql, Object... params) {
        return jdbc.queryOne(sql, rs -> rs.getLong(1), params).orElseThrow();
    }

    List<Long> ids(String sql, Object... params) {
        return jdbc.query(sql, rs -> rs.getLong(1), params);
    }

    /** What the database's other sessions are doing and waiting for: what a stalled test needs to be read. */
    String sessions() {
        return TestApp.rows(jdbcUrl, """
                SELECT pid, state, coalesce(wait_event_type || ':' || wait_event, '-'),
                       round(extract(epoch FROM now() - state_change)::numeric, 1) || ' s',
                       left(regexp_replace(query, '\\s+', ' ', 'g'), 100)
                  FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                 ORDER BY state_change""");
    }

    /** Cell id to attempts, for a run. */
    Map<Long, Integer> attempts(long runId) {
        Map<Long, Integer> out = new LinkedHashMap<>();
        jdbc.query("SELECT id, attempts FROM cell WHERE run_id = ? ORDER BY id", rs -> {
            out.put(rs.getLong(1), rs.getInt(2));
            return null;
        }, runId);
        return out;
    }

    String runStatus(long runId) {
        return jdbc.queryOne("SELECT status FROM run WHERE id = ?", rs -> rs.getString(1), runId).orElseThrow();
    }

    /** Waits until the run is over (read from the database: it does not depend on any node being up). */
    String awaitRun(long runId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String s = runStatus(runId);
            if (!s.equals("running")) {
                return s;
            }
            Node.pause(200);
        }
        throw new AssertionError("run " + runId + " not over after " + timeout + "; cells by status: "
                + jdbc.query("SELECT status || ' ' || count(*) FROM cell WHERE run_id = ? GROUP BY status",
                        rs -> rs.getString(1), runId)
                + ", unanalysed " + count("SELECT count(*) FROM analysis_queue WHERE run_id = ?", runId)
                + ", invariants " + invariants().check());
    }

    Invariants invariants() {
        // the nodes' lease is 3 s; the grace is the application's default
        return new Invariants(jdbc, Integer.parseInt(common.getOrDefault("sightline.retry.max-attempts", "6")),
                Duration.ofSeconds(4), Duration.ofSeconds(3 + 4));
    }

    /** The checker over the whole database must find nothing. */
    void assertInvariants() {
        Invariants.Report report = invariants().check();
        assertThat(report.violations()).as("invariant violations").isEmpty();
        assertThat(report.ok()).isTrue();
    }

    /** Every cell of the run has exactly one stored response. */
    void assertOneResponsePerCell(long runId) {
        long cells = count("SELECT count(*) FROM cell WHERE run_id = ?", runId);
        assertThat(count("""
                SELECT count(*) FROM cell c WHERE c.run_id = ?
                   AND (SELECT count(*) FROM response s WHERE s.cell_id = c.id) = 1""", runId))
                .as("cells of run %d with exactly one response", runId).isEqualTo(cells);
    }

    @Override
    public void close() {
        nodes.forEach(n -> {
            n.close();
            LIVE.remove(n);
        });
        simulator.close();
    }

    /**
     * A port free now, below Linux's ephemeral range (32768-60999): a node binds it seconds later and the outage
     * test's PostgreSQL binds it again after 20 s, while other builds on the machine keep taking ephemeral ports.
     */
    static int freePort() {
        for (int i = 0; i < 200; i++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port)) {
                return port;
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
    }
}
