package dev.sightline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL kept in ./data: it asks for a generated password kept in its folder (0600), listens on
 * loopback only, and the clean-up after a crash never touches a PostgreSQL that serves another folder.
 */
class EmbeddedDatabaseTest {

    @Test
    void aPasswordFileOnlyTheOwnerReadsAndLoopbackOnly() throws Exception {
        Path dir = Files.createTempDirectory("sightline-embedded");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
            Path file = dir.resolve("pg").resolve(EmbeddedDatabase.PASSWORD_FILE);
            assertThat(Files.getPosixFilePermissions(file))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            Properties none = new Properties();
            none.setProperty("user", "postgres");
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), none).close())
                    .hasMessageContaining("password");
            Properties right = new Properties();
            right.setProperty("user", "postgres");
            right.setProperty("password", Files.readString(file).strip());
            try (var c = DriverManager.getConnection(db.jdbcUrl(), right); var st = c.createStatement();
                 var rs = st.executeQuery("SHOW listen_addresses")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
            }
        }
        // the next start of the same folder uses the kept password
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
            assertThat(again.password()).isEqualTo(Files.readString(dir.resolve("pg").resolve(EmbeddedDatabase.PASSWORD_FILE)).strip());
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
