package dev.sightline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import dev.sightline.metrics.DomainCount;
import dev.sightline.metrics.EntityRef;
import dev.sightline.metrics.EntityStats;
import dev.sightline.metrics.MetricsRepository;
import dev.sightline.values.Scope;
import dev.sightline.metrics.PromptInterval;
import dev.sightline.run.RunProgress;
import dev.sightline.run.RunRepository;

/**
 * The end-of-run tables the CLI prints: per provider cells, outcomes, tokens, cost and duration; the brand's
 * visibility, share of voice and average rank per provider; the run's most cited domains.
 */
final class RunSummary {

    static final int TOP_DOMAINS = 5;

    private final SightlineApp app;

    RunSummary(SightlineApp app) {
        this.app = app;
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
        for (RunRepository.ProviderSummary s : app.bean(RunRepository.class).providerSummary(run.id())) {
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
        printBrand(out, run.workspaceId(), run.id());
    }

    /** Read from the stored analyses, like the metrics API: the numbers a user will see there. */
    private void printBrand(PrintStream out, long workspaceId, long runId) {
        MetricsRepository metrics = new MetricsRepository(app.bean(dev.sightline.store.Jdbc.class));
        Scope scope = Scope.run(workspaceId, runId);
        EntityRef brand = metrics.brand(workspaceId).orElse(null);
        if (brand != null) {
            out.printf("%nBrand %s per provider (visibility = answers mentioning it; average rank over answers listing it)%n%n",
                    brand.name());
            String fmt = "%-14s %8s %11s %14s %15s %9s%n";
            out.printf(fmt, "provider", "answers", "visibility", "95% interval", "share of voice", "avg rank");
            for (EntityStats s : metrics.stats(scope, "provider", List.of(brand))) {
                PromptInterval.Result ci = s.visibilityInterval();
                out.printf(fmt, s.key(), s.n(), percent(s.visibility()),
                        ci == null ? "-" : String.format("%.0f-%.0f%%", ci.low() * 100, ci.high() * 100),
                        percent(s.shareOfVoice()), s.avgRank() == null ? "-" : String.format("%.1f", s.avgRank()));
            }
        }
        List<DomainCount> domains = metrics.citedDomains(scope, TOP_DOMAINS);
        out.printf("%nTop cited domains%n%n");
        if (domains.isEmpty()) {
            out.println("  (no citations)");
        }
        String fmt = "%-32s %-30s %9s%n";
        if (!domains.isEmpty()) {
            out.printf(fmt, "domain", "owner", "citations");
        }
        for (DomainCount d : domains) {
            out.printf(fmt, d.domain(), d.ownerName() == null ? d.owner() : d.owner() + " (" + d.ownerName() + ")",
                    d.count());
        }
    }

    private static String percent(Double v) {
        return v == null ? "-" : String.format("%.1f%%", v * 100);
    }
}
