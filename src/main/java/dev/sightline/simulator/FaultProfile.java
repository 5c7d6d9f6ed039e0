package dev.sightline.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How one provider kind of the simulator misbehaves. Each request draws at most one fault; the rates are
 * probabilities per request and together must not exceed 1.
 *
 * @param latencyMedian  median time to answer; with {@code latencyP99} it fixes a log-normal distribution
 *                       (zero: answer at once)
 * @param latencyP99     99th percentile; equal to the median for a fixed latency
 * @param rate429        share of requests answered 429 with a retry hint
 * @param retryAfter     the retry hint of those 429s ({@code retry-after}, {@code retry-after-ms}, Gemini
 *                       {@code RetryInfo.retryDelay})
 * @param rate500        share answered 500 in the provider's error envelope
 * @param rateOverloaded share answered 529 (anthropic) or 503 (every other kind)
 * @param rateTimeout    share held for {@code timeoutHold} and then dropped without a reply
 * @param timeoutHold    how long a timed-out request is held before its connection is closed
 * @param rateMalformed  share answered HTTP 200 with an HTML page or truncated JSON
 * @param rate401        share answered 401 as if the key had been revoked
 * @param rateRefusal    share of answers that decline to recommend (null: the writer's own mix of styles, which
 *                       declines now and then); not a fault, so it does not count towards the rates' total
 * @param servedModel    the model name replies report instead of the usual one (null: the usual one), as when a
 *                       provider swaps the model behind an alias
 */
public record FaultProfile(Duration latencyMedian, Duration latencyP99, double rate429, Duration retryAfter,
                           double rate500, double rateOverloaded, double rateTimeout, Duration timeoutHold,
                           double rateMalformed, double rate401, Double rateRefusal, String servedModel) {

    /** The documented defaults: latency median 700 ms, p99 2.5 s, no faults. */
    public static final FaultProfile DEFAULT = new FaultProfile(Duration.ofMillis(700), Duration.ofMillis(2500),
            0, Duration.ofSeconds(2), 0, 0, 0, Duration.ofSeconds(30), 0, 0, null, null);

    /** Instant, faultless answers: what most tests want. */
    public static final FaultProfile NONE = DEFAULT.withLatency(Duration.ZERO, Duration.ZERO);

    public FaultProfile {
        Objects.requireNonNull(latencyMedian, "latencyMedian");
        Objects.requireNonNull(latencyP99, "latencyP99");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(timeoutHold, "timeoutHold");
        for (Duration d : new Duration[] {latencyMedian, latencyP99, retryAfter, timeoutHold}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative: " + d);
            }
        }
        if (latencyP99.compareTo(latencyMedian) < 0) {
            throw new IllegalArgumentException(
                    "latency p99 (" + latencyP99 + ") is below the median (" + latencyMedian + ")");
        }
        checkRate("rate429", rate429);
        checkRate("rate500", rate500);
        checkRate("rateOverloaded", rateOverloaded);
        checkRate("rateTimeout", rateTimeout);
        checkRate("rateMalformed", rateMalformed);
        checkRate("rate401", rate401);
        if (rateRefusal != null) {
            checkRate("rateRefusal", rateRefusal);
        }
        servedModel = servedModel == null || servedModel.isBlank() ? null : servedModel.strip();
        double total = rate429 + rate500 + rateOverloaded + rateTimeout + rateMalformed + rate401;
        if (total > 1.0 + 1e-9) {
            throw new IllegalArgumentException("fault rates add up to " + total + ", more than 1");
        }
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1: " + rate);
        }
    }

    public FaultProfile withLatency(Duration median, Duration p99) {
        return new FaultProfile(median, p99, rate429, retryAfter, rate500, rateOverloaded, rateTimeout, timeoutHold,
                rateMalformed, rate401, rateRefusal, servedModel);
    }

    public FaultProfile withRate429(double rate, Duration hint) {
        return new FaultProfile(latencyMedian, latencyP99, rate, hint, rate500, rateOverloaded, rateTimeout,
                timeoutHold, rateMalformed, rate401, rateRefusal, servedModel);
    }

    public FaultProfile withRate500(double rate) {
        return new FaultProfile(latencyMedian, latencyP99, rate429, retryAfter, rate, rateOverloaded, rateTimeout,
                timeoutHold, rateMalformed, rate401, rateRefusal, servedModel);
    }

    public FaultProfile withRateOverloaded(double rate) {
        return new FaultProfile(latencyMedian, latencyP99, rate429, retryAfter, rate500, rate, rateTimeout,
                timeoutHold, rateMalformed, rate401, rateRefusal, servedModel);
    }

    public FaultProfile withRateTimeout(double rate, Duration hold) {
        return new FaultProfile(latencyMedian, latencyP99, rate429, retryAfter, rate500, rateOverloaded, rate, hold,
                rateMalformed, rate401, rateRefusal, servedModel);
    }

    public FaultProfile withRateMalformed(double rate) {
        return new FaultProfile(latencyMedian, latencyP99, rate429, retryAfter, rate500, rateOverloaded, rateTimeout,
                timeoutHold, rate, rate401, rateRefusal, servedModel);
    }

    public FaultProfile withRate401(double rate) {
        return new FaultProfile(latencyMedian, latencyP99, rate429, retryAfter, rate500, rateOverloaded, rateTimeout,
                timeoutHold, rateMalformed, rate, rateRefusal, servedModel);
    }

    public FaultProfile withRateRefusal(Double rate) {
        return new FaultProfile(latencyMedian, latencyP99, rate429, retryAfter, rate500, rateOverloaded, rateTimeout,
                timeoutHold, rateMalformed, rate401, rate, servedModel);
    }

    public FaultProfile withServedModel(String model) {
        return new FaultProfile(latencyMedian, latencyP99, rate429, retryAfter, rate500, rateOverloaded, rateTimeout,
                timeoutHold, rateMalformed, rate401, rateRefusal, model);
    }
}
