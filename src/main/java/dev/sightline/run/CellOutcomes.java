package dev.sightline.run;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.provider.Answer;
import dev.sightline.provider.CallResult;
import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.provider.TransientCallException;
import dev.sightline.provider.codec.CostModel;

/**
 * The last step of a provider route: writes what happened to the cell, fenced by its lease token. A stored
 * answer (raw body first, immutable) goes on to analysis; a failure becomes a retry, a deferral or a failed cell.
 */
public final class CellOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(CellOutcomes.class);

    /** Set by the route right after the rate limit: the call was allowed to start. */
    public static final String PASSED_THROTTLE = "sightline.passedThrottle";

    private final CellRepository cells;
    private final GroupStore stores;
    private final RunRepository runs;
    private final ProviderRegistry providers;
    private final Dispatcher dispatcher;
    private final RetryPolicy retry;
    private final Duration circuitOpenDelay;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final CostModel costs = new CostModel();
    private final String analysisUri;
    private final Budget budget;
    private volatile Endpoint analysisEndpoint;

    public CellOutcomes(CellRepository cells, RunRepository runs, ProviderRegistry providers, Dispatcher dispatcher,
                        RetryPolicy retry, Duration circuitOpenDelay, ProducerTemplate producer, ObjectMapper json,
                        String analysisUri, Budget budget) {
        this.budget = budget;
        this.cells = cells;
        this.stores = new GroupStore(cells);
        this.runs = runs;
        this.providers = providers;
        this.dispatcher = dispatcher;
        this.retry = retry;
        this.circuitOpenDelay = circuitOpenDelay;
        this.producer = producer;
        this.json = json;
        this.analysisUri = analysisUri;
    }

    public void record(Exchange exchange) {
        CellClaim claim = exchange.getProperty(Dispatcher.CLAIM, CellClaim.class);
        dispatcher.finishing(claim);
        try {
            Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            boolean passedThrottle = exchange.getProperty(PASSED_THROTTLE, false, Boolean.class);
            boolean rejected = exchange.getProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_REJECTED, false,
                    Boolean.class);
            if (error != null) {
                onError(claim, error, passedThrottle);
            } else if (rejected) {
                // the circuit is open: not the cell's fault, no attempt spent
                defer(claim, circuitOpenDelay, "circuit of provider " + claim.provider() + " is open");
            } else {
                CallResult call = exchange.getMessage().getBody(CallResult.class);
                if (call == null) {
                    onError(claim, new IllegalStateException("provider route produced no result"), true);
                } else if (call.result().isOk()) {
                    store(claim, call);
                } else {
                    onFailure(claim, call.result().failure());
                }
            }
        } catch (RuntimeException e) {
            // the database may be down: the lease will expire and the cell will be claimed again
            LOG.warn("Recording the outcome of cell {} failed: {}", claim.cellId(), e.getMessage());
        } finally {
            dispatcher.done(claim);
        }
    }

    private void onError(CellClaim claim, Exception error, boolean passedThrottle) {
        if (error instanceof TransientCallException t) {
            onFailure(claim, t.failure());
            return;
        }
        if (error instanceof CallSteps.NotStartedException || error instanceof RejectedExecutionException
                || !passedThrottle) {
            defer(claim, Duration.ZERO, "not started: " + error.getMessage());
            return;
        }
        ProviderFailure f = classify(error);
        onFailure(claim, f);
    }

    static ProviderFailure classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return new ProviderFailure(ProviderFailure.Type.TRANSIENT, 0, "timeout", "no reply within the timeout", null);
            }
            if (t instanceof IOException) {
                return new ProviderFailure(ProviderFailure.Type.TRANSIENT, 0, "network_error",
                        t.getClass().getSimpleName() + ": " + t.getMessage(), null);
            }
        }
        return new ProviderFailure(ProviderFailure.Type.TRANSIENT, 0, "call_error",
                error.getClass().getSimpleName() + ": " + error.getMessage(), null);
    }

    private void onFailure(CellClaim claim, ProviderFailure f) {
        String reason = f.describe();
        switch (f.type()) {
            case RATE_LIMITED -> defer(claim, retry.delay(claim.attempts(), f.retryAfter()), "rate limited: " + reason);
            case PERMANENT -> {
                if (cells.fail(claim, reason)) {
                    LOG.warn("Cell {} ({}) failed permanently: {}", claim.cellId(), claim.provider(), reason);
                    runs.finalizeRuns(new long[] {claim.runId()});
                }
            }
            case TRANSIENT -> {
                Duration delay = retry.delay(claim.attempts(), f.retryAfter());
                String status = cells.retryOrFail(claim, retry.maxAttempts(), delay, reason);
                if ("failed".equals(status)) {
                    LOG.warn("Cell {} ({}) failed after {} attempts: {}", claim.cellId(), claim.provider(),
                            claim.attempts(), reason);
                    runs.finalizeRuns(new long[] {claim.runId()});
                } else if (status == null) {
                    rejectedLate(claim);
                } else {
                    LOG.debug("Cell {} ({}) attempt {} failed, retry in {} ms: {}", claim.cellId(), claim.provider(),
                            claim.attempts(), delay.toMillis(), reason);
                }
            }
        }
    }

    private void defer(CellClaim claim, Duration delay, String reason) {
        if (!cells.defer(claim, delay, reason)) {
            rejectedLate(claim);
        }
    }

    private void store(CellClaim claim, CallResult call) {
        Provider p = providers.get(claim.provider());
        Answer a = call.result().answer();
        BigDecimal cost = costs.cost(p.settings(), a);
        Answer metered = a.withMetering(call.latencyMs(), cost);
        String citations;
        try {
            citations = json.writeValueAsString(metered.citations());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Optional<Long> stored = stores.store(claim, new StoredAnswer(p.name(), p.settings().kind(),
                metered.modelRequested(), metered.modelServed(), call.status(), noNul(call.rawBody()),
                noNul(metered.text()), citations, metered.tokensIn(), metered.tokensOut(), metered.searchCalls(),
                metered.costUsd(), metered.latencyMs(), metered.providerRequestId(), metered.finishReason()));
        if (stored.isEmpty()) {
            rejectedLate(claim);
            return;
        }
        budget.recordSpend(cost);
        producer.sendBody(analysisEndpoint(), new AnalysisJob(stored.get(), claim.runId(), claim.workspaceId(),
                metered.text(), metered.citations()));
    }

    /** Resolved once: resolving the URI on every send normalises it every time. */
    private Endpoint analysisEndpoint() {
        Endpoint e = analysisEndpoint;
        if (e == null) {
            e = producer.getCamelContext().getEndpoint(analysisUri);
            analysisEndpoint = e;
        }
        return e;
    }

    /** PostgreSQL text cannot hold U+0000; it is the only character not stored verbatim. */
    static String noNul(String s) {
        return s == null ? "" : s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    private void rejectedLate(CellClaim claim) {
        LOG.warn("Result for cell {} dropped: lease {} of node {} is no longer valid (another node owns the cell now)",
                claim.cellId(), claim.leaseToken(), dispatcher.node());
    }
}
