package dev.sightline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Linux /proc readings: peak and current RSS of a process, CPU time of the embedded PostgreSQL. */
final class Procfs {

    /** USER_HZ: the unit of utime and stime in /proc/[pid]/stat; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private Procfs() {
    }

    /** Peak resident set size (VmHWM) in MB, or -1 when unknown. */
    static double vmHwmMb(long pid) {
        return statusKb(pid, "VmHWM:") / 1024.0;
    }

    static double vmRssMb(long pid) {
        return statusKb(pid, "VmRSS:") / 1024.0;
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended
        }
        return -1024;
    }

    /** CPU seconds (user + system) of the postmaster of {@code dataDir} and of its children (the backends). */
    static double postgresCpuSeconds(Path dataDir) {
        long postmaster;
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            postmaster = Long.parseLong(lines.get(0).strip());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long[] s = stat(p);
                if (s != null && (Long.parseLong(name) == postmaster || s[0] == postmaster)) {
                    ticks += s[1] + s[2];
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** ppid, utime, stime from /proc/[pid]/stat (fields 4, 14, 15; the command name may contain spaces). */
    private static long[] stat(Path proc) {
        try {
            String s = Files.readString(proc.resolve("stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * CPU seconds of each thread of this process, by thread name with digits dropped (so the seda consumers of a
     * queue, the JIT compiler threads, the GC workers each add up to one line).
     */
    static java.util.Map<String, Double> threadCpuSeconds() {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String s = Files.readString(t.resolve("stat"));
                    String comm = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    out.merge(comm.replaceAll("[0-9]+", "#").strip(), cpu, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** CPU seconds of the JVM's own threads by full name, numbers dropped ("seda://analyse", "seda://cells-x"). */
    static java.util.Map<String, Double> javaThreadCpuSeconds() {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long t = mx.getThreadCpuTime(info.getThreadId());
            if (t > 0) {
                String name = info.getThreadName().replaceAll("#[0-9]+", "#").replaceAll("-[0-9]+$", "-#");
                out.merge(name, t / 1e9, Double::sum);
            }
        }
        return out;
    }

    /** The 1-minute load average. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
