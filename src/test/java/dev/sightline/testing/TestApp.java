package dev.sightline.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sightline.SightlineApp;

/**
 * The real application for a test: its own database in the JVM's PostgreSQL, the built-in simulator, a free HTTP
 * port, and helpers to drive it over HTTP with a bearer token.
 */
public final class TestApp implements AutoCloseable {

    public static final String TOKEN = "test-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SightlineApp app;
    private final int port;
    private final String jdbcUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestApp(SightlineApp app, int port, String jdbcUrl) {
        this.app = app;
        this.port = port;
        this.jdbcUrl = jdbcUrl;
    }

    /** Settings every test app starts from: fast simulator, no schedule, a fixed simulator day. */
    public static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sightline.schedule.enabled", "false");
        m.put("sightline.api.bootstrap-token", TOKEN);
        m.put("sightline.simulator.enabled", "auto");
        m.put("sightline.simulator.latency-median", "5ms");
        m.put("sightline.simulator.latency-p99", "20ms");
        m.put("sightline.simulator.day", "2026-11-20");
        m.put("sightline.retry.base-delay", "200ms");
        m.put("sightline.retry.max-delay", "2s");
        m.put("sightline.dispatch.poll-interval", "100ms");
        m.put("sightline.shutdown.grace", "5s");
        return m;
    }

    /**
     * The settings of an app a test starts itself (a one-off, {@code SightlineApp.Mode.ONCE}): the defaults, a
     * database of its own, a small pool and a free port for the simulator.
     */
    public static Properties settings(String dbHint) {
        Properties p = new Properties();
        p.putAll(defaults());
        p.setProperty("sightline.db.url", TestPostgres.newDatabase(dbHint));
        p.setProperty("sightline.db.user", "postgres");
        p.setProperty("sightline.db.pool-size", "4");
        p.setProperty("sightline.simulator.port", "0");
        return p;
    }

    public static TestApp start(String dbHint, Map<String, String> overrides) {
        return start(TestPostgres.newDatabase(dbHint), overrides, true);
    }

    public static TestApp start(String jdbcUrl, Map<String, String> overrides, boolean withDefaults) {
        // two distinct free ports, the app's and the simulator's: a simulator left to bind port 0 may be handed the
        // app's port (free until the app binds it), and then requests to the app reach the simulator
        int[] ports = freePorts();
        int port = ports[0];
        Properties p = new Properties();
        if (withDefaults) {
            p.putAll(defaults());
        }
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("sightline.simulator.port", String.valueOf(ports[1]));
        p.setProperty("sightline.db.url", jdbcUrl);
        p.setProperty("sightline.db.user", "postgres");
        p.setProperty("sightline.db.pool-size", "8");
        p.setProperty("sightline.schedule.scheduler-name", "sightline-test-" + port);
        p.putAll(overrides);
        SightlineApp app = new SightlineApp(p);
        try {
            app.start();
        } catch (Exception e) {
            app.stop();
            throw new IllegalStateException("the app did not start: " + e.getMessage(), e);
        }
        return new TestApp(app, port, jdbcUrl);
    }

    public SightlineApp app() {
        return app;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public record Reply(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            return TestApp.json(status, body);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET(), TOKEN);
    }

    public Reply post(String path, String body) {
        return post(path, body, Map.of());
    }

    public Reply post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b, TOKEN);
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).DELETE(), TOKEN);
    }

    public Reply send(HttpRequest.Builder b, String token) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A reply to a request written by hand: status, head and body. */
    public record Raw(int status, String head, String body) {
        public JsonNode json() {
            return TestApp.json(status, body);
        }
    }

    static JsonNode json(int status, String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + status + "): " + body, e);
        }
    }

    /**
     * Sends bytes as they are (a request no HTTP client would send: NUL in a header, a half-written head) and
     * reads the reply up to its Content-Length or the end of the connection.
     */
    public Raw raw(String request) {
        return raw(request, "127.0.0.1");
    }

    /** {@link #raw(String)} from another loopback address (all of 127/8 is local): another client to the server. */
    public Raw raw(String request, String from) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port, java.net.InetAddress.getByName(from), 0)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            java.io.InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            String text = "";
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
                text = got.toString(java.nio.charset.StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                var length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
                if (end > 0 && length.find() && text.length() >= end + 4 + Integer.parseInt(length.group(1))) {
                    break;
                }
            }
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new AssertionError("no HTTP reply: " + text);
            }
            String head = text.substring(0, end);
            String body = text.substring(end + 4);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                StringBuilder joined = new StringBuilder();
                int at = 0;
                for (int size; (size = Integer.parseInt(body.substring(at, body.indexOf("\r\n", at)).strip(), 16)) > 0; ) {
                    int start = body.indexOf("\r\n", at) + 2;
                    joined.append(body, start, start + size);
                    at = start + size + 2;
                }
                body = joined.toString();
            }
            return new Raw(Integer.parseInt(text.substring(9, 12)), head, body);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e.getMessage(), e);
        }
    }

    /** Starts a run over HTTP and returns its id. */
    public long startRun(String body) {
        Reply r = post("/api/runs", body);
        if (r.status() != 202) {
            throw new AssertionError("POST /api/runs answered " + r.status() + ": " + r.body());
        }
        return r.json().get("id").asLong();
    }

    /**
     * Plans a run for the default workspace without asking the dispatcher to claim its cells, so a test can lease
     * cells itself first (start the app with a long {@code sightline.dispatch.poll-interval}); {@link #dispatchNow}
     * lets the node claim.
     */
    public long planWithoutDispatch(java.util.List<String> providers, java.util.List<String> tags) {
        var ws = app.bean(dev.sightline.workspace.ImportedWorkspaces.class).defaultWorkspace();
        return app.bean(dev.sightline.run.RunService.class).plan(ws.id(), new dev.sightline.run.RunRequest(providers,
                tags, 1, "api", null, null, true)).run().id();
    }

    /**
     * Fires the daily trigger's route ({@code schedule-runs}) for a slot, as Quartz would: the route starts from
     * {@code direct:schedule-slot} instead of its Quartz endpoint from the first call on.
     */
    public synchronized void fireSchedule(java.util.Date scheduledFireTime) {
        try {
            var ctx = app.context();
            if (ctx.hasEndpoint("direct://schedule-slot") == null) {
                org.apache.camel.builder.AdviceWith.adviceWith(ctx, "schedule-runs",
                        a -> a.replaceFromWith("direct:schedule-slot"));
                ctx.getRouteController().startRoute("schedule-runs");
            }
            ctx.createFluentProducerTemplate().to("direct:schedule-slot")
                    .withHeader("scheduledFireTime", scheduledFireTime).send();
        } catch (Exception e) {
            throw new AssertionError("firing the schedule failed", e);
        }
    }

    /** What the dispatch timer does: the node claims due cells for its idle consumers. */
    public void dispatchNow() {
        app.context().createFluentProducerTemplate().to("direct:dispatch").send();
    }

    /** The database's clock. */
    public java.time.Instant dbNow() {
        return app.bean(dev.sightline.store.Jdbc.class).queryOne("SELECT now()",
                rs -> dev.sightline.store.Jdbc.instant(rs, "now")).orElseThrow();
    }

    /** Polls GET /api/runs/{id} until the run is over; fails after the deadline. */
    public JsonNode awaitRun(long runId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get("/api/runs/" + runId).json();
            String status = last.get("status").asText();
            if (!status.equals("running") && !status.equals("cancelling")) {
                return last;
            }
            pause(100);
        }
        throw new AssertionError("run " + runId + " not finished after " + timeout + ": " + last);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            pause(50);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }

    /** A single number from SQL against this app's database. */
    public long count(String sql, Object... params) {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl);
             var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** Rows from SQL against this app's database, one line each (for an assertion's description). */
    public String rows(String sql, Object... params) {
        return rows(jdbcUrl, sql, params);
    }

    /** Rows from SQL against the database at {@code jdbcUrl}, one line each (for an assertion's description). */
    public static String rows(String jdbcUrl, String sql, Object... params) {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl);
             var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        out.append(i > 1 ? " | " : "\n").append(rs.getMetaData().getColumnLabel(i)).append('=')
                                .append(rs.getString(i));
                    }
                }
            }
            return out.toString();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    public void sql(String sql) {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }

    static int freePort() {
        return freePorts()[0];
    }

    /** Two ports free now and different from each other (both held open while the second is picked). */
    static int[] freePorts() {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
