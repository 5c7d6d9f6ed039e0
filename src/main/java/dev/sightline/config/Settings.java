package dev.sightline.config;

import java.util.Properties;
import java.util.function.Function;

import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;

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

    /**
     * What {@code use} makes of the settings. The Camel context that lends its properties component is never started,
     * so it holds no thread or resource and is not stopped: stopping it logged three lines of a Camel context
     * "shutting down" at every start, once per read.
     */
    public static <T> T read(Properties overrides, Function<Config, T> use) {
        PropertiesComponent pc = (PropertiesComponent) new DefaultCamelContext().getPropertiesComponent();
        pc.setLocation(LOCATIONS);
        pc.setOverrideProperties(overrides == null ? new Properties() : overrides);
        return use.apply(new Config(pc::resolveProperty));
    }
}
