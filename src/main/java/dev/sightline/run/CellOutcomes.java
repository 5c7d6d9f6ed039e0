package dev.sightline.run;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.provider.CallResult;
import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.Scrubber;
import dev.sightline.provider.TransientCallException;
import dev.sightline.values.Text;

/**
 * What a provider route writes to a cell when it did not get an answer, fenced by the cell's lease token: a retry
 * after a backoff (an attempt spent), a deferral (rate limit, open circuit: no attempt spent), a failure. The
 * steps never throw: when the database is down the lease expires and the cell is claimed again.
 */
public final class CellOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(CellOutcomes.class);
    private static final int LOGGED_CHARS = 300;

    private final CellRepository cells;
    private final RunRepository runs;
    private final Dispatcher dispatcher;
    private final RetryPolicy retry;
    private final Function<String, Duration> circuitOpenDelay;
    private final Duration maxRateLimited;
    private final CallMetrics metrics;
    private final Scrubber scrubber;

    /**
     * @param circuitOpenDelay per provider, how long its open circuit defers a cell
     * @param scrubber         masks provider keys in errors that did not come through the codecs
     */
    public CellOutcomes(CellRepository cells, RunRepository runs, Dispatcher dispatcher, RetryPolicy retry,
                        Function<String, Duration> circuitOpenDelay, Duration maxRateLimited, CallMetrics metrics,
                        Scrubber scrubber) {
        this.cells = cells;
        this.runs = runs;
        this.dispatcher = dispatcher;
        this.retry = retry;
        this.circuitOpenDelay = circuitOpenDelay;
        this.maxRateLimited = maxRateLimited;
        this.metrics = metrics;
        this.scrubber = scrubber;
    }

    /** The provider answered 429 (or its own "slow down"): wait for its hint, no attempt spent, within the bound. */
    public void rateLimited(Exchange exchange) {
        CellClaim claim = claim(exchange);
        ProviderFailure f = exchange.getMessage().getBody(CallResult.class).result().failure();
        record(claim, () -> {
            Duration delay = retry.delay(claim.attempts(), f.retryAfter());
            String status = cells.rateLimited(claim, delay, maxRateLimited, "rate_limited: " + f.describe());
            if (status == null) {
                rejectedLate(claim);
            } else if ("failed".equals(status)) {
                LOG.warn("Cell {} ({}) failed: still rate limited after {} (sightline.retry.max-rate-limited)",
                        claim.cellId(), claim.provider(), maxRateLimited);
                runs.finalizeRuns(new long[] {claim.runId()});
            }
        });
    }

    /** A permanent error (400, 401, 403, 404, exhausted quota): the cell fails now with the provider's reason. */
    public void refused(Exchange exchange) {
        CellClaim claim = claim(exchange);
        String reason = exchange.getMessage().getBody(CallResult.class).result().failure().describe();
        record(claim, () -> {
            if (cells.fail(claim, reason)) {
                LOG.warn("Cell {} ({}) failed permanently: {}", claim.cellId(), claim.provider(), quote(reason));
                runs.finalizeRuns(new long[] {claim.runId()});
            } else {
                rejectedLate(claim);
            }
        });
    }

    /** The provider's circuit is open: not the cell's fault, it waits without spending an attempt. */
    private void circuitOpen(CellClaim claim) {
        record(claim, () -> {
            deferred(claim, cells.defer(claim, circuitOpenDelay.apply(claim.provider()),
                    "circuit of provider " + claim.provider() + " is open"));
        });
    }

    /** A cell returned unspent: pending again, cancelled with its run (which may be over now), or no longer ours. */
    private void deferred(CellClaim claim, String status) {
        if (status == null) {
            rejectedLate(claim);
        } else if ("cancelled".equals(status)) {
            runs.finalizeRuns(new long[] {claim.runId()});
        }
    }

    /**
     * A step of the provider route threw, or the call failed. An open circuit defers the cell unspent; so does a
     * shutdown before the request went out; after its answer was stored nothing changes; anything else is a failed
     * attempt under the retry policy, with the provider's hint for a failed call.
     */
    public void stepFailed(Exchange exchange) {
        CellClaim claim = claim(exchange);
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (error == null) {
            error = exchange.getException();
        }
        if (claim == null) {
            LOG.warn("A pipeline step failed without a cell: {}", quote(String.valueOf(error)));
            return;
        }
        if (exchange.getProperty(Pipeline.RESPONSE_ID) != null) {
            LOG.warn("A step after storing the answer of cell {} failed (the answer stands): {}", claim.cellId(),
                    quote(String.valueOf(error)));
            return;
        }
        if (!dispatcher.holds(claim)) {
            LOG.debug("Cell {} was returned at shutdown before its step failed: {}", claim.cellId(),
                    quote(String.valueOf(error)));
            return;
        }
        if (error instanceof CallNotPermittedException || (error == null && rejectedByBreaker(exchange))) {
            circuitOpen(claim);
            return;
        }
        if (error instanceof CallSteps.NotStartedException notStarted) {
            record(claim, () -> deferred(claim, cells.defer(claim, Duration.ZERO, notStarted.getMessage())));
            return;
        }
        ProviderFailure f = error instanceof TransientCallException t ? t.failure() : classify(error, scrubber);
        Long started = exchange.getProperty(Pipeline.CALL_STARTED, Long.class);
        if (started != null && !(error instanceof TransientCallException) && !"step_error".equals(f.code())) {
            metrics.noReply(claim.provider(), f, (System.nanoTime() - started) / 1_000_000);
        }
        record(claim, () -> {
            Duration delay = retry.delay(claim.attempts(), f.retryAfter());
            String reason = f.describe();
            String status = cells.retryOrFail(claim, retry.maxAttempts(), delay, reason);
            if ("cancelled".equals(status)) {
                runs.finalizeRuns(new long[] {claim.runId()});
            } else if ("failed".equals(status)) {
                LOG.warn("Cell {} ({}) failed after {} attempts: {}", claim.cellId(), claim.provider(),
                        claim.attempts(), quote(reason));
                runs.finalizeRuns(new long[] {claim.runId()});
            } else if (status == null) {
                rejectedLate(claim);
            } else {
                LOG.debug("Cell {} ({}) attempt {} failed, retry in {} ms: {}", claim.cellId(), claim.provider(),
                        claim.attempts(), delay.toMillis(), quote(reason));
            }
        });
    }

    /** The breaker's fallback without an exception: the breaker refused the call, which never ran. */
    private static boolean rejectedByBreaker(Exchange exchange) {
        String state = exchange.getProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_STATE, String.class);
        return state != null && !"CLOSED".equals(state)
                && exchange.getProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_FROM_FALLBACK, false, Boolean.class);
    }

    /** An exception of the call or a step, as a failure; its message may quote the provider, so it is scrubbed. */
    static ProviderFailure classify(Throwable error, Scrubber scrubber) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return new ProviderFailure(ProviderFailure.Type.TRANSIENT, 0, "timeout", "no reply within the timeout",
                        null);
            }
            if (t instanceof IOException) {
                return new ProviderFailure(ProviderFailure.Type.TRANSIENT, 0, "network_error",
                        scrubber.scrub(t.getClass().getSimpleName() + ": " + t.getMessage()), null);
            }
        }
        return new ProviderFailure(ProviderFailure.Type.TRANSIENT, 0, "step_error",
                error == null ? "unknown" : scrubber.scrub(error.getClass().getSimpleName() + ": " + error.getMessage()),
                null);
    }

    private void record(CellClaim claim, Runnable write) {
        dispatcher.finishing(claim);
        try {
            write.run();
        } catch (RuntimeException e) {
            LOG.warn("Recording the outcome of cell {} failed: {}; its lease will expire and it will be claimed again",
                    claim.cellId(), quote(e.getMessage()));
        }
    }

    /** Provider text (and exceptions that may quote it) in a log line: one line, quoted, shortened. */
    private String quote(String text) {
        return Text.quote(scrubber.scrub(text), LOGGED_CHARS);
    }

    private static CellClaim claim(Exchange exchange) {
        return exchange.getProperty(Pipeline.CLAIM, CellClaim.class);
    }

    private void rejectedLate(CellClaim claim) {
        rejectedLate(claim, dispatcher.node());
    }

    /** A write refused by the lease fence: this node's lease ended and another node owns the cell now. */
    static void rejectedLate(CellClaim claim, String node) {
        LOG.warn("Result for cell {} dropped: lease {} of node {} is no longer valid (another node owns the cell now)",
                claim.cellId(), claim.leaseToken(), node);
    }
}
