package dev.sightline.fetch;

import java.nio.charset.Charset;
import java.time.Duration;

/**
 * What fetching one URL came to.
 *
 * @param outcome     OK (an HTML body), REFUSED (will not work as it is: robots, private address, 404, too large,
 *                    not HTML...), TRANSIENT (worth another try: 5xx, 429, timeout, connection failed) or ABORTED
 *                    (the job was cancelled or the node is stopping)
 * @param url         the URL asked for
 * @param finalUrl    the URL after redirects (the last one tried when it failed)
 * @param status      the last HTTP status, 0 when no answer came
 * @param contentType the media type without parameters, when an answer came
 * @param charset     from the Content-Type header; null: the page's own meta tag decides
 * @param body        the decoded body (OK only)
 * @param reason      why it failed, in words (null when OK)
 * @param retryAfter  the server's Retry-After, when it gave one
 */
public record FetchResult(Outcome outcome, String url, String finalUrl, int status, String contentType,
                          Charset charset, byte[] body, String reason, Duration retryAfter) {

    public enum Outcome { OK, REFUSED, TRANSIENT, ABORTED }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    static FetchResult ok(String url, String finalUrl, int status, String contentType, Charset charset, byte[] body) {
        return new FetchResult(Outcome.OK, url, finalUrl, status, contentType, charset, body, null, null);
    }

    static FetchResult failed(Outcome outcome, String url, String finalUrl, int status, String contentType,
                              String reason, Duration retryAfter) {
        return new FetchResult(outcome, url, finalUrl, status, contentType, null, null, reason, retryAfter);
    }
}
