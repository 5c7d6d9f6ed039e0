package dev.sightline.provider;

import java.util.List;
import java.util.Map;

/**
 * One provider wire format: builds the request and reads the reply. Pure functions of their arguments: no I/O,
 * no clock, thread-safe.
 */
public interface ProviderCodec {

    /** The kind this codec speaks, one of {@link ProviderKinds}. */
    String kind();

    /** The request for one prompt, credentials included (from {@code settings.apiKey()}). */
    ProviderRequest buildRequest(ProviderSettings settings, PromptInput input);

    /**
     * Reads a reply. Any status: 2xx bodies become an {@link Answer} (or a failure when the body says the call
     * failed, e.g. {@code "status":"failed"}, or cannot be parsed: TRANSIENT with the first bytes in the
     * message); other statuses are classified into a {@link ProviderFailure}.
     *
     * @param headers response headers; names compared case-insensitively
     */
    ProviderResult decode(ProviderSettings settings, int status, Map<String, List<String>> headers, String body);
}
