package dev.sightline.simulator;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration notations the properties accept: {@code 700ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 0}, ISO-8601. */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    static Duration parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("pt") || s.startsWith("p")) {
            try {
                Duration d = Duration.parse(s.toUpperCase(Locale.ROOT));
                if (d.isNegative()) {
                    throw new IllegalArgumentException("negative duration: " + text);
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: " + text, e);
            }
        }
        Matcher m = SHORT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (use 700ms, 2s, 1m or PT2S): " + text);
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2);
        if (unit == null) {
            if (amount.signum() != 0) {
                throw new IllegalArgumentException("duration needs a unit (ms, s, m, h): " + text);
            }
            return Duration.ZERO;
        }
        long millisPerUnit = switch (unit) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        return Duration.ofMillis(amount.multiply(BigDecimal.valueOf(millisPerUnit)).longValue());
    }

    /** Go-style duration as OpenAI's {@code x-ratelimit-reset-*} headers write it ({@code 6m0s}, {@code 120ms}). */
    static String goStyle(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long minutes = ms / 60_000;
        BigDecimal seconds = BigDecimal.valueOf(ms % 60_000, 3).stripTrailingZeros();
        String sec = seconds.signum() == 0 ? "0" : seconds.toPlainString();
        return minutes > 0 ? minutes + "m" + sec + "s" : sec + "s";
    }

    /** Protobuf JSON duration as Google's {@code RetryInfo.retryDelay} writes it ({@code 58s}, {@code 1.5s}). */
    static String protoStyle(Duration d) {
        BigDecimal seconds = BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros();
        return (seconds.signum() == 0 ? "0" : seconds.toPlainString()) + "s";
    }

    /** Whole seconds, rounded up, as a {@code Retry-After} header. */
    static long ceilSeconds(Duration d) {
        long ms = d.toMillis();
        return (ms + 999) / 1000;
    }
}
