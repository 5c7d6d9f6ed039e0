package dev.sightline.store;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a data directory that has been started before, started from the binaries io.zonky
 * unpacked then. io.zonky's own start costs about half a second before the server even runs: it inflates and hashes
 * its 14.5 MB binaries archive on every start to find the folder it unpacked them to, then {@code pg_ctl -w} and
 * io.zonky each poll for readiness every 100 ms, where the server itself is ready some 60 ms after it is spawned.
 * Here the folder is the one recorded on the last io.zonky start ({@value Binaries#FILE}, kept only while the
 * binaries archive on the class path is the same one), the server is spawned in a session of its own (so a Ctrl-C
 * in the terminal reaches the app, which drains, and not the database under it), and its readiness is read from
 * {@code postmaster.pid} every few milliseconds. Anything unusual (a first start, other binaries, no
 * {@code setsid}, not Linux) takes io.zonky's path.
 */
final class Postgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Postgres.class);
    static final String LOG_FILE = "postgres.log";
    private static final long LOG_ROTATE_BYTES = 1 << 20;
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    /** How long a smart shutdown may wait for sessions before they are ended (see {@link #close}). */
    static final Duration SMART_WAIT = Duration.ofSeconds(2);

    private final Binaries binaries;
    private final Process process;
    private final int port;
    private final FileOutputStream lockStream;
    private final FileLock lock;
    private final Thread hook;
    private boolean closed;

    private Postgres(Binaries binaries, Process process, int port, FileOutputStream lockStream, FileLock lock) {
        this.binaries = binaries;
        this.process = process;
        this.port = port;
        this.lockStream = lockStream;
        this.lock = lock;
        this.hook = new Thread(this::close, "sightline:postgres-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    int port() {
        return port;
    }

    /**
     * Where io.zonky unpacked the binaries, and whether it runs them in a user namespace of their own
     * ({@code unshare -U}: PostgreSQL refuses to run as root), recorded in the data directory with the class-path
     * address of the archive they came from.
     */
    record Binaries(Path bin, boolean unshare) {

        static final String FILE = "sightline.binaries";

        /** The binaries recorded for this data directory, if they still exist and are still the app's. */
        static Optional<Binaries> recorded(Path dataDir) {
            try {
                Optional<String> archive = archive();
                Path file = dataDir.resolve(FILE);
                if (archive.isEmpty() || !Files.exists(file) || !Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                    return Optional.empty();
                }
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.size() < 3 || !lines.get(0).equals(archive.get())) {
                    return Optional.empty();
                }
                Path bin = Path.of(lines.get(1));
                boolean complete = Files.exists(bin.getParent().resolve(".exists"))
                        && Files.isExecutable(bin.resolve("postgres")) && Files.isExecutable(bin.resolve("pg_ctl"));
                return complete ? Optional.of(new Binaries(bin, lines.get(2).equals("unshare"))) : Optional.empty();
            } catch (IOException | RuntimeException e) {
                LOG.debug("No recorded PostgreSQL binaries in {}: {}", dataDir, e.toString());
                return Optional.empty();
            }
        }

        /**
         * After io.zonky started this data directory's server: which binaries it runs (the postmaster's
         * executable), for the next start. Nothing is recorded when that cannot be read.
         */
        static void record(Path dataDir) {
            try {
                Optional<String> archive = archive();
                Optional<EmbeddedDatabase.Postmaster> pm = EmbeddedDatabase.Postmaster.read(dataDir);
                if (archive.isEmpty() || pm.isEmpty()) {
                    return;
                }
                Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pm.get().pid()), "exe"));
                String lines = archive.get() + "\n" + exe.getParent() + "\n"
                        + (LinuxUtils.isUnshareAvailable() ? "unshare" : "direct") + "\n";
                Path tmp = dataDir.resolve(FILE + ".tmp");
                Files.writeString(tmp, lines, StandardCharsets.UTF_8);
                Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                LOG.debug("Not recording the PostgreSQL binaries of {}: {}", dataDir, e.toString());
            }
        }

        /** The class-path address of the binaries archive io.zonky unpacks on this machine (names its version). */
        private static Optional<String> archive() {
            if (!System.getProperty("os.name", "").equals("Linux")) {
                return Optional.empty();
            }
            String arch = System.getProperty("os.arch", "");
            String name = "postgres-linux-" + (arch.equals("amd64") ? "x86_64" : arch) + ".txz";
            URL url = EmbeddedPostgres.class.getClassLoader().getResource(name);
            return Optional.ofNullable(url).map(URL::toString);
        }

        List<String> command(String program, List<String> args) {
            List<String> cmd = new ArrayList<>();
            if (unshare) {
                cmd.addAll(List.of("unshare", "-U"));
            }
            if (program.equals("postgres")) {
                cmd.add("/usr/bin/setsid");
            }
            cmd.add(bin.resolve(program).toString());
            cmd.addAll(args);
            return cmd;
        }
    }

    /**
     * Starts the server on {@code port} and returns once it accepts connections. The data directory is locked for
     * as long as it runs ({@code epg-lock}, as io.zonky does), which tells a live owner from a dead one after a
     * crash.
     */
    static Postgres start(Binaries binaries, Path dataDir, int port, Map<String, String> config, Duration wait)
            throws IOException {
        FileOutputStream lockStream = new FileOutputStream(dataDir.resolve(EmbeddedDatabase.LOCK_FILE).toFile());
        FileLock lock = EmbeddedDatabase.tryLock(lockStream.getChannel());
        if (lock == null) {
            lockStream.close();
            throw EmbeddedDatabase.inUse(dataDir);
        }
        try {
            // what is left of postmaster.pid names a dead process (EmbeddedDatabase.stopOrphanedPostmaster ran):
            // gone, so that the readiness read below sees only the new server's
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            Path log = rotated(dataDir.resolve(LOG_FILE));
            List<String> args = new ArrayList<>(List.of("-D", dataDir.toAbsolutePath().toString(),
                    "-p", Integer.toString(port)));
            config.forEach((k, v) -> args.addAll(List.of("-c", k + "=" + v)));
            Process process = new ProcessBuilder(binaries.command("postgres", args))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Postgres pg = new Postgres(binaries, process, port, lockStream, lock);
            try {
                awaitReady(process, dataDir, log, wait);
            } catch (IOException | RuntimeException e) {
                pg.close();
                throw e;
            }
            return pg;
        } catch (IOException | RuntimeException e) {
            if (lock.isValid()) {
                lock.release();
                lockStream.close();
            }
            throw e;
        }
    }

    /** Until {@code postmaster.pid} names this process and says {@code ready}, reading it every 5 ms. */
    private static void awaitReady(Process process, Path dataDir, Path log, Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        Path pidFile = dataDir.resolve("postmaster.pid");
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("PostgreSQL exited with status " + process.exitValue() + " while starting: "
                        + tail(log));
            }
            try {
                List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                if (lines.size() >= 8 && lines.get(0).strip().equals(Long.toString(process.pid()))
                        && lines.get(7).strip().equals("ready")) {
                    return;
                }
            } catch (IOException notYet) {
                // not written yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("PostgreSQL was not ready after " + wait.toSeconds() + " s: " + tail(log));
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while PostgreSQL was starting");
            }
        }
    }

    /** The log of the server's own output, started afresh (the previous one kept) once it passes 1 MB. */
    private static Path rotated(Path log) throws IOException {
        if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES) {
            Files.move(log, log.resolveSibling(LOG_FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        return log;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * A smart shutdown (SIGTERM; the shutdown checkpoint is written), made a fast one (SIGINT through {@code pg_ctl
     * kill}: sessions end) if sessions hold it, waited for as the end of this child process rather than polled for;
     * then the data directory is unlocked.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
        try {
            if (process.isAlive()) {
                // SIGTERM, a smart shutdown: the pool is closed, so no session is left to wait for and it goes on
                // as a fast one, without starting pg_ctl (some 30 ms). A session still open would hold it: after
                // SMART_WAIT it is made a fast shutdown, which ends the sessions.
                process.destroy();
                if (!process.waitFor(SMART_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.info("PostgreSQL (pid {}) still has sessions after {} ms; ending them", process.pid(),
                            SMART_WAIT.toMillis());
                    Process kill = new ProcessBuilder(binaries.command("pg_ctl",
                            List.of("kill", "INT", Long.toString(process.pid()))))
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    kill.waitFor(10, TimeUnit.SECONDS);
                    process.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (TimeoutException e) {
            LOG.warn("PostgreSQL (pid {}) did not stop within {} s; the next start waits for it", process.pid(),
                    STOP_WAIT.toSeconds());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Stopping the embedded PostgreSQL (pid {}) failed: {}", process.pid(), e.toString());
        } finally {
            try {
                lock.release();
                lockStream.close();
            } catch (IOException e) {
                LOG.debug("Releasing epg-lock: {}", e.toString());
            }
        }
    }
}
