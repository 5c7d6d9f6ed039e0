package dev.sightline.analysis;

import java.util.Locale;

/** Who owns a cited web page's domain. */
public enum Owner {
    BRAND, COMPETITOR, OTHER;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
