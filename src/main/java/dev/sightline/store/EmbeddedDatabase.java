package dev.sightline.store;

import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL started by the app when no database URL is configured. Its data lives in a directory the
 * user keeps, so durability is turned back on (io.zonky starts with fsync and synchronous_commit off, fine for
 * throwaway test databases, not for history users rely on). It listens on loopback only and asks for a password
 * generated on first start and kept in {@value #PASSWORD_FILE} in its directory (mode 0600).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    static final String PASSWORD_FILE = "sightline.password";
    static final String LOCK_FILE = "epg-lock";
    private static final String USER = "postgres";
    private static final String HBA = """
            # written by Sightline: loopback only, password required
            local   all   all                 scram-sha-256
            host    all   all   127.0.0.1/32  scram-sha-256
            host    all   all   ::1/128       scram-sha-256
            """;

    /**
     * How the server runs: durability on (io.zonky's defaults turn it off), loopback only, passwords hashed with
     * SCRAM, times in UTC, no logical replication workers.
     */
    private static final Map<String, String> SERVER_CONFIG = Map.of(
            "listen_addresses", "127.0.0.1",
            "fsync", "on",
            "synchronous_commit", "on",
            "max_connections", "200",
            "password_encryption", "scram-sha-256",
            "timezone", "UTC",
            // no logical replication: its launcher is one process less to start, and to wait for at every stop
            "max_logical_replication_workers", "0");

    private final AutoCloseable postgres;
    private final int port;
    private final Path dataDir;
    private final String password;

    private EmbeddedDatabase(AutoCloseable postgres, int port, Path dataDir, String password) {
        this.postgres = postgres;
        this.port = port;
        this.dataDir = dataDir;
        this.password = password;
    }

    public static EmbeddedDatabase start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            stopOrphanedPostmaster(dataDir);
            Optional<String> known = readPassword(dataDir);
            Optional<Postgres.Binaries> binaries = known.isPresent() && Files.exists(dataDir.resolve("PG_VERSION"))
                    ? Postgres.Binaries.recorded(dataDir) : Optional.empty();
            if (binaries.isPresent()) {
                try {
                    Postgres pg = Postgres.start(binaries.get(), dataDir, port == 0 ? freePort() : port,
                            SERVER_CONFIG, Duration.ofSeconds(60));
                    LOG.info("Embedded PostgreSQL on 127.0.0.1:{} with data in {}", pg.port(),
                            dataDir.toAbsolutePath());
                    return new EmbeddedDatabase(pg, pg.port(), dataDir, known.get());
                } catch (IOException e) {
                    LOG.warn("Starting PostgreSQL from {} failed ({}); starting it the long way", binaries.get().bin(),
                            e.getMessage());
                    stopOrphanedPostmaster(dataDir);
                }
            }
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60));
            SERVER_CONFIG.forEach(b::setServerConfig);
            known.ifPresent(p -> b.setConnectConfig("password", p));
            EmbeddedPostgres pg = b.start();
            String password = known.isPresent() ? known.get() : secure(pg, dataDir);
            Postgres.Binaries.record(dataDir);
            LOG.info("Embedded PostgreSQL on 127.0.0.1:{} with data in {}", pg.getPort(), dataDir.toAbsolutePath());
            return new EmbeddedDatabase(pg, pg.getPort(), dataDir, password);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("Cannot start the embedded PostgreSQL in " + dataDir.toAbsolutePath()
                    + " (sightline.db.embedded.dir): " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * First start of a data directory (initdb trusts every local connection): sets a generated password, keeps it
     * in the password file (0600), and makes PostgreSQL ask for it from now on.
     */
    private static String secure(EmbeddedPostgres pg, Path dataDir) throws IOException, SQLException {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String password = HexFormat.of().formatHex(bytes);
        Path file = dataDir.resolve(PASSWORD_FILE);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password, StandardCharsets.UTF_8);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("ALTER USER " + USER + " PASSWORD '" + password + "'"); // hex: nothing to escape
            Files.writeString(dataDir.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
            st.execute("SELECT pg_reload_conf()");
        }
        return password;
    }

    private static Optional<String> readPassword(Path dataDir) throws IOException {
        Path file = dataDir.resolve(PASSWORD_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String p = Files.readString(file, StandardCharsets.UTF_8).strip();
        return p.isEmpty() ? Optional.empty() : Optional.of(p);
    }

    /**
     * The JDBC URL and password of the PostgreSQL that another process (a running Sightline) serves from this data
     * directory, if one does: for commands that only touch the database.
     */
    public static Optional<String[]> running(Path dataDir) {
        try {
            Optional<Postmaster> pm = Postmaster.read(dataDir);
            Optional<String> password = readPassword(dataDir);
            if (pm.isEmpty() || password.isEmpty() || !pm.get().servesThisDirectory(dataDir)) {
                return Optional.empty();
            }
            String url = "jdbc:postgresql://127.0.0.1:" + pm.get().port() + "/postgres";
            Properties p = new Properties();
            p.setProperty("user", USER);
            p.setProperty("password", password.get());
            p.setProperty("connectTimeout", "3");
            try (Connection c = DriverManager.getConnection(url, p)) {
                return Optional.of(new String[] {url, password.get()});
            }
        } catch (IOException | SQLException e) {
            return Optional.empty();
        }
    }

    /**
     * After a {@code kill -9} of the JVM, the PostgreSQL it started keeps running and holds the data directory,
     * so the next start would fail. The directory's {@code epg-lock} tells a live owner (another Sightline on this
     * directory: refuse) from a dead one (stop its orphaned postmaster, then start normally). A postmaster that
     * serves another directory (this one is a copy) is never touched: its stale pid file here is removed.
     */
    static void stopOrphanedPostmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Optional<Postmaster> pm = Postmaster.read(dataDir);
        if (pm.isEmpty()) {
            return;
        }
        Path lockFile = dataDir.resolve(LOCK_FILE);
        if (Files.exists(lockFile)) {
            try (FileChannel ch = new FileOutputStream(lockFile.toFile(), true).getChannel()) {
                FileLock lock = tryLock(ch);
                if (lock == null) {
                    throw inUse(dataDir);
                }
                lock.release();
            }
        }
        Optional<ProcessHandle> live = ProcessHandle.of(pm.get().pid()).filter(ProcessHandle::isAlive);
        if (live.isEmpty()) {
            return; // stale pid file: PostgreSQL removes it itself on the next start
        }
        if (!pm.get().servesThisDirectory(dataDir)) {
            LOG.warn("{} names pid {}, which does not serve this data directory (a copied folder, or a reused pid); "
                    + "removing the stale file, leaving that process alone", pidFile, pm.get().pid());
            Files.deleteIfExists(pidFile);
            return;
        }
        ProcessHandle ph = live.get();
        if (pm.get().stopping()) {
            // the previous Sightline stopped it and did not wait for its shutdown checkpoint
            LOG.info("Waiting for PostgreSQL (pid {}) on {} to finish stopping", ph.pid(), dataDir.toAbsolutePath());
        } else {
            LOG.warn("Found PostgreSQL (pid {}) left running on {} by a previous Sightline that did not stop "
                    + "cleanly; stopping it", ph.pid(), dataDir.toAbsolutePath());
        }
        ph.destroy(); // SIGTERM: smart shutdown; its clients died with the old JVM
        try {
            ph.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("PostgreSQL pid {} did not stop within 30 s; forcing it", ph.pid());
            ph.destroyForcibly();
            try {
                ph.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                throw new IllegalStateException("Cannot stop the orphaned PostgreSQL pid " + ph.pid() + " on "
                        + dataDir.toAbsolutePath());
            }
        }
    }

    /**
     * The lock a running embedded database holds on its folder's {@value #LOCK_FILE} (io.zonky's, and {@link Postgres}
     * takes the same), or null when this process or another one holds it.
     */
    static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    static IllegalStateException inUse(Path dataDir) {
        return new IllegalStateException("The embedded database in " + dataDir.toAbsolutePath()
                + " is in use by another running Sightline (sightline.db.embedded.dir)");
    }

    /**
     * What {@code postmaster.pid} says: the process, the directory it serves, its port and whether it is stopping
     * (line 8, the status PostgreSQL keeps there).
     */
    record Postmaster(long pid, Path directory, int port, boolean stopping) {

        static Optional<Postmaster> read(Path dataDir) {
            try {
                List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
                if (lines.size() < 4) {
                    return Optional.empty();
                }
                boolean stopping = lines.size() >= 8 && lines.get(7).strip().equals("stopping");
                return Optional.of(new Postmaster(Long.parseLong(lines.get(0).strip()), Path.of(lines.get(1).strip()),
                        Integer.parseInt(lines.get(3).strip()), stopping));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /**
         * The process is a postgres whose working directory (PostgreSQL runs in its data directory) and the pid
         * file's own record are this directory.
         */
        boolean servesThisDirectory(Path dataDir) {
            try {
                Path here = dataDir.toRealPath();
                Optional<ProcessHandle> ph = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
                if (ph.isEmpty() || !ph.get().info().command().orElse("").contains("postgres")) {
                    return false;
                }
                Path cwd = Path.of("/proc", Long.toString(pid), "cwd");
                boolean cwdMatches = !Files.exists(cwd) || Files.readSymbolicLink(cwd).equals(here);
                boolean recorded = Files.exists(directory) && directory.toRealPath().equals(here);
                return cwdMatches && recorded;
            } catch (IOException | SecurityException e) {
                return false;
            }
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Stops PostgreSQL with a fast shutdown (its clients are gone by now, the shutdown checkpoint is written) and
     * waits for it: {@link Postgres#close} for a restart from recorded binaries, {@code pg_ctl stop -m fast} through
     * io.zonky otherwise (about 0.1 s, its polling). Not waiting would leave the server writing its checkpoint after
     * the command has returned.
     */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (Exception e) {
            LOG.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
        }
    }
}
