package dev.sightline.run;

import java.math.BigDecimal;
import java.util.Optional;

import org.apache.camel.Exchange;

import dev.sightline.provider.Answer;
import dev.sightline.provider.CallResult;
import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.provider.codec.CostModel;
import dev.sightline.values.Json;

/**
 * The store step of a provider route: the raw reply (immutable), the cell marked succeeded and the answer queued
 * for analysis, in one statement fenced by the lease token; answers finishing together share that statement and
 * its commit ({@link GroupStore}). Its result is the {@link AnalysisJob} for the analysis route, or null when the
 * lease was lost (another node owns the cell; nothing was written).
 */
public final class AnswerStore {

    private final GroupStore group;
    private final ProviderRegistry providers;
    private final Dispatcher dispatcher;
    private final Budget budget;
    private final CostModel costs = new CostModel();
    private final CallMetrics metrics;

    public AnswerStore(CellRepository cells, ProviderRegistry providers, Dispatcher dispatcher, Budget budget,
                       CallMetrics metrics) {
        this.group = new GroupStore(cells);
        this.providers = providers;
        this.dispatcher = dispatcher;
        this.budget = budget;
        this.metrics = metrics;
    }

    public AnalysisJob store(Exchange exchange) {
        CellClaim claim = exchange.getProperty(Pipeline.CLAIM, CellClaim.class);
        CallResult call = exchange.getMessage().getBody(CallResult.class);
        Provider p = providers.get(claim.provider());
        Answer a = call.result().answer();
        BigDecimal cost = costs.cost(p.settings(), a);
        Answer metered = a.withMetering(call.latencyMs(), cost);
        dispatcher.finishing(claim);
        Optional<Long> stored = group.store(claim, new StoredAnswer(p.name(), p.settings().kind(),
                metered.modelRequested(), metered.modelServed(), call.status(), noNul(call.rawBody()),
                noNul(metered.text()), Json.write(metered.citations()), metered.tokensIn(), metered.tokensOut(),
                metered.searchCalls(), metered.costUsd(), metered.latencyMs(), metered.providerRequestId(),
                metered.finishReason()));
        if (stored.isEmpty()) {
            CellOutcomes.rejectedLate(claim, dispatcher.node());
            return null;
        }
        exchange.setProperty(Pipeline.RESPONSE_ID, stored.get());
        budget.recordSpend(claim.workspaceId(), cost);
        metrics.answerStored(p.name(), metered.tokensIn(), metered.tokensOut(), cost);
        return new AnalysisJob(stored.get(), claim.runId(), claim.workspaceId(), metered.text(), metered.citations(),
                claim.cellId(), claim.kind());
    }

    /** PostgreSQL text cannot hold U+0000; it is the only character not stored verbatim. */
    static String noNul(String s) {
        return s == null ? "" : s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }
}
