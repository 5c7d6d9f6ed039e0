package dev.sightline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL is not open to other local users: it asks for a password generated on first start and
 * kept in its data folder readable by the owner only, and it listens on loopback only; the clean-up after a crash never
 * touches a PostgreSQL that serves another folder.
 */
class EmbeddedDatabaseTest {

    static Connection connect(String url, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(url, p);
    }

    @Test
    void asksForAGeneratedPasswordKeptOwnerOnlyAndListensOnLoopback(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("postgres");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            Path file = dir.resolve(EmbeddedDatabase.PASSWORD_FILE);
            assertThat(Files.getPosixFilePermissions(file))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            String password = Files.readString(file).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(32).isEqualTo(db.password());

            try (Connection c = connect(db.jdbcUrl(), password); ResultSet rs = c.createStatement()
                    .executeQuery("SELECT current_setting('listen_addresses')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
            }
            assertThatThrownBy(() -> connect(db.jdbcUrl(), null).close()).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(db.jdbcUrl(), "wrong-" + password).close())
                    .isInstanceOf(SQLException.class);

            Optional<InetAddress> outside = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
            if (outside.isPresent()) {
                assertThatThrownBy(() -> new Socket(outside.get(), db.port()).close()).isInstanceOf(
                        java.io.IOException.class);
            }
        }
        // a second start of the same folder keeps the password and still asks for it
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir, 0)) {
            assertThat(again.password()).isEqualTo(Files.readString(dir.resolve(EmbeddedDatabase.PASSWORD_FILE)).strip());
            assertThatThrownBy(() -> connect(again.jdbcUrl(), null).close()).isInstanceOf(SQLException.class);
            try (Connection c = connect(again.jdbcUrl(), again.password())) {
                assertThat(c.isValid(2)).isTrue();
            }
        }
    }

    @Test
    void aCopiedFoldersStalePidFileNeverStopsTheOriginalsPostgres(@TempDir Path dir) throws Exception {
        try (EmbeddedDatabase original = EmbeddedDatabase.start(dir.resolve("original"), 0)) {
            // a copy of the folder while it runs: its postmaster.pid names the original's live postgres
            Path copy = Files.createDirectories(dir.resolve("copy"));
            List<String> pid = Files.readAllLines(dir.resolve("original").resolve("postmaster.pid"));
            Files.write(copy.resolve("postmaster.pid"), pid);
            long postgres = Long.parseLong(pid.get(0).strip());

            EmbeddedDatabase.stopOrphanedPostmaster(copy);

            assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive)).contains(true);
            assertThat(copy.resolve("postmaster.pid")).doesNotExist();
            try (var c = DriverManager.getConnection(original.jdbcUrl(), credentials(original))) {
                assertThat(c.isValid(2)).isTrue();
            }
        }
    }

    /**
     * A folder started before restarts from the binaries recorded then, in a session of its own (a Ctrl-C in the
     * terminal reaches the app, which drains, not the database under it), and is stopped and unlocked by close;
     * recorded binaries that are gone send the start the long way, which records them again.
     */
    @Test
    void aRestartRunsTheRecordedBinariesInASessionOfItsOwnAndStopsThem(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("postgres");
        try (EmbeddedDatabase first = EmbeddedDatabase.start(dir, 0)) {
            assertThat(first.port()).isPositive();
        }
        Path recorded = dir.resolve(Postgres.Binaries.FILE);
        List<String> lines = Files.readAllLines(recorded);
        assertThat(Path.of(lines.get(1)).resolve("postgres")).isExecutable();

        long pid;
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir, 0)) {
            pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).strip());
            assertThat(session(pid)).isNotEqualTo(session(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, 0)).hasMessageContaining("in use");
            try (Connection c = DriverManager.getConnection(again.jdbcUrl(), credentials(again))) {
                assertThat(c.isValid(2)).isTrue();
            }
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(dir.resolve("postmaster.pid")).doesNotExist();

        Files.write(recorded, List.of(lines.get(0), dir.resolve("no-such-binaries").toString(), lines.get(2)));
        try (EmbeddedDatabase longWay = EmbeddedDatabase.start(dir, 0);
                Connection c = DriverManager.getConnection(longWay.jdbcUrl(), credentials(longWay))) {
            assertThat(c.isValid(2)).isTrue();
        }
        assertThat(Files.readAllLines(recorded)).isEqualTo(lines);
    }

    /**
     * The stop is a smart shutdown (SIGTERM, no pg_ctl to start) that a session still open cannot hold: after
     * {@link Postgres#SMART_WAIT} the session is ended and the server stops all the same, its data directory unlocked.
     */
    @Test
    void aSessionLeftOpenDoesNotHoldTheStop(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("postgres");
        EmbeddedDatabase.start(dir, 0).close(); // the second start runs the recorded binaries (Postgres)
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).strip());
        try (Connection open = DriverManager.getConnection(db.jdbcUrl(), credentials(db))) {
            long started = System.nanoTime();
            db.close();
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(tookMs).isGreaterThanOrEqualTo(Postgres.SMART_WAIT.toMillis())
                    .isLessThan(Postgres.SMART_WAIT.toMillis() + 20_000);
            assertThat(open.isValid(1)).isFalse();
        }
        assertThat(Files.readString(dir.resolve(Postgres.LOG_FILE))).contains("received smart shutdown request",
                "received fast shutdown request", "database system is shut down");
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir, 0);
                Connection c = DriverManager.getConnection(again.jdbcUrl(), credentials(again))) {
            assertThat(c.isValid(2)).isTrue();
        }
    }

    /**
     * A stop's checkpoint ahead ({@link Database#checkpointAhead}): a checkpoint is requested while the application
     * still stops, and closing waits for it before the pool closes and the server stops.
     */
    @Test
    void theCheckpointAheadOfAStopIsWrittenBeforeTheServerStops(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("postgres");
        EmbeddedDatabase.start(dir, 0).close(); // the second start runs the recorded binaries (Postgres)
        Database db = Database.open(new Database.Settings("", "sightline", "", 4, dir, 0, java.time.Duration.ofSeconds(5),
                "sightline-test", Database.Settings.IDLE_IN_TRANSACTION));
        Jdbc jdbc = new Jdbc(db.dataSource());
        long before = jdbc.queryOne("SELECT checkpoints_req FROM pg_stat_bgwriter", rs -> rs.getLong(1)).orElseThrow();
        jdbc.update("CREATE TABLE written_before_the_stop AS SELECT g FROM generate_series(1, 10000) g");
        db.checkpointAhead();
        db.checkpointAhead(); // once
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        long requested = before;
        while (requested == before && System.nanoTime() < deadline) {
            requested = jdbc.queryOne("SELECT checkpoints_req FROM pg_stat_bgwriter", rs -> rs.getLong(1))
                    .orElseThrow();
            Thread.onSpinWait();
        }
        assertThat(requested).as("checkpoints requested").isEqualTo(before + 1);
        db.close();
        assertThat(dir.resolve("postmaster.pid")).doesNotExist();
        assertThat(Files.readString(dir.resolve(Postgres.LOG_FILE))).contains("received smart shutdown request")
                .doesNotContain("ERROR", "FATAL", "fast shutdown");
    }

    /** The session id of a process (field 6 of /proc/pid/stat, after the parenthesised name). */
    private static long session(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[3]);
    }

    private static Properties credentials(EmbeddedDatabase db) {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        p.setProperty("password", db.password());
        return p;
    }
}
