package dev.sightline.run;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.QueueReference;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.processor.aggregate.AggregateProcessor;

/**
 * Answers on this node that are not analysed yet, each holding its text in memory: the ones waiting to be stored
 * (seda:store-answers), the stored ones waiting for their analysis batch (seda:analyse), and the batches the
 * aggregator completed that wait for the analysis thread (routes/pipeline/50-analysis.yaml, {@code batch-answers};
 * counted as full batches). The dispatcher claims no cell while there are {@code sightline.analysis.max-backlog} of
 * them (see {@link Dispatcher}). At latency 0 the completed batches were where a 100,000-cell run piled up: the
 * queues stayed near empty while batches waited, about 17 s of analysis at the end of the run.
 */
final class AnswerBacklog {

    private static final String STORE = "seda://store-answers";
    private static final String ANALYSE = "seda://analyse";
    private static final String BATCHES = "batch-answers";

    private final CamelContext ctx;
    private volatile AggregateProcessor batches;

    AnswerBacklog(CamelContext ctx) {
        this.ctx = ctx;
    }

    int waiting() {
        int n = 0;
        if (ctx.hasComponent("seda") instanceof SedaComponent seda) {
            for (Map.Entry<String, QueueReference> q : seda.getQueues().entrySet()) {
                if (q.getKey().equals(STORE) || q.getKey().equals(ANALYSE)) {
                    n += q.getValue().getQueue().size();
                }
            }
        }
        AggregateProcessor a = batches;
        if (a == null) {
            a = ctx.getProcessor(BATCHES, AggregateProcessor.class);
            batches = a;
        }
        if (a != null) {
            n += a.getInProgressCompleteExchanges() * a.getCompletionSize();
        }
        return n;
    }
}
