package dev.sightline.config;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.camel.CamelContext;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.apache.camel.spi.Resource;

/**
 * Camel's YAML routes loader without its pre-parse of files that define no beans. Camel 4.18 parses every YAML route
 * file twice at start: once ahead ({@code preParseRoute}, whatever {@code camel.main.modeline} says) to register the
 * beans and context settings a file defines before any file's routes are built, then for the routes. The app's route
 * files define no beans, and the pre-parse took a tenth of the main thread's time to the first request of a one-off.
 * A file that mentions {@code beans} (an integrator's, in {@code ./routes/}) is still pre-parsed as Camel does.
 * Bound as {@code routes-builder-loader-yaml}, the name Camel's routes loader looks up before its own
 * ({@link #install}, before the routes are loaded).
 */
public final class YamlRoutesLoader extends YamlRoutesBuilderLoader {

    /** The registry name Camel's routes loader looks up for the {@code yaml} extension. */
    public static final String NAME = "routes-builder-loader-" + EXTENSION;

    /** Makes {@code context} load its YAML routes with this loader (before it loads any). */
    public static void install(CamelContext context) {
        YamlRoutesLoader loader = new YamlRoutesLoader();
        loader.setCamelContext(context);
        try {
            context.addService(loader, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the YAML routes loader", e);
        }
        context.getRegistry().bind(NAME, loader);
    }

    @Override
    public void preParseRoute(Resource resource) throws Exception {
        if (mentionsBeans(resource)) {
            super.preParseRoute(resource);
        }
    }

    static boolean mentionsBeans(Resource resource) throws Exception {
        try (InputStream in = resource.getInputStream()) {
            return in == null || new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("beans");
        }
    }
}
