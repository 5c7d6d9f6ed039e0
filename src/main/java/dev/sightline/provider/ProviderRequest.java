package dev.sightline.provider;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An HTTP request a codec built. The pipeline sends {@code POST baseUrl + path} with these headers and body.
 *
 * @param path    path (and query, if any) appended to the provider's base URL; starts with {@code /}
 * @param headers request headers, credentials included
 * @param body    JSON body
 */
public record ProviderRequest(String path, Map<String, String> headers, String body) {

    public ProviderRequest {
        headers = Map.copyOf(headers);
    }

    /** Credentials never show up in logs. */
    @Override
    public String toString() {
        String shown = headers.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isCredential(e.getKey()) ? "***" : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return "ProviderRequest[path=" + path + ", headers=" + shown + ", body=" + body.length() + " chars]";
    }

    public static boolean isCredential(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.equals("authorization") || h.equals("x-api-key") || h.equals("x-goog-api-key")
                || h.equals("api-key") || h.contains("token");
    }
}
