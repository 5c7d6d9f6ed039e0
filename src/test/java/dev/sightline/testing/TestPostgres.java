package dev.sightline.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL per test JVM (started on first use, stopped by its shutdown hook); each test class gets
 * its own database in it, so classes never see each other's rows and the suite stays fast.
 */
public final class TestPostgres {

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestPostgres() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the test PostgreSQL", e);
            }
        }
        return postgres;
    }

    /** Creates a fresh database and returns its JDBC URL (user postgres, no password). */
    public static String newDatabase(String hint) {
        String name = (hint.replaceAll("[^A-Za-z0-9]", "_") + "_" + COUNTER.incrementAndGet()).toLowerCase();
        if (name.length() > 60) {
            name = name.substring(name.length() - 60);
        }
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return server().getJdbcUrl("postgres", name);
    }
}
