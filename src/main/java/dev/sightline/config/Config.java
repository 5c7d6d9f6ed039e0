package dev.sightline.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.camel.util.TimeUtils;

/**
 * Typed access to properties. The lookup is Camel's properties component, so {@code -Dkey=value} and
 * environment variables ({@code SIGHTLINE_DB_URL} for {@code sightline.db.url}) override the file. Every error
 * names the setting.
 */
public final class Config {

    private static final Pattern CAMEL_DURATION = Pattern.compile("^(\\d+(ms|s|m|h|d))+$|^\\d+$");

    private final Function<String, Optional<String>> lookup;

    public Config(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    public Optional<String> find(String key) {
        return lookup.apply(key).map(String::strip).filter(s -> !s.isEmpty());
    }

    public String string(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    public String required(String key) {
        return find(key).orElseThrow(() -> new ConfigException("Missing setting " + key));
    }

    public int integer(String key, int defaultValue, int min, int max) {
        Optional<String> v = find(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            int i = Integer.parseInt(v.get());
            if (i < min || i > max) {
                throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": must be between " + min
                        + " and " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": not a whole number");
        }
    }

    public double decimal(String key, double defaultValue, double min, double max) {
        Optional<String> v = find(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(v.get());
            if (!(d >= min && d <= max)) {
                throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": must be between " + min
                        + " and " + max);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": not a number");
        }
    }

    public BigDecimal money(String key, BigDecimal defaultValue) {
        Optional<String> v = find(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            BigDecimal d = new BigDecimal(v.get());
            if (d.signum() < 0) {
                throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": must not be negative");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": not a number");
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> v = find(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": expected true or false");
        };
    }

    /** A size: a number of bytes, or with a unit {@code KB}, {@code MB}, {@code GB} (powers of 1024). */
    public long bytes(String key, long defaultValue, long min, long max) {
        Optional<String> v = find(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d{1,12})\\s*(B|KB|MB|GB)?$",
                java.util.regex.Pattern.CASE_INSENSITIVE).matcher(v.get());
        if (!m.matches()) {
            throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": expected a size such as 1048576, "
                    + "512KB, 1MB or 2GB");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(java.util.Locale.ROOT);
        long n = Long.parseLong(m.group(1)) << switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            default -> 0;
        };
        if (n < min || n > max) {
            throw new ConfigException("Invalid setting " + key + "=" + v.get() + ": must be between " + min + " and "
                    + max + " bytes");
        }
        return n;
    }

    public Duration duration(String key, Duration defaultValue) {
        Optional<String> v = find(key);
        return v.isEmpty() ? defaultValue : parseDuration(key, v.get());
    }

    public List<String> list(String key) {
        return find(key).map(s -> Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList())
                .orElse(List.of());
    }

    /** {@code 700ms}, {@code 2s}, {@code 1m30s}, {@code 10m}, {@code 1h}, ISO-8601 {@code PT2S}; a bare number is milliseconds. */
    public static Duration parseDuration(String key, String value) {
        String v = value.strip();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                Duration d = Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
                if (d.isNegative()) {
                    throw new ConfigException("Invalid setting " + key + "=" + value + ": must not be negative");
                }
                return d;
            }
            if (CAMEL_DURATION.matcher(v).matches()) {
                return Duration.ofMillis(TimeUtils.toMilliSeconds(v));
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            // fall through to the error below
        }
        throw new ConfigException("Invalid setting " + key + "=" + value + ": expected a duration such as 500ms, 30s, 10m or PT30S");
    }
}
