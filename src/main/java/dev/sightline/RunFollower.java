package dev.sightline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import dev.sightline.run.Budget;
import dev.sightline.run.Run;
import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;
import dev.sightline.workspace.Workspace;

/**
 * What the one-off commands ({@code --once}, {@code --experiment}) do while their run goes on: a progress line (on a
 * terminal in place, else every 5 s), a cancel when interrupted (the summary follows once the calls in flight are
 * stored), and no silent wait when the daily budget holds the run's cells back.
 */
final class RunFollower {

    private RunFollower() {
    }

    /**
     * @param what   how the messages name the run ({@code Run 5}, {@code Experiment 2})
     * @param unit   what the progress line counts ({@code cells}, {@code calls})
     * @param cancel what an interrupt does
     * @return the run's progress once it is over, or null when the budget paused it (the message is printed)
     */
    static RunProgress follow(SightlineApp app, Workspace ws, long runId, PrintStream out, String what, String unit,
                              BooleanSupplier interrupted, Runnable cancel, boolean waitForBudget)
            throws InterruptedException {
        RunRepository runs = app.bean(RunRepository.class);
        Budget budget = app.bean(Budget.class);
        long startNanos = System.nanoTime();
        boolean tty = System.console() != null;
        long lastLine = 0;
        boolean cancelAsked = false;
        while (true) {
            Run current = runs.findAnyKind(ws.id(), runId).orElseThrow();
            RunProgress progress = runs.progress(current);
            if (current.isTerminal()) {
                if (tty) {
                    out.println();
                }
                return progress;
            }
            if (interrupted.getAsBoolean() && !cancelAsked) {
                cancelAsked = true;
                cancel.run();
                out.printf("%nInterrupted: %s cancelled; waiting for its calls in flight to be stored%n",
                        what.toLowerCase(java.util.Locale.ROOT));
            }
            if (!waitForBudget && progress.counts().getOrDefault("pending", 0) > 0 && budget.exhausted(ws.id())) {
                out.printf("%n%s paused_budget: today's spend of workspace '%s' reached its cap of $%s "
                                + "(budget.daily-usd in its file, or sightline.budget.daily-usd). Its %d pending "
                                + "cells continue when the day turns or the cap is raised; run with "
                                + "--wait-for-budget to wait for that here.%n", what, ws.slug(),
                        budget.capFor(ws.id()).toPlainString(), progress.counts().getOrDefault("pending", 0));
                return null;
            }
            long now = System.nanoTime();
            if (now - lastLine > (tty ? 250_000_000L : 5_000_000_000L)) {
                lastLine = now;
                String line = OnceRunner.progressLine(progress, Duration.ofNanos(now - startNanos))
                        .replace(" cells done", " " + unit + " done");
                if (tty) {
                    out.print("\r" + line + "   ");
                } else {
                    out.println(line);
                }
                out.flush();
            }
            // a short poll: the process stops as soon as the run is over
            Thread.sleep(25);
        }
    }
}
