package dev.sightline.values;

/** A tracked entity is the workspace's brand or one of its competitors. */
public enum EntityKind {
    BRAND, COMPETITOR;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
