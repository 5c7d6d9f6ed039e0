package dev.sightline.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

import dev.sightline.provider.CallResult;
import dev.sightline.provider.PromptInput;
import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.Scrubber;
import dev.sightline.provider.TransientCallException;

/**
 * The two Java steps around the HTTP call in a provider route: {@link #prepare} turns the claimed cell into the
 * provider's request (and marks the call started, or refuses it while the node shuts down), {@link #decode} turns
 * the reply into a {@link CallResult} and throws a {@link TransientCallException} for a failure worth retrying,
 * so the circuit breaker counts it.
 */
public final class CallSteps {

    /** Exchange property: {@code System.nanoTime()} when the cell reached its provider's throttle. */
    static final String QUEUED = "sightline.throttleEnteredNanos";
    /** The raw body stored in place of a reply that spelled an API key in pieces. */
    static final String WITHHELD = "(reply withheld: it spelled an API key across several parts)";

    private final ProviderRegistry providers;
    private final java.util.function.Predicate<CellClaim> markStarted;
    private final String systemPrompt;
    private final CallMetrics metrics;

    /** @param markStarted marks a claim's call as started; false while the node shuts down ({@link Dispatcher}) */
    public CallSteps(ProviderRegistry providers, java.util.function.Predicate<CellClaim> markStarted,
                     String systemPrompt, CallMetrics metrics) {
        this.providers = providers;
        this.markStarted = markStarted;
        this.systemPrompt = systemPrompt;
        this.metrics = metrics;
    }

    /** The cell reached its provider's throttle (the wait for a permit is measured from here). */
    public void queued(Exchange exchange) {
        exchange.setProperty(QUEUED, System.nanoTime());
    }

    /** Thrown when the node is shutting down before the request went out: the cell goes back unspent. */
    public static final class NotStartedException extends RuntimeException {
        public NotStartedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The call is about to start; throws {@link NotStartedException} when the node is shutting down, or while the cell
     * waited claimed ahead its run was cancelled on this node or its workspace's budget for the day was spent.
     */
    public void start(Exchange exchange) {
        CellClaim claim = exchange.getProperty(Pipeline.CLAIM, CellClaim.class);
        Long queued = exchange.getProperty(QUEUED, Long.class);
        if (queued != null) {
            metrics.throttleWaited(claim.provider(), System.nanoTime() - queued);
        }
        if (!markStarted.test(claim)) {
            throw new NotStartedException("not called: node shutting down, run cancelled or today's budget spent");
        }
    }

    public void prepare(Exchange exchange) {
        CellClaim claim = exchange.getProperty(Pipeline.CLAIM, CellClaim.class);
        Provider p = providers.get(claim.provider());
        // the system prompt frames a buyer's question; an experiment's prompt and a grader's or judge's say it all
        String system = CellKind.SWEEP.equals(claim.kind()) ? systemPrompt : null;
        ProviderRequest req = p.codec().buildRequest(p.settings().withModelParameters(claim.temperature(),
                claim.maxTokens()), new PromptInput(system, claim.promptText(), claim.cellId(), claim.sample()));
        Message m = exchange.getMessage();
        // only the codec's headers go on the wire: nothing of the exchange leaks to the provider
        m.getHeaders().clear();
        m.getHeaders().putAll(req.headers());
        if (p.simulated()) {
            m.setHeader(PromptInput.CELL_HEADER, Long.toString(claim.cellId()));
            m.setHeader(PromptInput.SAMPLE_HEADER, Integer.toString(claim.sample()));
            m.setHeader(PromptInput.WORKSPACE_HEADER, Long.toString(claim.workspaceId()));
        }
        // the enum itself: a String here costs a slow type-converter lookup on every call
        m.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        m.setHeader(Exchange.HTTP_URI, p.settings().baseUrl() + req.path());
        m.setBody(req.body());
        exchange.setProperty(Pipeline.CALL_STARTED, System.nanoTime());
    }

    public void decode(Exchange exchange) {
        CellClaim claim = exchange.getProperty(Pipeline.CLAIM, CellClaim.class);
        Provider p = providers.get(claim.provider());
        Message m = exchange.getMessage();
        int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        // everything the provider sent is scrubbed here, before it is decoded, stored, logged or cut short
        Scrubber scrubber = providers.scrubber();
        String body = scrubber.scrub(m.getBody(String.class));
        if (body == null) {
            body = "";
        }
        Map<String, List<String>> headers = scrubber.scrub(responseHeaders(m));
        long started = exchange.getProperty(Pipeline.CALL_STARTED, System.nanoTime(), Long.class);
        long latency = (System.nanoTime() - started) / 1_000_000;
        ProviderResult decoded = p.codec().decode(p.settings(), status, headers, body);
        ProviderResult result = scrubber.scrub(decoded);
        if (result != decoded) {
            // a key that shows only once decoded (spelled across parts of the reply), which the scrubber masked in a
            // copy of the reply (one without a key comes back as it is): the reply cannot be kept
            body = WITHHELD;
        }
        CallResult call = new CallResult(result, status, body, latency);
        metrics.replied(claim.provider(), call);
        // drop the request headers (credentials) the HTTP component copied onto the reply
        m.getHeaders().clear();
        m.setBody(call);
        if (!result.isOk() && result.failure().type() == ProviderFailure.Type.TRANSIENT) {
            throw new TransientCallException(call);
        }
    }

    private static Map<String, List<String>> responseHeaders(Message m) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        m.getHeaders().forEach((k, v) -> {
            if (k.startsWith("Camel") || k.startsWith("camel") || ProviderRequest.isCredential(k)) {
                return;
            }
            List<String> values = new ArrayList<>();
            if (v instanceof Iterable<?> it) {
                it.forEach(x -> values.add(String.valueOf(x)));
            } else if (v != null) {
                values.add(String.valueOf(v));
            }
            out.put(k.toLowerCase(Locale.ROOT), values);
        });
        return out;
    }
}
