package dev.sightline.retention;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.store.Jdbc;

/**
 * How long stored data is kept: {@code sightline.retention.raw-bodies} ({@code keep}, or e.g. {@code 90d}); and how
 * compact the rollups' keys are kept: {@code sightline.storage.reindex-growth} ({@code off}, or e.g. {@code 10%}).
 */
public final class RetentionConfiguration implements CamelConfiguration {

    private static final Pattern DAYS = Pattern.compile("(\\d{1,6})d");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,4}(?:\\.\\d{1,2})?)\\s*%");

    @BindToRegistry(value = "rawBodyRetention", lazy = true)
    public RawBodyRetention rawBodyRetention(Config config, Jdbc jdbc) {
        return new RawBodyRetention(jdbc, rawBodies(config));
    }

    @BindToRegistry(value = "indexCompaction", lazy = true)
    public IndexCompaction indexCompaction(Config config, Jdbc jdbc) {
        return new IndexCompaction(jdbc, reindexGrowth(config), IndexCompaction.MIN_BYTES);
    }

    /** Empty: never rebuild. */
    static OptionalDouble reindexGrowth(Config config) {
        String key = IndexCompaction.SETTING;
        String v = config.string(key, "10%").strip().toLowerCase(Locale.ROOT);
        if (v.equals("off")) {
            return OptionalDouble.empty();
        }
        Matcher m = PERCENT.matcher(v);
        double share = m.matches() ? Double.parseDouble(m.group(1)) / 100 : 0;
        if (!(share >= 0.01 && share <= 10)) {
            throw new ConfigException("Invalid setting " + key + "=" + v
                    + ": a growth from 1% to 1000% (e.g. 10%), or off");
        }
        return OptionalDouble.of(share);
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
