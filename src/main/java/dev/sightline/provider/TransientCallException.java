package dev.sightline.provider;

/**
 * A call that failed in a way worth retrying (5xx, 529, malformed body). Thrown inside the circuit breaker so
 * resilience4j counts it as a failure; rate limits and permanent errors are not thrown, so they never open it.
 */
public final class TransientCallException extends RuntimeException {

    private final transient ProviderFailure failure;
    private final transient CallResult call;

    public TransientCallException(CallResult call) {
        super(call.result().failure().describe(), null, false, false);
        this.failure = call.result().failure();
        this.call = call;
    }

    public ProviderFailure failure() {
        return failure;
    }

    public CallResult call() {
        return call;
    }
}
