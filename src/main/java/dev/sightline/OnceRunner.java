package dev.sightline;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;

import dev.sightline.run.Run;
import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;
import dev.sightline.run.RunRequest;
import dev.sightline.values.Rejection;

/** {@code --once}: one sweep of the default workspace, with progress while it runs and a summary at the end. */
final class OnceRunner {

    private final SightlineApp app;
    private final PrintStream out;

    OnceRunner(SightlineApp app, PrintStream out) {
        this.app = app;
        this.out = out;
    }

    int run(List<String> providers, List<String> tags, Integer samples, boolean force) throws InterruptedException {
        SightlineApp.Parts p = app.parts();
        int n = samples != null ? samples : p.config().integer("sightline.schedule.samples", 1, 1, 1000);
        RunRepository.Planned planned;
        try {
            planned = p.runService().plan(p.defaultWorkspace().id(),
                    new RunRequest(providers, tags, n, "cli", null, null, force));
        } catch (Rejection e) {
            out.println("sightline: cannot start the run: " + e.getMessage());
            return Sightline.BAD_CONFIGURATION;
        }
        Run run = planned.run();
        int perPrompt = Math.max(1, run.providers().size() * run.samples());
        out.printf("Run %d for workspace '%s': %d cells (%d prompts x %d providers x %d sample%s), estimated cost $%s%n",
                run.id(), p.defaultWorkspace().slug(), run.cellsTotal(), run.cellsTotal() / perPrompt,
                run.providers().size(), run.samples(), run.samples() == 1 ? "" : "s", money(run.estimatedCostUsd()));
        long startNanos = System.nanoTime();
        RunProgress progress = p.runs().progress(run);
        boolean tty = System.console() != null;
        long lastLine = 0;
        while (true) {
            Run current = p.runs().find(run.workspaceId(), run.id()).orElseThrow();
            progress = p.runs().progress(current);
            if (current.isTerminal()) {
                break;
            }
            long now = System.nanoTime();
            if (tty || now - lastLine > 5_000_000_000L) {
                lastLine = now;
                String line = progressLine(progress, Duration.ofNanos(now - startNanos));
                if (tty) {
                    out.print("\r" + line + "   ");
                } else {
                    out.println(line);
                }
                out.flush();
            }
            Thread.sleep(tty ? 250 : 500);
        }
        if (tty) {
            out.println();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        out.println(progressLine(progress, took));
        new RunSummary(p).print(out, progress, took);
        return switch (progress.run().status()) {
            case "completed" -> Sightline.OK;
            case "completed_with_failures" -> Sightline.RUN_HAD_FAILURES;
            case "cancelled" -> Sightline.RUN_CANCELLED;
            default -> Sightline.ERROR;
        };
    }

    static String progressLine(RunProgress p, Duration elapsed) {
        int done = p.done();
        int total = p.run().cellsTotal();
        double secs = Math.max(0.001, elapsed.toMillis() / 1000.0);
        double rate = done / secs;
        String eta = rate > 0 && done < total ? formatDuration(Duration.ofSeconds((long) ((total - done) / rate))) : "-";
        return String.format("  %d/%d cells done (%.1f%%), %d failed, %.1f cells/s, %s elapsed, %s left",
                done, total, p.percent(), p.counts().getOrDefault("failed", 0), rate, formatDuration(elapsed), eta);
    }

    static String formatDuration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : String.format("%.1fs", d.toMillis() / 1000.0);
    }

    static String money(BigDecimal v) {
        return v == null ? "0.0000" : v.setScale(4, RoundingMode.HALF_UP).toPlainString();
    }
}
