package dev.sightline.jobs;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.run.RetryPolicy;

/**
 * A step of the item route threw (routeConfiguration {@code job-items}): the item is tried again after its backoff,
 * or fails once its attempts are spent; written under its lease, never throwing (when the database is down the lease
 * expires and the item is claimed again).
 */
public final class JobOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(JobOutcomes.class);

    private final JobRepository jobs;
    private final RetryPolicy retry;

    public JobOutcomes(JobRepository jobs, RetryPolicy retry) {
        this.jobs = jobs;
        this.retry = retry;
    }

    public void stepFailed(Exchange ex) {
        JobItemClaim claim = ex.getProperty(JobDispatcher.CLAIM, JobItemClaim.class);
        Exception e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (claim == null) {
            return;
        }
        String reason = e == null ? "failed" : e.getClass().getSimpleName() + ": " + e.getMessage();
        try {
            String status = jobs.retryOrFail(claim, retry.maxAttempts(), retry.delay(claim.attempts(), null), reason);
            LOG.warn("Job item {} of job {} ({}): {}; {}", claim.itemId(), claim.jobId(), claim.url(), reason,
                    status == null ? "its lease was lost" : "now " + status);
        } catch (RuntimeException db) {
            LOG.warn("Job item {} of job {}: {}; its outcome could not be written ({}), its lease will expire",
                    claim.itemId(), claim.jobId(), reason, db.getMessage());
        }
    }
}
