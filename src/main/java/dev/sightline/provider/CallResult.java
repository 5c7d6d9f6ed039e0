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
}
