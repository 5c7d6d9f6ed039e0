package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sightline.testing.TestPostgres;

/** A wrong setting stops the app at start with exit code 2 and one line naming the setting. */
class ConfigErrorsTest {

    record Outcome(int exit, String stdout, List<String> errorLines) {
    }

    static Outcome launch(String... properties) throws IOException, InterruptedException {
        return launchIn(Path.of("").toAbsolutePath(), properties);
    }

    /** {@code --once} started in a working folder, as a user would from there. */
    static Outcome launchIn(Path workingDir, String... properties) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "-Dsightline.db.url=" + TestPostgres.newDatabase("config_errors"), "-Dsightline.db.user=postgres"));
        for (String p : properties) {
            cmd.add("-D" + p);
        }
        cmd.addAll(List.of("dev.sightline.Sightline", "--once"));
        Process p = new ProcessBuilder(cmd).directory(workingDir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), out, err.lines().filter(l -> l.startsWith("sightline:")).toList());
    }

    @Test
    void invalidCron() throws Exception {
        Outcome o = launch("sightline.schedule.cron=0 0 25 * * ?");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.schedule.cron").contains("Hour");
    }

    @Test
    void unknownProviderKind() throws Exception {
        Outcome o = launch("sightline.providers.openai.kind=open-ai");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.providers.openai.kind=open-ai").contains("openai-chat");
    }

    @Test
    void aBusyPortStopsTheStartNamingThePortAndTheSetting() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "-Dsightline.db.url=" + TestPostgres.newDatabase("config_errors"), "-Dsightline.db.user=postgres",
                    "-Dcamel.server.port=" + taken.getLocalPort(), "dev.sightline.Sightline"));
            Process p = new ProcessBuilder(cmd).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            List<String> lines = err.lines().filter(l -> l.startsWith("sightline:")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("Port " + taken.getLocalPort()).contains("camel.server.port");
        }
    }

    @Test
    void anUnreachableDatabaseNamesTheCauseWithinTheConnectTimeout() throws Exception {
        long t0 = System.nanoTime();
        // a port nothing listens on: the connection is refused, the start must not wait for a minute
        Outcome o = launch("sightline.db.url=jdbc:postgresql://127.0.0.1:9/nothing", "sightline.db.connect-timeout=2s");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("Cannot connect to the database").contains("sightline.db.url")
                .containsIgnoringCase("refused");
        assertThat(seconds).as("seconds to the error, JVM start included").isLessThan(15);
    }

    @Test
    void aDatabaseNotInUtf8IsRefusedNamingTheSettingAndTheEncoding() throws Exception {
        String name = "latin1_" + System.nanoTime();
        try (java.sql.Connection c = TestPostgres.server().getPostgresDatabase().getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        }
        Outcome o = launch("sightline.db.url=" + TestPostgres.server().getJdbcUrl("postgres", name));
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.db.url").contains("LATIN1").contains("UTF8");
        try (java.sql.Connection c = TestPostgres.server().getDatabase("postgres", name).getConnection();
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("tables created in the refused database").isZero();
        }
    }

    @Test
    void aBrokenRouteFileStopsTheStartNamingTheFile(@TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("routes"));
        java.nio.file.Files.writeString(dir.resolve("routes/mine.yaml"), "- route:\n    id: mine\n    from: [oops\n");
        Outcome o = launchIn(dir);
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("Invalid route file routes/mine.yaml (line 3");

        java.nio.file.Files.writeString(dir.resolve("routes/mine.yaml"),
                "- route:\n    id: mine\n    from:\n      uri: direct:mine\n      steps:\n        - noSuchStep: {}\n");
        Outcome unknown = launchIn(dir);
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.errorLines()).hasSize(1);
        assertThat(unknown.errorLines().get(0)).contains("Invalid route file routes/mine.yaml").contains("noSuchStep");
    }

    @Test
    void missingKeyWithoutTheSimulator() throws Exception {
        Outcome o = launch("sightline.simulator.enabled=false");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.providers.").contains("api-key");
    }

    @Test
    void invalidPageReaders() throws Exception {
        for (String setting : List.of("sightline.pages.readers=0", "sightline.pages.readers-nice=20")) {
            Outcome o = launch(setting);
            assertThat(o.exit()).isEqualTo(2);
            assertThat(o.errorLines()).hasSize(1);
            assertThat(o.errorLines().get(0)).contains(setting);
        }
    }

    @Test
    void invalidAlertSetting() throws Exception {
        Outcome o = launch("sightline.alerts.confidence=95");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.alerts.confidence=95").contains("between");
    }

    @Test
    void invalidWebhookNamesTheFileAndFieldButNotTheSecret() throws Exception {
        Path file = java.nio.file.Files.createTempFile("webhook", ".yaml");
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(Path.of("examples/demo.yaml")) + """

                webhooks:
                  - {url: "https://hooks.example.com/x", secret: whsec-SECRET-0123456789, events: [run.done]}
                """);
        Outcome o = launch("sightline.workspace.file=" + file);
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains(file + ": webhooks[0].events[0]: unknown event 'run.done'")
                .doesNotContain("whsec-SECRET");
    }

    @Test
    void aJudgeThatIsNoProvider() throws Exception {
        Outcome o = launch("sightline.analysis.judge=oracle");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.analysis.judge=oracle").contains("openai");
    }

    @Test
    void aDatasetLimitThatIsNoSize() throws Exception {
        Outcome o = launch("sightline.datasets.max-line-bytes=a lot");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.datasets.max-line-bytes").contains("1MB");
    }

    @Test
    void anApiSettingIsCheckedAlsoWhenNoApiIsServed() throws Exception {
        // a one-off builds no API, and still names a wrong API setting before anything runs
        Outcome o = launch("sightline.http.header-timeout=soon");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.errorLines()).hasSize(1);
        assertThat(o.errorLines().get(0)).contains("sightline.http.header-timeout");
    }
}
