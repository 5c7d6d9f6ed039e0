package dev.sightline.jobs;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's timer duties for jobs (routes/pipeline/90-jobs.yaml): extend its own leases (and abort what was
 * cancelled elsewhere), rescue other nodes' expired leases, end jobs whose last item ended on a node that died,
 * write page analysis progress, and queue a page analysis after each completed run when that is on. A duty that
 * throws is logged by the {@code upkeep} route configuration, once per database outage.
 */
public final class JobUpkeep {

    private static final Logger LOG = LoggerFactory.getLogger(JobUpkeep.class);
    /** Runs that completed longer ago than this get no page analysis of their own when the feature is turned on. */
    private static final Duration AFTER_RUN_WINDOW = Duration.ofDays(1);

    private final JobDispatcher dispatcher;
    private final JobRepository jobs;
    private final JobService service;
    private final int maxAttempts;
    private final boolean pagesAfterRuns;
    private final long heartbeatEveryNanos;
    private volatile long lastHeartbeat = System.nanoTime();

    public JobUpkeep(JobDispatcher dispatcher, JobRepository jobs, JobService service, int maxAttempts,
                     boolean pagesAfterRuns, Duration lease) {
        this.dispatcher = dispatcher;
        this.jobs = jobs;
        this.service = service;
        this.maxAttempts = maxAttempts;
        this.pagesAfterRuns = pagesAfterRuns;
        this.heartbeatEveryNanos = lease.toNanos() / 3;
    }

    /** Called every second; extends leases every third of the lease. */
    public void extendLeases() {
        if (System.nanoTime() - lastHeartbeat < heartbeatEveryNanos) {
            return;
        }
        lastHeartbeat = System.nanoTime();
        dispatcher.heartbeat();
    }

    /** @return how many items went back to the queue (the route then claims at once) */
    public int rescueExpiredLeases() {
        List<Long> rescued = jobs.rescueExpired(maxAttempts);
        if (!rescued.isEmpty()) {
            LOG.warn("Returned {} job items with expired leases to the queue", rescued.size());
            jobs.finalizeJobs(rescued.stream().mapToLong(Long::longValue).distinct().toArray());
        }
        return rescued.size();
    }

    public void finalizeJobs() {
        jobs.finalizeOpen().forEach(f -> LOG.info("Job {} {}", f.jobId(), f.status()));
    }

    public void writeProgress() {
        jobs.writeProgress();
    }

    /** @return how many page analyses were queued (the route then claims at once) */
    public int queuePageAnalysisAfterRuns() {
        if (!pagesAfterRuns || dispatcher.stopping()) {
            return 0;
        }
        int queued = 0;
        for (JobRepository.RunRef r : jobs.runsWithoutPageAnalysis(AFTER_RUN_WINDOW)) {
            if (service.pageAnalysisAfterRun(r.workspaceId(), r.runId()).created()) {
                queued++;
            }
        }
        return queued;
    }
}
