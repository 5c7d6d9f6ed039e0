package dev.sightline;

import java.io.PrintStream;
import java.time.Duration;

import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;

/** The end-of-run table the CLI prints: per provider cells, outcomes, tokens, cost and duration. */
final class RunSummary {

    private final SightlineApp.Parts parts;

    RunSummary(SightlineApp.Parts parts) {
        this.parts = parts;
    }

    void print(PrintStream out, RunProgress progress, Duration took) {
        var run = progress.run();
        out.printf("%nRun %d %s in %s%n%n", run.id(), run.status().replace('_', ' '), OnceRunner.formatDuration(took));
        String fmt = "%-14s %6s %9s %7s %10s %10s %11s %9s%n";
        out.printf(fmt, "provider", "cells", "succeeded", "failed", "tokens in", "tokens out", "cost USD", "duration");
        long cells = 0;
        long ok = 0;
        long failed = 0;
        long tin = 0;
        long tout = 0;
        java.math.BigDecimal cost = java.math.BigDecimal.ZERO;
        for (RunRepository.ProviderSummary s : parts.runs().providerSummary(run.id())) {
            Duration d = s.lastResponse() == null || s.started() == null ? Duration.ZERO
                    : Duration.between(s.started(), s.lastResponse());
            out.printf(fmt, s.provider(), s.cells(), s.succeeded(), s.failed(), s.tokensIn(), s.tokensOut(),
                    OnceRunner.money(s.costUsd()), OnceRunner.formatDuration(d));
            cells += s.cells();
            ok += s.succeeded();
            failed += s.failed();
            tin += s.tokensIn();
            tout += s.tokensOut();
            cost = cost.add(s.costUsd());
        }
        out.printf(fmt, "total", cells, ok, failed, tin, tout, OnceRunner.money(cost), OnceRunner.formatDuration(took));
    }
}
