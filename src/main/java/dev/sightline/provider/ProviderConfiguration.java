package dev.sightline.provider;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.simulator.SimWorld;
import dev.sightline.simulator.Simulator;
import dev.sightline.simulator.SimulatorSettings;
import dev.sightline.store.Jdbc;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.Workspace;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Providers: the registry read from {@code sightline.providers.<name>.*}, the built-in simulator for providers
 * without a key, and one route per enabled provider from the {@code provider} template of
 * {@code routes/pipeline/30-providers.yaml} ({@link ProviderRoutes}).
 */
public final class ProviderConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderConfiguration.class);

    /** Per prompt text, the workspace the simulator answers for: as WorkspaceRepository.findByPromptText picks it. */
    private static final String PROMPT_OWNERS = """
            SELECT DISTINCT ON (text_hash) text, workspace_id FROM prompt ORDER BY text_hash, active DESC, id DESC""";

    private Simulator simulator;

    @BindToRegistry(value = "providers", lazy = true)
    public ProviderRegistry providers(CamelContext ctx, Config config, dev.sightline.config.Lifecycle lifecycle) {
        PropertiesComponent pc = ctx.getPropertiesComponent();
        ProviderRegistry.SimulatorMode mode = ProviderRegistry.SimulatorMode.parse(
                config.string("sightline.simulator.enabled", "auto"));
        // a simulator another process runs (several nodes sharing one): providers without a key are pointed at it
        String shared = config.string("sightline.simulator.url", "");
        if (!shared.isEmpty() && !shared.matches("^https?://[^\\s/]+/?$")) {
            throw new ConfigException("Invalid setting sightline.simulator.url=" + shared
                    + ": expected the origin of a running simulator, such as http://127.0.0.1:9090");
        }
        ProviderRegistry registry = ProviderRegistry.fromConfig(config, propertyKeys(pc), mode, kind -> {
            if (!shared.isEmpty()) {
                return Simulator.baseUrl(shared, kind);
            }
            if (simulator == null) {
                // the simulator answers from the workspaces, so it waits for the database; providers with keys do
                // not, and Camel builds their routes while the database starts
                Registry beans = ctx.getRegistry();
                simulator = lifecycle.opened(startSimulator(pc, beans.findSingleByType(Jdbc.class),
                        beans.findSingleByType(WorkspaceRepository.class),
                        beans.findSingleByType(ImportedWorkspaces.class).defaultWorkspace()));
            }
            return simulator.baseUrl(kind);
        });
        if (simulator != null) {
            ctx.getRegistry().bind("simulator", simulator);
        }
        return registry;
    }

    private static Simulator startSimulator(PropertiesComponent pc, Jdbc jdbc, WorkspaceRepository workspaces,
                                            Workspace defaultWorkspace) {
        SimulatorSettings settings;
        try {
            settings = SimulatorSettings.fromProperties(pc::resolveProperty);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        // which workspace asks a prompt only changes with an import, and imports happen at start: read the owners
        // once (the lookup by text hash alone scans the prompt table on every request)
        Map<String, Long> askedBy = new HashMap<>();
        jdbc.query(PROMPT_OWNERS, rs -> askedBy.put(rs.getString(1), rs.getLong(2)));
        Simulator sim = Simulator.start(settings, text -> {
            Long id = askedBy.get(text.strip());
            Workspace w = id != null ? workspaces.get(id) : workspaces.findByPromptText(text).orElse(defaultWorkspace);
            return new SimWorld(w.category(), w.entities());
        });
        LOG.info("Provider simulator listening for providers without an API key");
        return sim;
    }

    @BindToRegistry(value = "providerRoutes", lazy = true)
    public ProviderRoutes providerRoutes(ProviderRegistry providers, Config config) {
        return new ProviderRoutes(providers, config);
    }

    @BindToRegistry(value = "circuits", lazy = true)
    public ProviderCircuits circuits(CamelContext ctx, ProviderRegistry providers) {
        return new ProviderCircuits(ctx, providers);
    }

    /** Property keys from the files, system properties and the environment (for provider discovery). */
    private static Set<String> propertyKeys(PropertiesComponent pc) {
        Set<String> keys = new TreeSet<>();
        pc.loadProperties(k -> k.startsWith("sightline.")).stringPropertyNames().forEach(keys::add);
        if (pc instanceof org.apache.camel.component.properties.PropertiesComponent impl
                && impl.getOverrideProperties() != null) {
            Properties overrides = impl.getOverrideProperties();
            overrides.stringPropertyNames().stream().filter(k -> k.startsWith("sightline.")).forEach(keys::add);
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("sightline.")).forEach(keys::add);
        for (String env : System.getenv().keySet()) {
            if (env.startsWith("SIGHTLINE_PROVIDERS_")) {
                String rest = env.substring("SIGHTLINE_PROVIDERS_".length()).toLowerCase(Locale.ROOT);
                for (String suffix : java.util.List.of("_kind", "_model", "_base_url", "_api_key")) {
                    if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
                        String name = rest.substring(0, rest.length() - suffix.length()).replace('_', '-');
                        keys.add(ProviderRegistry.PREFIX + name + "." + suffix.substring(1).replace('_', '-'));
                    }
                }
            }
        }
        return keys;
    }
}
