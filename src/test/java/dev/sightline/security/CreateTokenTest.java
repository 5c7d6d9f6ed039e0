package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * {@code --create-token} touches the database and nothing else, also while a service runs on it: it starts no
 * HTTP server (the port it would use is taken, and it still succeeds), claims no cell, imports no workspace file.
 * The token asked for here is read-only ({@code --read-only}): it reads, and may not start a run.
 */
class CreateTokenTest {

    @Test
    void createsATokenAndStartsNothing() throws Exception {
        try (TestApp app = TestApp.start("create_token", Map.of("sightline.dispatch.poll-interval", "1h"));
             ServerSocket taken = new ServerSocket(0)) {
            long run = app.planWithoutDispatch(List.of("openai"), List.of("topic:pricing"));
            Path extra = Files.createTempFile("extra-workspace", ".yaml");
            Files.writeString(extra, "workspace: {slug: never-imported, name: N}\nbrand: {name: Acme}\nprompts: [hi]\n");

            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "-Dsightline.db.url=" + app.jdbcUrl(), "-Dsightline.db.user=postgres",
                    "-Dcamel.server.port=" + taken.getLocalPort(),
                    "-Dsightline.workspace.file=examples/demo.yaml," + extra,
                    "-Dsightline.dispatch.poll-interval=50ms", "-Dsightline.schedule.enabled=true",
                    "dev.sightline.Sightline", "--create-token", "pipedrive-demo", "--name", "from-cli", "--read-only").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err).isZero();

            // the test classpath logs to stdout too: the token is the line of its own
            String token = out.lines().filter(l -> l.startsWith("sl_")).findFirst().orElseThrow();
            assertThat(app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs")).GET(), token).status())
                    .isEqualTo(200);
            assertThat(app.count("SELECT count(*) FROM api_token WHERE name = 'from-cli' AND access = 'read'"))
                    .isEqualTo(1);
            // --read-only: it reads, and may not start a run
            assertThat(app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/runs"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")), token).status()).isEqualTo(403);
            assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND (status <> 'pending' OR attempts > 0"
                    + " OR lease_owner IS NOT NULL)", run)).as("cells claimed").isZero();
            assertThat(app.count("SELECT count(*) FROM workspace WHERE slug = 'never-imported'")).isZero();
            assertThat(out + err).doesNotContain("HttpServer started").doesNotContain("imported")
                    .doesNotContain("Sightline node");
        }
    }
}
