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

    /** How often the workspace's spend is compared with its cap while the run goes on. */
    private static final long BUDGET_CHECK_NANOS = 250_000_000L;
    /** How often the run's row is read when nothing wakes the follower sooner. */
    private static final long POLL_MILLIS = 250;

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
        long lastBudgetCheck = 0;
        boolean cancelAsked = false;
        while (true) {
            // the run's own row every poll (it says when the run is over); its cells are counted only for a
            // progress line or when the budget is spent: counting a large run's cells and costs 40 times a second
            // took a core's share from the run itself
            Run current = runs.findAnyKind(ws.id(), runId).orElseThrow();
            if (current.isTerminal()) {
                if (tty) {
                    out.println();
                }
                return runs.progress(current);
            }
            if (interrupted.getAsBoolean() && !cancelAsked) {
                cancelAsked = true;
                cancel.run();
                out.printf("%nInterrupted: %s cancelled; waiting for its calls in flight to be stored%n",
                        what.toLowerCase(java.util.Locale.ROOT));
            }
            long now = System.nanoTime();
            if (!waitForBudget && now - lastBudgetCheck > BUDGET_CHECK_NANOS) {
                lastBudgetCheck = now;
                if (budget.exhausted(ws.id())) {
                    int pending = runs.progress(current).counts().getOrDefault("pending", 0);
                    if (pending > 0) {
                        out.printf("%n%s paused_budget: today's spend of workspace '%s' reached its cap of $%s "
                                        + "(budget.daily-usd in its file, or sightline.budget.daily-usd). Its %d "
                                        + "pending cells continue when the day turns or the cap is raised; run with "
                                        + "--wait-for-budget to wait for that here.%n", what, ws.slug(),
                                budget.capFor(ws.id()).toPlainString(), pending);
                        return null;
                    }
                }
            }
            if (now - lastLine > (tty ? 250_000_000L : 5_000_000_000L)) {
                lastLine = now;
                String line = OnceRunner.progressLine(runs.progress(current), Duration.ofNanos(now - startNanos))
                        .replace(" cells done", " " + unit + " done");
                if (tty) {
                    out.print("\r" + line + "   ");
                } else {
                    out.println(line);
                }
                out.flush();
            }
            // cut short when this node finalises a run (the process stops as soon as the run is over) or an interrupt
            // wakes it; the poll itself is for runs another node finalises. At 25 ms (40 reads of the run a second) it
            // took 0.25 s of the JVM's 5.1 s of CPU in a 14 s one-off, and the database's side of those reads.
            runs.awaitFinalized(POLL_MILLIS);
        }
    }
}
