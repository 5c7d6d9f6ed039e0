package dev.sightline.api;

import dev.sightline.values.Rejection;

/**
 * An error only the HTTP layer knows (401, 429, 503, 500), with its status. Domain code throws {@link Rejection};
 * {@link ApiErrors} renders both as {@code {"error": {"status", "code", "message", "field"}}}.
 */
public class ApiException extends Rejection {

    private final int status;
    private Long retryAfterSeconds;

    public ApiException(int status, String code, String field, String message) {
        super(Kind.INVALID, code, field, message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Answered with a {@code Retry-After} header. */
    public ApiException retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The HTTP status of any rejection. */
    public static int statusOf(Rejection r) {
        if (r instanceof ApiException a) {
            return a.status;
        }
        return switch (r.kind()) {
            case INVALID -> 400;
            case UNPROCESSABLE -> 422;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
        };
    }
}
