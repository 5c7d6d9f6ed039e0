package dev.sightline.analysis;

import java.util.Locale;

/** Tone of an answer towards one entity. */
public enum Sentiment {
    POSITIVE, NEUTRAL, NEGATIVE, MIXED;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Inverse of {@link #json()}; null for null. */
    public static Sentiment fromJson(String value) {
        return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
    }
}
