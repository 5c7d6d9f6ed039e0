package dev.sightline.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, and the embedded PostgreSQL behind it when no URL is configured. */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /**
     * Connection settings. {@code url} empty: start an embedded PostgreSQL in {@code embeddedDir}.
     *
     * @param applicationName the sessions' {@code application_name}: "sightline", followed by the node's id when one is
     *                        set ({@code sightline.node.id}), so that {@code pg_stat_activity} tells the nodes apart
     * @param idleInTransaction how long a session of this pool may stay idle inside a transaction before PostgreSQL
     *                        ends it ({@code idle_in_transaction_session_timeout}; zero: never). A node that freezes
     *                        (a paused VM, SIGSTOP) in the middle of a transaction holds its locks until it wakes:
     *                        the workspace's rollup lock of an analysis batch, which every other node's analyses then
     *                        wait for, and the run with them. Ended by the server, the frozen node's transaction is
     *                        rolled back and its work taken over like that of a node that died.
     */
    public record Settings(String url, String user, String password, int poolSize, Path embeddedDir, int embeddedPort,
                           java.time.Duration connectTimeout, String applicationName,
                           java.time.Duration idleInTransaction) {

        public static final java.time.Duration IDLE_IN_TRANSACTION = java.time.Duration.ofSeconds(60);

        public Settings(String url, String user, String password, int poolSize, Path embeddedDir, int embeddedPort,
                        java.time.Duration connectTimeout) {
            this(url, user, password, poolSize, embeddedDir, embeddedPort, connectTimeout, "sightline",
                    IDLE_IN_TRANSACTION);
        }

        public static Settings from(dev.sightline.config.Config config) {
            return new Settings(config.string("sightline.db.url", ""), config.string("sightline.db.user", "sightline"),
                    config.string("sightline.db.password", ""), config.integer("sightline.db.pool-size", 16, 2, 500),
                    StoreConfiguration.embeddedDir(config),
                    config.integer("sightline.db.embedded.port", 0, 0, 65535),
                    config.duration("sightline.db.connect-timeout", java.time.Duration.ofSeconds(5)),
                    config.find("sightline.node.id").map(String::strip).filter(id -> !id.isEmpty())
                            .map(id -> "sightline " + id).orElse("sightline"),
                    config.duration("sightline.db.idle-in-transaction-timeout", IDLE_IN_TRANSACTION));
        }
    }

    /** How long {@link #close} waits for {@link #checkpointAhead}'s checkpoint (the shutdown writes what is left). */
    private static final Duration CHECKPOINT_WAIT = Duration.ofSeconds(10);

    private final HikariDataSource dataSource;
    private volatile Thread checkpoint;
    private final EmbeddedDatabase embedded;
    private final String url;

    private Database(HikariDataSource dataSource, EmbeddedDatabase embedded, String url) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.url = url;
    }

    public static Database open(Settings s) {
        EmbeddedDatabase embedded = null;
        String url = s.url();
        String user = s.user();
        String password = s.password();
        if (url == null || url.isBlank()) {
            embedded = EmbeddedDatabase.start(s.embeddedDir(), s.embeddedPort());
            url = embedded.jdbcUrl();
            user = embedded.user();
            password = embedded.password();
        } else if (!url.startsWith("jdbc:postgresql:")) {
            throw new dev.sightline.config.ConfigException("Invalid setting sightline.db.url=" + redact(url)
                    + ": expected jdbc:postgresql://host:port/database");
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("sightline");
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        if (password != null && !password.isEmpty()) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(s.poolSize());
        hc.setMinimumIdle(Math.min(4, s.poolSize()));
        hc.setConnectionTimeout(Math.max(250, s.connectTimeout().toMillis()));
        // a database that cannot be reached at start stops the start within the connect timeout, naming the cause
        hc.setInitializationFailTimeout(Math.max(1, s.connectTimeout().toMillis()));
        hc.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, s.connectTimeout().toSeconds())));
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("ApplicationName", s.applicationName());
        if (!s.idleInTransaction().isZero()) {
            hc.setConnectionInitSql("SET idle_in_transaction_session_timeout = "
                    + Math.max(1, s.idleInTransaction().toMillis()));
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw new dev.sightline.config.ConfigException("Cannot connect to the database " + redact(url)
                    + " (sightline.db.url, sightline.db.user, sightline.db.password): " + rootMessage(e));
        }
        Database db = new Database(ds, embedded, url);
        try {
            db.requireUtf8();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        db.migrate();
        return db;
    }

    /**
     * Answers come in every language and script, and the rollups' reads rely on Unicode code points sorting after
     * every provider name: a database in another encoding (LATIN1, SQL_ASCII) would refuse answers or metrics
     * later, so it is refused now, naming the setting.
     */
    private void requireUtf8() {
        String encoding;
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('server_encoding')")) {
            rs.next();
            encoding = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the database's encoding: " + e.getMessage(), e);
        }
        if (!"UTF8".equalsIgnoreCase(encoding)) {
            throw new dev.sightline.config.ConfigException("The database " + redact(url) + " (sightline.db.url) "
                    + "uses the encoding " + encoding + "; Sightline needs a UTF8 database (CREATE DATABASE ... "
                    + "ENCODING 'UTF8' TEMPLATE template0)");
        }
    }

    /** The migrations in the jar, with {@code ./sql/V*.sql} of the working folder replacing or adding to them. */
    private void migrate() {
        Path merged = dev.sightline.config.Resources.mergedMigrations();
        try {
            migrate(dataSource, merged);
        } finally {
            dev.sightline.config.Resources.deleteTree(merged);
        }
    }

    /**
     * Brings the schema up to date with the migrations in {@code dir}; returns whether Flyway ran. It does not
     * when the migrations are byte for byte those the schema was last brought up to date with and none failed
     * ({@code schema_fingerprint}, V16): then there is nothing to apply, and validating the same files again
     * against the history they were validated against would find what it found then.
     */
    static boolean migrate(DataSource dataSource, Path dir) {
        String fingerprint = fingerprint(dir);
        Optional<String> unchanged = versionIfUnchanged(dataSource, fingerprint);
        if (unchanged.isPresent()) {
            LOG.info("Database schema at version {} (0 migrations applied now; migrations unchanged since)",
                    unchanged.get());
            return false;
        }
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("filesystem:" + dir)
                .table("schema_history")
                .load();
        var pending = flyway.info().pending();
        if (pending.length > 0) {
            // a migration that rewrites a table takes its time on a big history (V28: about a minute at a year of
            // 3,500 answers a day), and the start waits for it: say so before, not only after
            LOG.info("Migrating the database schema: {} migrations to apply, up to version {} ({})", pending.length,
                    pending[pending.length - 1].getVersion(), pending[pending.length - 1].getDescription());
        }
        long started = System.nanoTime();
        MigrateResult result = flyway.migrate();
        var current = flyway.info().current();
        if (current == null) {
            throw new IllegalStateException("no migrations found in the jar or in ./sql");
        }
        recordFingerprint(dataSource, fingerprint);
        LOG.info("Database schema at version {} ({} migrations applied now, in {} s)", current.getVersion(),
                result.migrationsExecuted, String.format(java.util.Locale.ROOT, "%.1f",
                        (System.nanoTime() - started) / 1e9));
        return true;
    }

    /** SHA-256 over the migrations' file names and contents, in name order. */
    static String fingerprint(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
                sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(f));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read the database migrations in " + dir, e);
        }
    }

    /** The schema's version when its recorded fingerprint is this one and no migration failed. */
    private static Optional<String> versionIfUnchanged(DataSource dataSource, String fingerprint) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('schema_fingerprint') IS NOT NULL")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            try (ResultSet rs = st.executeQuery("""
                    SELECT f.fingerprint,
                           (SELECT version FROM schema_history WHERE success AND version IS NOT NULL
                             ORDER BY installed_rank DESC LIMIT 1),
                           EXISTS (SELECT 1 FROM schema_history WHERE NOT success)
                      FROM schema_fingerprint f WHERE f.id = 1""")) {
                if (rs.next() && fingerprint.equals(rs.getString(1)) && rs.getString(2) != null && !rs.getBoolean(3)) {
                    return Optional.of(rs.getString(2));
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            LOG.debug("Reading the schema fingerprint: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static void recordFingerprint(DataSource dataSource, String fingerprint) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO schema_fingerprint (id, fingerprint) VALUES (1, ?)
                ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, recorded_at = now()""")) {
            ps.setString(1, fingerprint);
            ps.executeUpdate();
        } catch (SQLException e) {
            // the next start runs Flyway again, which finds nothing to do
            LOG.warn("Cannot record the schema fingerprint: {}", e.getMessage());
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public EmbeddedDatabase embedded() {
        return embedded;
    }

    /** The URL without credentials, for logs. */
    public String describe() {
        return redact(url);
    }

    /**
     * Whether the database answers now, within about 2 s. It opens its own connection rather than borrowing one
     * from the pool: while the database is down the pool makes every caller wait its full connection timeout
     * (10 s), and a health check that slow looks like a dead node to whatever probes it.
     */
    public boolean ping() {
        Properties p = credentials("sightline-health");
        p.setProperty("connectTimeout", "2");
        p.setProperty("loginTimeout", "2");
        p.setProperty("socketTimeout", "2");
        try (Connection c = DriverManager.getConnection(url, p)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** A connection of its own, outside the pool, for something that holds it as long as the node runs (LISTEN). */
    public Connection connect(String applicationName) throws SQLException {
        Properties p = credentials(applicationName);
        p.setProperty("connectTimeout", "5");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, p);
    }

    private Properties credentials(String applicationName) {
        Properties p = new Properties();
        if (dataSource.getUsername() != null) {
            p.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            p.setProperty("password", dataSource.getPassword());
        }
        p.setProperty("ApplicationName", applicationName);
        return p;
    }

    /**
     * The embedded database's checkpoint, started on a thread of its own when the application begins to stop: it
     * writes what the run left in PostgreSQL's buffers while the calls drain and Camel stops, so the shutdown
     * checkpoint {@link #close} waits for has little left to write. A database of one's own is left alone.
     */
    public void checkpointAhead() {
        if (embedded == null || checkpoint != null) {
            return;
        }
        Thread t = new Thread(() -> {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("CHECKPOINT");
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Checkpoint ahead of the stop: {}", e.toString());
            }
        }, "sightline:checkpoint");
        t.setDaemon(true);
        checkpoint = t;
        t.start();
    }

    @Override
    public void close() {
        Thread t = checkpoint;
        if (t != null) {
            try {
                t.join(CHECKPOINT_WAIT.toMillis()); // its connection goes back to the pool before the pool closes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    static String redact(String url) {
        return url == null ? "" : url.replaceAll("(?i)(password|user)=[^&;]*", "$1=***");
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
