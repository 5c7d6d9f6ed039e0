package dev.sightline.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** A plain data source on a test database and one-value queries, for the tests of migrations. */
final class TestDataSources {

    private TestDataSources() {
    }

    static DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        return ds;
    }

    /** The app's migrations (as merged into {@code dir}) up to {@code target} ("latest" for all). */
    static Flyway flyway(DataSource ds, Path dir, String target) {
        return Flyway.configure().dataSource(ds).locations("filesystem:" + dir).table("schema_history")
                .target(target).load();
    }

    /**
     * Workspace 1 with prompt 5 and one completed run (1) of {@code answers} succeeded cells on openai, each with a
     * response (ids 1 to {@code answers}) whose answer text is "answer", as the early schema versions stored it.
     */
    static void oneRunOfAnswers(Statement st, int answers) throws SQLException {
        st.execute("INSERT INTO workspace (id, slug, name) VALUES (1, 'acme', 'Acme')");
        st.execute("INSERT INTO prompt (id, workspace_id, text, text_hash) VALUES (5, 1, 'q', 'h')");
        st.execute("INSERT INTO run (id, workspace_id, run_date, trigger, status, providers, samples, cells_total)"
                + " VALUES (1, 1, '2026-11-30', 'api', 'completed', '{openai}', 1, " + answers + ")");
        for (int i = 1; i <= answers; i++) {
            st.execute("INSERT INTO cell (id, run_id, prompt_id, provider, sample, status, attempts) VALUES ("
                    + i + ", 1, 5, 'openai', " + i + ", 'succeeded', 1)");
            st.execute("INSERT INTO response (id, cell_id, provider, kind, http_status, answer_text, attempt)"
                    + " VALUES (" + i + ", " + i + ", 'openai', 'openai-chat', 200, 'answer', 1)");
        }
    }

    /** The first column of the first row, as text. */
    static String scalar(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
