package dev.sightline.retention;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.store.Jdbc;

/** How long stored data is kept: {@code sightline.retention.raw-bodies} ({@code keep}, or e.g. {@code 90d}). */
public final class RetentionConfiguration implements CamelConfiguration {

    private static final Pattern DAYS = Pattern.compile("(\\d{1,6})d");

    @BindToRegistry(value = "rawBodyRetention", lazy = true)
    public RawBodyRetention rawBodyRetention(Config config, Jdbc jdbc) {
        return new RawBodyRetention(jdbc, rawBodies(config));
    }

    /** Empty: keep raw bodies for ever. */
    static Optional<Duration> rawBodies(Config config) {
        String key = "sightline.retention.raw-bodies";
        String v = config.string(key, "keep").strip().toLowerCase(Locale.ROOT);
        if (v.equals("keep")) {
            return Optional.empty();
        }
        Matcher m = DAYS.matcher(v);
        Duration d = m.matches() ? Duration.ofDays(Long.parseLong(m.group(1))) : Config.parseDuration(key, v);
        if (d.compareTo(Duration.ofDays(1)) < 0) {
            throw new ConfigException("Invalid setting " + key + "=" + v
                    + ": keep raw bodies at least 1d (or say keep)");
        }
        return Optional.of(d);
    }
}
