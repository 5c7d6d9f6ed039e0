package dev.sightline;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelExecutionException;

import dev.sightline.run.PlanRequest;
import dev.sightline.run.Run;
import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;
import dev.sightline.run.RunRequest;
import dev.sightline.values.Rejection;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.Workspace;

/**
 * {@code --once}: one sweep of the default workspace through the planning route, with progress while it runs and
 * a summary at the end. It never waits silently: a run paused by the daily budget ends the command (exit 5) unless
 * it is told to wait, and an interrupt cancels the run (calls in flight are stored) before the summary.
 */
final class OnceRunner {

    private final SightlineApp app;
    private final PrintStream out;
    private final PageSummary pages;
    private volatile boolean interrupted;
    /** Set once the run is being followed: an interrupt wakes the follower. */
    private volatile RunRepository runs;

    OnceRunner(SightlineApp app, PrintStream out) {
        this.app = app;
        this.out = out;
        this.pages = new PageSummary(app);
    }

    /** SIGINT / SIGTERM: cancel the run; the summary follows once its calls in flight are stored. */
    void interrupt() {
        interrupted = true;
        pages.interrupt();
        RunRepository following = runs;
        if (following != null) {
            following.wakeFollowers();
        }
    }

    int run(List<String> providers, List<String> tags, Integer samples, boolean force, boolean waitForBudget)
            throws InterruptedException {
        Workspace ws = app.bean(ImportedWorkspaces.class).defaultWorkspace();
        RunRepository runs = app.bean(RunRepository.class);
        this.runs = runs;
        int n = samples != null ? samples
                : app.bean(dev.sightline.config.Config.class).integer("sightline.schedule.samples", 1, 1, 1000);
        List<Run> leftRunning = runs.list(ws.id(), "running", null, null, null, 100).stream().map(RunProgress::run)
                .toList();
        RunRepository.Planned planned;
        try {
            planned = app.context().createFluentProducerTemplate().to("direct:plan-run")
                    .withBody(new PlanRequest(ws.id(), new RunRequest(providers, tags, n, "cli", null, null, force)))
                    .request(RunRepository.Planned.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof Rejection r) {
                out.println("sightline: cannot start the run: " + r.getMessage());
                return Sightline.BAD_CONFIGURATION;
            }
            throw e;
        }
        Run run = planned.run();
        int perPrompt = Math.max(1, run.providers().size() * run.samples());
        out.printf("Run %d for workspace '%s': %d cells (%d prompts x %d providers x %d sample%s), estimated cost $%s%n",
                run.id(), ws.slug(), run.cellsTotal(), run.cellsTotal() / perPrompt, run.providers().size(),
                run.samples(), run.samples() == 1 ? "" : "s", money(run.estimatedCostUsd()));
        if (!leftRunning.isEmpty()) {
            out.printf("Runs %s of an earlier process were left running; their cells are dispatched too%n",
                    leftRunning.stream().map(r -> Long.toString(r.id())).toList());
        }
        long startNanos = System.nanoTime();
        RunProgress progress = RunFollower.follow(app, ws, run.id(), out, "Run " + run.id(), "cells", () -> interrupted,
                () -> {
                    if (runs.cancel(ws.id(), run.id())) {
                        runs.finalizeRuns(new long[] {run.id()});
                    }
                }, waitForBudget);
        if (progress == null) {
            return Sightline.PAUSED_BUDGET;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        out.println(progressLine(progress, took));
        new RunSummary(app).print(out, progress, took);
        if (!interrupted && progress.run().status().startsWith("completed")
                && app.bean(dev.sightline.config.Config.class).bool("sightline.pages.enabled", false)) {
            pages.run(out, ws.id(), run.id());
        }
        new OneOffWebhooks(app).send(out, run.id(), () -> interrupted);
        new OneOffUpkeep(app).run(() -> interrupted);
        for (Run earlier : leftRunning) {
            Run now = runs.find(earlier.workspaceId(), earlier.id()).orElse(earlier);
            out.printf("Earlier run %d (left running by an earlier process): %s%n", now.id(),
                    now.isTerminal() ? "finished now, " + now.status().replace('_', ' ')
                            : "still running: " + runs.progress(now).done() + " of " + now.cellsTotal()
                                    + " cells done");
        }
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
