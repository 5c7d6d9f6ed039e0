package dev.sightline.api;

/**
 * An error the API answers with a status and a JSON body {@code {"error": {"status", "code", "message", "field"}}}.
 * Messages are written for the API user; they never contain stack traces or secrets.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String field, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "invalid_request", field, message);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", null, what + " not found");
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, null, message);
    }

    public static ApiException unprocessable(String code, String field, String message) {
        return new ApiException(422, code, field, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
