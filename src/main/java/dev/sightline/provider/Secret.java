package dev.sightline.provider;

import java.util.Objects;

/**
 * A credential (API key, token). Its {@code toString} never reveals the value, so a secret that ends up in a
 * log line, an exception message or a JSON body by accident shows as {@code ***}.
 */
public final class Secret {

    private static final Secret EMPTY = new Secret("");

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null || value.isBlank() ? EMPTY : new Secret(value.strip());
    }

    public static Secret empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** The clear value; only for the one place that puts it on the wire. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "" : "***";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }
}
