package dev.sightline.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sightline.testing.TestApp;

/**
 * One Sightline node in its own JVM: {@code java -cp <the test classpath> dev.sightline.Sightline} with -D
 * properties, run from the project root (application.properties, routes/, sql/), its output in a log file. The
 * test can stop it gracefully (SIGTERM), kill it (SIGKILL), freeze and thaw it (SIGSTOP / SIGCONT) and read its log.
 */
final class Node implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final int port;
    private final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private Node(String id, int port, Path log, Process process) {
        this.id = id;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Launches the node; {@link #awaitReady} waits until it answers. */
    static Node launch(String id, int port, Map<String, String> properties, Path log) {
        return launch(id, port, properties, log, Path.of("").toAbsolutePath(), List.of());
    }

    /**
     * Launches {@code dev.sightline.Sightline} with these arguments (the service when none) in a working folder of
     * its own choosing: what a user's command line does.
     */
    static Node launch(String id, int port, Map<String, String> properties, Path log, Path workingDir,
                       List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small and quick to start: several of these share two cores with the test JVM and PostgreSQL
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("dev.sightline.Sightline");
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd)
                    .directory(workingDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new Node(id, port, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id, e);
        }
    }

    String id() {
        return id;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path logFile() {
        return log;
    }

    /** Waits until {@code GET /api/health} answers 200. */
    Node awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("node " + id + " exited with " + process.exitValue() + " while starting:\n"
                        + tail(40));
            }
            // without a token: health answers anyone, and a node of its own folder does not know the tests' token
            Reply r = tryGet("/api/health", Duration.ofSeconds(3), null);
            if (r != null && r.status() == 200) {
                return this;
            }
            pause(200);
        }
        throw new AssertionError("node " + id + " not ready after " + timeout + ":\n" + tail(40));
    }

    // ---- signals ----

    /** SIGKILL: the JVM dies at once, nothing runs (no shutdown hook, no lease release). */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM: Camel Main's shutdown hook stops the node gracefully. */
    void terminate() {
        process.destroy();
    }

    /** SIGINT, as Ctrl-C in a terminal. */
    void interrupt() {
        signal("INT");
    }

    /** SIGSTOP: the process stops dead, sockets and database sessions stay open. */
    void freeze() {
        signal("STOP");
    }

    /** SIGCONT: the process carries on where it stopped, unaware of the time that passed. */
    void thaw() {
        signal("CONT");
    }

    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new AssertionError("kill -" + sig + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for the process to end; returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("node " + id + " still running after " + timeout + ":\n" + tail(30));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            thawQuietly();
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void thawQuietly() {
        try {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // it is killed next anyway
        }
    }

    // ---- log ----

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> logLines(String regex) {
        Pattern p = Pattern.compile(regex);
        return logText().lines().filter(l -> p.matcher(l).find()).toList();
    }

    /** The first group of every match of {@code regex} in the log. */
    List<String> logGroups(String regex) {
        Matcher m = Pattern.compile(regex).matcher(logText());
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    String awaitLog(String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var line = logText().lines().filter(l -> p.matcher(l).find()).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            pause(100);
        }
        throw new AssertionError("node " + id + " did not log /" + regex + "/ within " + timeout + ":\n" + tail(30));
    }

    String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    // ---- HTTP ----

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), Duration.ofSeconds(30));
    }

    Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), Duration.ofSeconds(30));
    }

    /** Null when the node does not answer (not listening yet, frozen, gone). */
    Reply tryGet(String path, Duration timeout) {
        return tryGet(path, timeout, TestApp.TOKEN);
    }

    /** Null when the node does not answer; no Authorization header when {@code token} is null. */
    Reply tryGet(String path, Duration timeout, String token) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET().timeout(timeout);
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (ConnectException | HttpTimeoutException e) {
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Reply getWithToken(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), Duration.ofSeconds(30), token);
    }

    private Reply send(HttpRequest.Builder b, Duration timeout) {
        return send(b, timeout, TestApp.TOKEN);
    }

    private Reply send(HttpRequest.Builder b, Duration timeout, String token) {
        try {
            HttpResponse<String> r = http.send(b.timeout(timeout).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError("node " + id + ": request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Starts a run over HTTP and returns its id. */
    long startRun(String body) {
        Reply r = post("/api/runs", body);
        if (r.status() != 202) {
            throw new AssertionError("node " + id + ": POST /api/runs answered " + r.status() + ": " + r.body());
        }
        return r.json().get("id").asLong();
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return id + " (pid " + pid() + ", port " + port + ")";
    }
}
