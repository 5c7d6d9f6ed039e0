package dev.sightline.run;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.sightline.provider.CallResult;
import dev.sightline.provider.ProviderFailure;

/**
 * What this node's provider routes did, as Micrometer meters (README "Operations"): calls by provider and outcome
 * class, call latency and throttle wait histograms, tokens and cost of stored answers, leases rescued. Meters are
 * made once per label set and kept, so recording is a map lookup and an add.
 */
public final class CallMetrics {

    /** Outcome classes of a provider call. */
    public static final String OK = "ok";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String SERVER_ERROR = "server_error";
    public static final String TIMEOUT = "timeout";
    public static final String CLIENT_ERROR = "client_error";
    public static final String MALFORMED = "malformed";

    private static final Duration[] CALL_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120);
    private static final Duration[] WAIT_BUCKETS = seconds(0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60);

    private final MeterRegistry registry;
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Timer> waits = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> spend = new ConcurrentHashMap<>();
    private final Counter rescues;

    public CallMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.rescues = Counter.builder("sightline.lease.rescues").description("Cells whose expired lease this node "
                + "returned to the queue").register(registry);
    }

    /** Registers every series of the providers, so a scrape shows them at zero before the first call. */
    public void providers(Iterable<String> names) {
        for (String p : names) {
            for (String o : new String[] {OK, RATE_LIMITED, SERVER_ERROR, TIMEOUT, CLIENT_ERROR, MALFORMED}) {
                counter(p, o);
            }
            timer(latency, "sightline.provider.call.duration", "Provider call latency", p, CALL_BUCKETS);
            timer(waits, "sightline.throttle.wait", "Time a cell waited for its provider's throttle", p,
                    WAIT_BUCKETS);
            spend(p);
        }
    }

    /** A reply was read (answered, or a failure the provider said). */
    public void replied(String provider, CallResult call) {
        record(provider, outcome(call), call.latencyMs());
    }

    /** The call got no reply: a timeout or a network error. */
    public void noReply(String provider, ProviderFailure failure, long latencyMs) {
        record(provider, "timeout".equals(failure.code()) ? TIMEOUT : SERVER_ERROR, latencyMs);
    }

    private void record(String provider, String outcome, long latencyMs) {
        counter(provider, outcome).increment();
        timer(latency, "sightline.provider.call.duration", "Provider call latency", provider, CALL_BUCKETS)
                .record(latencyMs, TimeUnit.MILLISECONDS);
    }

    public void throttleWaited(String provider, long nanos) {
        timer(waits, "sightline.throttle.wait", "Time a cell waited for its provider's throttle", provider,
                WAIT_BUCKETS).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void answerStored(String provider, long tokensIn, long tokensOut, BigDecimal costUsd) {
        Counter[] c = spend(provider);
        c[0].increment(tokensIn);
        c[1].increment(tokensOut);
        if (costUsd != null) {
            c[2].increment(costUsd.doubleValue());
        }
    }

    public void rescued(int cells) {
        rescues.increment(cells);
    }

    static String outcome(CallResult call) {
        if (call.result().isOk()) {
            return OK;
        }
        ProviderFailure f = call.result().failure();
        return switch (f.type()) {
            case RATE_LIMITED -> RATE_LIMITED;
            case PERMANENT -> CLIENT_ERROR;
            case TRANSIENT -> "malformed_body".equals(f.code()) ? MALFORMED
                    : "timeout".equals(f.code()) ? TIMEOUT : SERVER_ERROR;
        };
    }

    private Counter counter(String provider, String outcome) {
        return calls.computeIfAbsent(provider + '\u0000' + outcome, k -> Counter.builder("sightline.provider.calls")
                .description("Provider calls by outcome class").tag("provider", provider).tag("outcome", outcome)
                .register(registry));
    }

    private Timer timer(Map<String, Timer> cache, String name, String description, String provider,
                        Duration[] buckets) {
        return cache.computeIfAbsent(provider, p -> Timer.builder(name).description(description).tag("provider", p)
                .serviceLevelObjectives(buckets).register(registry));
    }

    private Counter[] spend(String provider) {
        return spend.computeIfAbsent(provider, p -> new Counter[] {
                Counter.builder("sightline.tokens").description("Tokens of stored answers").tag("provider", p)
                        .tag("direction", "in").register(registry),
                Counter.builder("sightline.tokens").description("Tokens of stored answers").tag("provider", p)
                        .tag("direction", "out").register(registry),
                Counter.builder("sightline.cost").baseUnit("usd").description("Cost of stored answers in USD")
                        .tag("provider", p).register(registry)});
    }

    private static Duration[] seconds(double... s) {
        Duration[] out = new Duration[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = Duration.ofNanos((long) (s[i] * 1e9));
        }
        return out;
    }
}
