package dev.sightline.store;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL started by the app when no database URL is configured. Its data lives in a directory the
 * user keeps, so durability is turned back on (io.zonky starts with fsync and synchronous_commit off, fine for
 * throwaway test databases, not for history users rely on).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    public static EmbeddedDatabase start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            stopOrphanedPostmaster(dataDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200")
                    .start();
            LOG.info("Embedded PostgreSQL on port {} with data in {}", pg.getPort(), dataDir.toAbsolutePath());
            try (var c = pg.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            return new EmbeddedDatabase(pg, dataDir);
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException("Cannot start the embedded PostgreSQL in " + dataDir.toAbsolutePath()
                    + " (sightline.db.embedded.dir): " + e.getMessage(), e);
        }
    }

    /**
     * After a {@code kill -9} of the JVM, the PostgreSQL it started keeps running and holds the data directory,
     * so the next start would fail. The directory's {@code epg-lock} tells a live owner (another Sightline on this
     * directory: refuse) from a dead one (stop its orphaned postmaster, then start normally).
     */
    static void stopOrphanedPostmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Path lockFile = dataDir.resolve("epg-lock");
        if (Files.exists(lockFile)) {
            try (FileChannel ch = new FileOutputStream(lockFile.toFile(), true).getChannel()) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    throw new IllegalStateException("The embedded database in " + dataDir.toAbsolutePath()
                            + " is in use by another running Sightline (sightline.db.embedded.dir)");
                }
                lock.release();
            }
        }
        Optional<ProcessHandle> orphan = readPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (orphan.isEmpty()) {
            return; // stale pid file: PostgreSQL removes it itself on the next start
        }
        ProcessHandle ph = orphan.get();
        String cmd = ph.info().command().orElse("");
        if (!cmd.isEmpty() && !cmd.contains("postgres")) {
            return; // the pid was reused by an unrelated process; PostgreSQL handles the stale file
        }
        LOG.warn("Found PostgreSQL (pid {}) left running on {} by a previous Sightline that did not stop cleanly; stopping it",
                ph.pid(), dataDir.toAbsolutePath());
        ph.destroy(); // SIGTERM: smart shutdown; its clients died with the old JVM
        try {
            ph.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("PostgreSQL pid {} did not stop within 30 s; forcing it", ph.pid());
            ph.destroyForcibly();
            try {
                ph.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                throw new IllegalStateException("Cannot stop the orphaned PostgreSQL pid " + ph.pid() + " on "
                        + dataDir.toAbsolutePath());
            }
        }
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
        }
    }
}
