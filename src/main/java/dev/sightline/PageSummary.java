package dev.sightline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

import dev.sightline.jobs.Job;
import dev.sightline.jobs.JobRepository;
import dev.sightline.jobs.JobService;
import dev.sightline.pages.PageRepository;

/**
 * {@code --once} with {@code sightline.pages.enabled}: the run's cited pages are analysed after it (the job the
 * service would queue), with progress while they are fetched, then what they say: how many mention the brand, and
 * the most cited pages that mention competitors but not the brand.
 */
final class PageSummary {

    private static final int TOP = 10;

    private final SightlineApp app;
    private volatile boolean interrupted;

    PageSummary(SightlineApp app) {
        this.app = app;
    }

    void interrupt() {
        interrupted = true;
    }

    void run(PrintStream out, long workspaceId, long runId) throws InterruptedException {
        JobRepository jobs = app.bean(JobRepository.class);
        Job job = app.bean(JobService.class).pageAnalysisAfterRun(workspaceId, runId).job();
        app.context().createFluentProducerTemplate().to("direct:jobs-dispatch").send();
        out.printf("%nPage analysis (job %d): %d cited pages of run %d to fetch%n", job.id(), job.itemsTotal(), runId);
        long start = System.nanoTime();
        long lastLine = 0;
        boolean cancelled = false;
        while (job.isOpen()) {
            if (interrupted && !cancelled) {
                cancelled = true;
                jobs.requestCancel(workspaceId, job.id());
                jobs.finalizeJobs(job.id());
                out.printf("Interrupted: page analysis job %d cancelled%n", job.id());
            }
            long now = System.nanoTime();
            if (now - lastLine > 5_000_000_000L) {
                lastLine = now;
                Map<String, Integer> c = jobs.counts(job.id());
                out.printf("  %d/%d pages done, %d failed, %s elapsed%n",
                        c.get("succeeded") + c.get("failed") + c.get("cancelled"), job.itemsTotal(), c.get("failed"),
                        OnceRunner.formatDuration(Duration.ofNanos(now - start)));
            }
            Thread.sleep(200);
            job = jobs.find(workspaceId, job.id()).orElseThrow();
        }
        PageRepository pages = app.bean(PageRepository.class);
        Map<String, Object> m = pages.metricsOfJob(job.id());
        out.printf("Page analysis %s in %s: %s pages fetched, %s failed %s%n", job.status(),
                OnceRunner.formatDuration(Duration.ofNanos(System.nanoTime() - start)), m.get("fetched"),
                m.get("failed"), m.get("failureReasons"));
        out.printf("Cited pages that mention the brand: %s of %s; that mention competitors but not the brand: %s%n",
                m.get("mentioningBrand"), m.get("fetched"), m.get("competitorsNotBrand"));
        var top = pages.topWorthPitchingOfJob(job.id(), TOP);
        out.printf("%nTop pages that mention competitors but not the brand (worth pitching)%n%n");
        if (top.isEmpty()) {
            out.println("  (none)");
            return;
        }
        String fmt = "%-9s %-10s %-58s %s%n";
        out.printf(fmt, "citations", "type", "page", "competitors (rank in the page's list)");
        for (PageRepository.PageView p : top) {
            StringBuilder names = new StringBuilder();
            p.mentions().forEach(e -> {
                if (!names.isEmpty()) {
                    names.append(", ");
                }
                names.append(e.path("entity").asText());
                if (e.hasNonNull("listRank")) {
                    names.append(" #").append(e.get("listRank").asInt());
                }
            });
            String page = p.title() == null ? p.url() : p.title();
            out.printf(fmt, p.citations(), p.pageType(), page.length() > 58 ? page.substring(0, 55) + "..." : page,
                    names);
            out.printf("%-9s %-10s %s%n", "", "", p.finalUrl() == null ? p.url() : p.finalUrl());
        }
    }
}
