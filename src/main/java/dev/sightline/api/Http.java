package dev.sightline.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import dev.sightline.values.Json;
import dev.sightline.values.Rejection;

/**
 * Reading path and query parameters and headers (each only from its own part of the request, {@link ApiRequest}),
 * and writing JSON replies, for the API beans.
 */
public final class Http {

    private Http() {
    }

    public static void reply(Exchange ex, int status, Object body) {
        Message m = ex.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(Json.write(body));
    }

    public static void replyText(Exchange ex, int status, String contentType, String body) {
        Message m = ex.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, contentType);
        m.setBody(body);
    }

    /** A query parameter (blank: absent). */
    public static String param(Exchange ex, String name) {
        return blankToNull(ApiRequest.of(ex).query(name));
    }

    /** An HTTP header of the request (blank: absent). */
    public static String header(Exchange ex, String name) {
        return blankToNull(ApiRequest.of(ex).header(name));
    }

    private static String blankToNull(String v) {
        if (v == null) {
            return null;
        }
        String s = v.strip();
        return s.isEmpty() ? null : s;
    }

    /** A path parameter that is an id: a positive integer. */
    public static long id(Exchange ex, String name) {
        return positive(name, blankToNull(ApiRequest.of(ex).path(name)));
    }

    /** A required query parameter that is an id: a positive integer. */
    public static long queryId(Exchange ex, String name) {
        return positive(name, param(ex, name));
    }

    private static long positive(String name, String v) {
        try {
            long id = Long.parseLong(v);
            if (id <= 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException | NullPointerException e) {
            throw Rejection.invalid(name, name + " must be a positive integer (got '" + v + "')");
        }
    }

    public static Long optLong(Exchange ex, String name) {
        String v = param(ex, name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw Rejection.invalid(name, name + " must be an integer (got '" + v + "')");
        }
    }

    public static int intParam(Exchange ex, String name, int def, int min, int max) {
        String v = param(ex, name);
        if (v == null) {
            return def;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw Rejection.invalid(name, name + " must be between " + min + " and " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw Rejection.invalid(name, name + " must be an integer (got '" + v + "')");
        }
    }

    public static LocalDate date(Exchange ex, String name) {
        String v = param(ex, name);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw Rejection.invalid(name, name + " must be a date like 2026-11-26 (got '" + v + "')");
        }
    }

    public static Instant instant(Exchange ex, String name) {
        String v = param(ex, name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e2) {
                throw Rejection.invalid(name, name + " must be an ISO-8601 timestamp like 2026-11-26T10:15:30Z (got '"
                        + v + "')");
            }
        }
    }

    public static String oneOf(Exchange ex, String name, Set<String> allowed) {
        String v = param(ex, name);
        if (v != null && !allowed.contains(v)) {
            throw Rejection.invalid(name, name + " must be one of " + new java.util.TreeSet<>(allowed)
                    + " (got '" + v + "')");
        }
        return v;
    }

    public static boolean wantsCsv(Exchange ex) {
        String accept = header(ex, "Accept");
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/csv");
    }
}
