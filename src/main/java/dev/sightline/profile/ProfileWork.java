package dev.sightline.profile;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.jobs.JobDispatcher;
import dev.sightline.jobs.JobItemClaim;
import dev.sightline.jobs.JobRepository;
import dev.sightline.run.RetryPolicy;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * The steps of a brand profile job (routes/pipeline/90-jobs.yaml): build the profile, writing each step in words
 * under the item's lease, then store the proposal with the item's end. A home page that cannot be read fails the job
 * with its reason (or is tried again when the failure was transient).
 */
public final class ProfileWork {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileWork.class);

    private final BrandProfiler profiler;
    private final JobDispatcher dispatcher;
    private final JobRepository jobs;
    private final WorkspaceRepository workspaces;
    private final RetryPolicy retry;

    public ProfileWork(BrandProfiler profiler, JobDispatcher dispatcher, JobRepository jobs,
                       WorkspaceRepository workspaces, RetryPolicy retry) {
        this.profiler = profiler;
        this.dispatcher = dispatcher;
        this.jobs = jobs;
        this.workspaces = workspaces;
        this.retry = retry;
    }

    public BrandProfiler.Outcome build(Exchange ex) {
        JobItemClaim claim = claim(ex);
        return profiler.profile(claim.url(), workspaces.get(claim.workspaceId()), dispatcher.abortHandle(claim),
                (words, n, total) -> jobs.step(claim, words, n, total));
    }

    public void store(Exchange ex) {
        JobItemClaim claim = claim(ex);
        BrandProfiler.Outcome o = ex.getMessage().getBody(BrandProfiler.Outcome.class);
        boolean held = !o.leaseLost() && switch (o.outcome()) {
            case OK -> jobs.succeedWithResult(claim, o.resultJson());
            case REFUSED -> jobs.done(claim, "failed", o.reason());
            case TRANSIENT -> jobs.retryOrFail(claim, retry.maxAttempts(),
                    retry.delay(claim.attempts(), o.retryAfter()), o.reason()) != null;
            case ABORTED -> dispatcher.cancelled(claim) ? jobs.done(claim, "cancelled", "job cancelled")
                    : jobs.release(claim, "node " + dispatcher.node() + " stopped the profile");
        };
        if (!held) {
            LOG.info("Result for job item {} (profile of {}) dropped: lease {} of node {} is no longer valid",
                    claim.itemId(), claim.url(), claim.leaseToken(), dispatcher.node());
        }
    }

    private static JobItemClaim claim(Exchange ex) {
        return ex.getProperty(JobDispatcher.CLAIM, JobItemClaim.class);
    }
}
