package dev.sightline.alerts;

import dev.sightline.config.Config;

/**
 * {@code sightline.alerts.*}: how many runs make a window, the confidence a change must reach and the smallest change
 * (in percentage points) worth an alert.
 */
public record AlertSettings(int windowRuns, double confidence, double minChangePoints) {

    public static AlertSettings from(Config config) {
        return new AlertSettings(config.integer("sightline.alerts.window-runs", 7, 1, 365),
                config.decimal("sightline.alerts.confidence", 0.95, 0.5, 0.999999),
                config.decimal("sightline.alerts.min-change", 10, 0, 100));
    }

    /** A change is significant when its p-value is below this. */
    public double alpha() {
        return 1 - confidence;
    }
}
