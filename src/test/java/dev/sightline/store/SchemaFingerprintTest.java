package dev.sightline.store;

import static dev.sightline.store.TestDataSources.dataSource;
import static dev.sightline.store.TestDataSources.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import dev.sightline.config.Resources;
import dev.sightline.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * Flyway is skipped only when there is nothing for it to do: the migrations are byte for byte those the schema was
 * last brought up to date with and none failed. A new migration, a changed one or a failed one on record runs it.
 */
class SchemaFingerprintTest {

    @Test
    void flywayRunsOnlyWhenTheMigrationsDifferFromThoseLastApplied() throws Exception {
        DataSource ds = dataSource(TestPostgres.newDatabase("schema_fingerprint"));
        Path dir = Resources.mergedMigrations();
        try {
            assertThat(Database.migrate(ds, dir)).as("a fresh database").isTrue();
            assertThat(scalar(ds, "SELECT fingerprint FROM schema_fingerprint")).isEqualTo(Database.fingerprint(dir));
            assertThat(Database.migrate(ds, dir)).as("the same migrations again").isFalse();

            // a new migration (here from ./sql of the working folder) is applied, never skipped; the log says so
            // before it runs (a migration that rewrites a table takes a minute at a year of history) and how long it took
            Files.writeString(dir.resolve("V900__added_by_a_user.sql"), "CREATE TABLE added_by_a_user (id int);");
            var logs = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
            logs.start();
            var log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Database.class);
            log.addAppender(logs);
            try {
                assertThat(Database.migrate(ds, dir)).isTrue();
            } finally {
                log.detachAppender(logs);
            }
            assertThat(logs.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .hasSize(2)
                    .satisfies(m -> assertThat(m.get(0)).isEqualTo(
                            "Migrating the database schema: 1 migrations to apply, up to version 900 (added by a user)"))
                    .satisfies(m -> assertThat(m.get(1)).matches(
                            "Database schema at version 900 \\(1 migrations applied now, in [0-9]+\\.[0-9] s\\)"));
            assertThat(scalar(ds, "SELECT to_regclass('added_by_a_user')::text")).isEqualTo("added_by_a_user");
            assertThat(Database.migrate(ds, dir)).isFalse();

            // a failed migration on record (a run of another node that broke off) always goes through Flyway
            exec(ds, "INSERT INTO schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, execution_time, success) VALUES (999, '901', 'broken', 'SQL', 'V901__broken.sql',"
                    + " 0, 'postgres', 0, false)");
            assertThat(Database.migrate(ds, dir)).isTrue();
        } finally {
            Resources.deleteTree(dir);
        }
    }

    private static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
