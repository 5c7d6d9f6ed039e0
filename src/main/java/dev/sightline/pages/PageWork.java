package dev.sightline.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.analysis.Analysis;
import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.analysis.EntityResult;
import dev.sightline.fetch.FetchResult;
import dev.sightline.fetch.WebFetcher;
import dev.sightline.jobs.JobDispatcher;
import dev.sightline.jobs.JobItemClaim;
import dev.sightline.jobs.JobRepository;
import dev.sightline.run.RetryPolicy;

/**
 * The steps of one cited page (routes/pipeline/90-jobs.yaml): fetch it, read it (facts, main text, and the
 * workspace's tracked entities on it, by the analyzer that reads answers), store what was found with the item's
 * end, fenced by its lease. A page that cannot be fetched is stored with its reason; a transient failure waits its
 * backoff in the database and is tried again, up to the attempts allowed.
 */
public final class PageWork {

    private static final Logger LOG = LoggerFactory.getLogger(PageWork.class);

    /** What reading a fetched page found (the fetch's body is dropped once read). */
    public record Report(FetchResult fetch, ReadPage page, List<PageRepository.PageMention> mentions) {
    }

    private final WebFetcher fetcher;
    private final JobDispatcher dispatcher;
    private final JobRepository jobs;
    private final PageRepository pages;
    private final RetryPolicy retry;
    private final LongFunction<AnswerAnalyzer> analyzers;

    public PageWork(WebFetcher fetcher, JobDispatcher dispatcher, JobRepository jobs, PageRepository pages,
                    RetryPolicy retry, LongFunction<AnswerAnalyzer> analyzers) {
        this.fetcher = fetcher;
        this.dispatcher = dispatcher;
        this.jobs = jobs;
        this.pages = pages;
        this.retry = retry;
        this.analyzers = analyzers;
    }

    public FetchResult fetch(Exchange ex) {
        JobItemClaim claim = claim(ex);
        return fetcher.fetch(claim.url(), dispatcher.abortHandle(claim));
    }

    public Report read(Exchange ex) {
        JobItemClaim claim = claim(ex);
        FetchResult r = ex.getMessage().getBody(FetchResult.class);
        if (!r.ok()) {
            return new Report(r, null, List.of());
        }
        ReadPage page = PageReader.read(r);
        Analysis a = analyzers.apply(claim.workspaceId()).analyze(page.text(), List.of());
        List<PageRepository.PageMention> mentions = new ArrayList<>();
        for (EntityResult e : a.entities()) {
            if (e.mentioned() && e.entity().id() > 0) {
                mentions.add(new PageRepository.PageMention(e.entity().id(), e.count(), e.listRank()));
            }
        }
        FetchResult withoutBody = new FetchResult(r.outcome(), r.url(), r.finalUrl(), r.status(), r.contentType(),
                r.charset(), null, null, null);
        return new Report(withoutBody, page, mentions);
    }

    public void store(Exchange ex) {
        JobItemClaim claim = claim(ex);
        Report rep = ex.getMessage().getBody(Report.class);
        FetchResult f = rep.fetch();
        // a slot this page handed to its host's reservation: recorded with the page's end (see JobDispatcher)
        JobItemClaim handedTo = dispatcher.takeHandOver(ex,
                f.outcome() == FetchResult.Outcome.OK || f.outcome() == FetchResult.Outcome.REFUSED);
        boolean held = switch (f.outcome()) {
            case OK -> pages.store(claim, "succeeded", f, rep.page(), rep.mentions(), handedTo);
            case REFUSED -> pages.store(claim, "failed", f, null, List.of(), handedTo);
            case TRANSIENT -> retryOrFail(claim, f);
            case ABORTED -> dispatcher.cancelled(claim) ? jobs.done(claim, "cancelled", "job cancelled")
                    : jobs.release(claim, "node " + dispatcher.node() + " stopped the fetch");
        };
        // recorded (with the page's end, or before it)
        ex.getMessage().removeHeader(JobDispatcher.HANDOVER);
        if (!held) {
            LOG.info("Result for job item {} ({}) dropped: lease {} of node {} is no longer valid", claim.itemId(),
                    claim.url(), claim.leaseToken(), dispatcher.node());
        }
    }

    private boolean retryOrFail(JobItemClaim claim, FetchResult f) {
        String status = jobs.retryOrFail(claim, retry.maxAttempts(), retry.delay(claim.attempts(), f.retryAfter()),
                f.reason());
        if ("failed".equals(status)) {
            pages.storeFailure(claim, f);
        }
        return status != null;
    }

    static JobItemClaim claim(Exchange ex) {
        return ex.getProperty(JobDispatcher.CLAIM, JobItemClaim.class);
    }
}
