package dev.sightline.values;

/**
 * A request the application refuses, with the field it is about: thrown by domain code, turned into an HTTP
 * status by the API and into a line by the CLI. Messages are written for the user and never hold secrets.
 */
public class Rejection extends RuntimeException {

    /** Why the request is refused. */
    public enum Kind {
        /** the request is malformed or a value is out of range */
        INVALID,
        /** well-formed, but cannot be done now (no prompts, over budget, key reused) */
        UNPROCESSABLE,
        NOT_FOUND,
        /** conflicts with work in progress */
        CONFLICT,
        /** a body beyond a size limit (rows, bytes, line length): the field names the limit */
        TOO_LARGE
    }

    private final Kind kind;
    private final String code;
    private final String field;

    public Rejection(Kind kind, String code, String field, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.field = field;
    }

    public static Rejection invalid(String field, String message) {
        return new Rejection(Kind.INVALID, "invalid_request", field, message);
    }

    public static Rejection unprocessable(String code, String field, String message) {
        return new Rejection(Kind.UNPROCESSABLE, code, field, message);
    }

    public static Rejection notFound(String what) {
        return new Rejection(Kind.NOT_FOUND, "not_found", null, what + " not found");
    }

    public static Rejection tooLarge(String field, String message) {
        return new Rejection(Kind.TOO_LARGE, "payload_too_large", field, message);
    }

    public static Rejection conflict(String code, String message) {
        return new Rejection(Kind.CONFLICT, code, null, message);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
