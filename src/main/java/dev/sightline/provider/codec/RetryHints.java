package dev.sightline.provider.codec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the retry hints providers send with rate-limit and overload replies. Every parser returns null for a
 * missing or unreadable hint (the pipeline then backs off on its own) and never a negative duration.
 */
public final class RetryHints {

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Pattern PROTO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)s");
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private RetryHints() {
    }

    /** First value of a header, names compared case-insensitively; null when absent or blank. */
    public static String header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null) {
                for (String v : e.getValue()) {
                    if (v != null && !v.isBlank()) {
                        return v.strip();
                    }
                }
            }
        }
        return null;
    }

    /**
     * The standard hint headers: {@code retry-after-ms} (more precise, OpenAI) before {@code Retry-After}
     * (seconds or HTTP-date).
     */
    public static Duration fromHeaders(Map<String, List<String>> headers) {
        return fromHeaders(headers, Clock.systemUTC());
    }

    /**
     * As {@link #fromHeaders(Map)}; {@code clock} is only consulted for an HTTP-date {@code Retry-After} in a reply
     * without a {@code Date} header (the server's own {@code Date} is the reference otherwise, which keeps the
     * result a function of the reply).
     */
    public static Duration fromHeaders(Map<String, List<String>> headers, Clock clock) {
        Duration ms = parseMillis(header(headers, "retry-after-ms"));
        if (ms != null) {
            return ms;
        }
        String retryAfter = header(headers, "retry-after");
        if (retryAfter == null) {
            return null;
        }
        Duration seconds = parseSeconds(retryAfter);
        if (seconds != null) {
            return seconds;
        }
        Instant at = parseHttpDate(retryAfter);
        if (at == null) {
            return null;
        }
        Instant now = parseHttpDate(header(headers, "date"));
        if (now == null) {
            now = clock.instant();
        }
        return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    }

    /** {@code Retry-After} delta-seconds ({@code "30"}; a decimal such as {@code "1.5"} is tolerated). */
    public static Duration parseSeconds(String value) {
        BigDecimal seconds = decimal(value);
        return seconds == null ? null : ofSeconds(seconds);
    }

    /** {@code retry-after-ms}: milliseconds, possibly fractional. */
    public static Duration parseMillis(String value) {
        BigDecimal ms = decimal(value);
        return ms == null ? null : ofSeconds(ms.movePointLeft(3));
    }

    /** An RFC 1123 HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}); null when it is not one. */
    public static Instant parseHttpDate(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * A Go {@code time.Duration} string as OpenAI sends in {@code x-ratelimit-reset-*}: {@code 6m0s}, {@code 12ms},
     * {@code 1h2m3.5s}, {@code 0s}.
     */
    public static Duration parseGoDuration(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.strip();
        Matcher m = GO_DURATION.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            end = m.end();
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(nanosPer(m.group(2))));
        }
        if (end == 0 || end != s.length()) {
            return null;
        }
        return ofNanos(nanos);
    }

    /**
     * A protobuf JSON duration as Gemini's {@code RetryInfo.retryDelay} carries it: {@code "58s"}, {@code "1.5s"}.
     */
    public static Duration parseProtoDuration(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = PROTO_DURATION.matcher(value.strip());
        return m.matches() ? ofSeconds(new BigDecimal(m.group(1))) : null;
    }

    private static BigDecimal nanosPer(String unit) {
        return switch (unit) {
            case "h" -> BigDecimal.valueOf(3600L).multiply(NANOS_PER_SECOND);
            case "m" -> BigDecimal.valueOf(60L).multiply(NANOS_PER_SECOND);
            case "s" -> NANOS_PER_SECOND;
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "ns" -> BigDecimal.ONE;
            default -> BigDecimal.valueOf(1_000L); // us, µs (micro sign), μs (Greek mu)
        };
    }

    private static BigDecimal decimal(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(value.strip().toLowerCase(Locale.ROOT));
            return d.signum() < 0 ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Duration ofSeconds(BigDecimal seconds) {
        return ofNanos(seconds.multiply(NANOS_PER_SECOND));
    }

    /** Null for an absurd value (beyond ~292 years) rather than a wrapped-around one. */
    private static Duration ofNanos(BigDecimal nanos) {
        try {
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException e) {
            return null;
        }
    }
}
