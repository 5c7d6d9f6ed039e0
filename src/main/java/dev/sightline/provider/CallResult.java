package dev.sightline.provider;

/**
 * What one HTTP call to a provider produced, carried as the message body out of the circuit breaker.
 *
 * @param result    the codec's reading of the reply
 * @param status    HTTP status
 * @param rawBody   the reply body verbatim (stored as the immutable raw response)
 * @param latencyMs from just before the request to the decoded reply
 */
public record CallResult(ProviderResult result, int status, String rawBody, long latencyMs) {

    /** Outcomes the provider route branches on. */
    public static final String ANSWERED = "answered";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";

    /**
     * {@code answered}, {@code rate_limited} (wait, no attempt spent), {@code refused} (a permanent error: the cell
     * fails) or {@code failed} (worth retrying; decoding throws it as a {@link TransientCallException}).
     */
    public String getOutcome() {
        if (result.isOk()) {
            return ANSWERED;
        }
        return switch (result.failure().type()) {
            case RATE_LIMITED -> RATE_LIMITED;
            case PERMANENT -> REFUSED;
            case TRANSIENT -> FAILED;
        };
    }
}
