package dev.sightline.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the threads of a background stage a lower CPU priority (a Linux nice value), so that on a busy machine the
 * threads whose delay everything else waits for (fetches, claims) get a core first and the background stage uses
 * what they leave. Each thread is lowered once, the first time it runs the stage ({@link #apply()} as its first step);
 * Java has no call for it, so the thread names itself to {@code renice} by its id from {@code /proc/thread-self}.
 * Best effort: where that is not possible (not Linux, no {@code renice}) the stage runs at normal priority and one
 * line says so, naming the setting.
 */
public final class ThreadNice {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadNice.class);
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private final String setting;
    private final int nice;
    private final ThreadLocal<Boolean> applied = ThreadLocal.withInitial(() -> false);
    private final AtomicBoolean warned = new AtomicBoolean();

    /** {@code nice}: 0 (normal priority, nothing done) to 19 (lowest); {@code setting} names it in the warning. */
    public ThreadNice(String setting, int nice) {
        if (nice < 0 || nice > 19) {
            throw new ConfigException("Invalid setting " + setting + "=" + nice + ": must be between 0 and 19");
        }
        this.setting = setting;
        this.nice = nice;
    }

    /** Lowers the calling thread's priority, the first time this thread calls it. */
    public void apply() {
        if (nice == 0 || applied.get()) {
            return;
        }
        applied.set(true);
        String failure;
        try {
            failure = renice(threadId());
        } catch (IOException e) {
            failure = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        if (failure != null && warned.compareAndSet(false, true)) {
            LOG.warn("Could not lower the priority of thread {} to nice {} ({}); it runs at normal priority. "
                    + "Set {}=0 to stop trying", Thread.currentThread().getName(), nice, failure, setting);
        }
    }

    /** The calling thread's nice value as Linux reports it, or empty where there is no /proc. */
    public static OptionalInt currentNice() {
        try {
            String stat = Files.readString(THREAD_SELF.resolve("stat"));
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalInt.of(Integer.parseInt(f[16]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static String threadId() throws IOException {
        if (!Files.isSymbolicLink(THREAD_SELF)) {
            throw new IOException("no " + THREAD_SELF + " (not Linux)");
        }
        // "<pid>/task/<tid>"
        return Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
    }

    private String renice(String tid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("renice", "-n", String.valueOf(nice), "-p", tid)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "renice did not answer within 5 s";
        }
        return p.exitValue() == 0 ? null : "renice exited with " + p.exitValue();
    }
}
