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
    void asksForAGeneratedPasswordKeptOwnerOnlyAndListensOnLoopback() throws Exception {
        Path dir = Files.createTempDirectory("embedded-db").resolve("postgres");
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
    void aCopiedFoldersStalePidFileNeverStopsTheOriginalsPostgres() throws Exception {
        Path dir = Files.createTempDirectory("sightline-copied");
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

    private static Properties credentials(EmbeddedDatabase db) {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        p.setProperty("password", db.password());
        return p;
    }
}
