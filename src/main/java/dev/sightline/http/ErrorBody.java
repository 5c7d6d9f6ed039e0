package dev.sightline.http;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.sightline.values.Json;

/** The one shape of every error the HTTP server answers: {@code {"error": {"status", "code", "message", "field"}}}. */
public final class ErrorBody {

    private ErrorBody() {
    }

    public static Map<String, Object> of(int status, String code, String message, String field) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", status);
        error.put("code", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        return Map.of("error", error);
    }

    public static String json(int status, String code, String message, String field) {
        return Json.write(of(status, code, message, field));
    }

    /** The code of an error that only has a status (one the HTTP server itself answers). */
    static String code(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 408 -> "request_timeout";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 429 -> "too_many_requests";
            case 431 -> "headers_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
    }
}
