package dev.sightline.config;

import java.util.Properties;

import org.apache.camel.component.properties.PropertiesComponent;

/**
 * The application's settings outside a running Camel context (commands that touch only the database, and the
 * database started while Camel starts): the same sources in the same order as the application's — overrides,
 * environment variables and system properties, then {@code ./application.properties}, then the jar's defaults.
 */
public final class Settings {

    /** The property locations; the first that has a key wins. */
    public static final String LOCATIONS = "file:application.properties;optional=true,"
            + "classpath:application.properties;optional=true";

    private Settings() {
    }

    public static Config read(Properties overrides) {
        PropertiesComponent pc = (PropertiesComponent) new org.apache.camel.impl.DefaultCamelContext()
                .getPropertiesComponent();
        pc.setLocation(LOCATIONS);
        pc.setOverrideProperties(overrides == null ? new Properties() : overrides);
        return new Config(pc::resolveProperty);
    }
}
