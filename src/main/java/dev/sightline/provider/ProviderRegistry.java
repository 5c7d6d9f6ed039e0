package dev.sightline.provider;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.provider.codec.Codecs;

/**
 * The providers of {@code sightline.providers.<name>.*}. Adding one takes properties only. A provider with no API
 * key is answered by the simulator (unless {@code sightline.simulator.enabled=false}, then the key is required).
 */
public final class ProviderRegistry {

    public static final String PREFIX = "sightline.providers.";
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,39}$");
    private static final Set<String> KEYS = Set.of("kind", "model", "base-url", "api-key", "web-search", "temperature",
            "max-tokens", "requests-per-minute", "consumers", "timeout", "price-input-per-mtok",
            "price-output-per-mtok", "price-per-request", "price-per-search", "enabled");

    private final Map<String, Provider> providers;
    private final Scrubber scrubber;

    private ProviderRegistry(Map<String, Provider> providers) {
        this.providers = providers;
        this.scrubber = Scrubber.of(providers.values().stream().map(p -> p.settings().apiKey()).toList());
    }

    public enum SimulatorMode {
        AUTO, ALL, NONE;

        public static SimulatorMode parse(String v) {
            return switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> AUTO;
                case "true", "all", "on" -> ALL;
                case "false", "none", "off" -> NONE;
                default -> throw new ConfigException("Invalid setting sightline.simulator.enabled=" + v
                        + ": expected auto, true or false");
            };
        }
    }

    /**
     * @param keys       every property key known to the configuration (file, system properties, environment)
     * @param simulatorBaseUrl the simulator's base URL for a kind, used for simulated providers
     */
    public static ProviderRegistry fromConfig(Config config, Collection<String> keys, SimulatorMode mode,
                                              Function<String, String> simulatorBaseUrl) {
        Set<String> names = new TreeSet<>();
        for (String key : keys) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0) {
                throw new ConfigException("Invalid setting " + key + ": expected " + PREFIX + "<name>.<key>");
            }
            String name = rest.substring(0, dot);
            String sub = rest.substring(dot + 1);
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException("Invalid setting " + key + ": provider names are lower-case letters, digits and dashes");
            }
            if (!KEYS.contains(sub) && !CircuitSettings.KEYS.contains(sub)) {
                throw new ConfigException("Unknown setting " + key + " (provider keys: " + new TreeSet<>(KEYS) + ")");
            }
            names.add(name);
        }
        Map<String, Provider> out = new LinkedHashMap<>();
        for (String name : names) {
            Provider p = read(config, name, mode, simulatorBaseUrl);
            out.put(name, p);
        }
        if (out.values().stream().noneMatch(p -> p.settings().enabled())) {
            throw new ConfigException("No enabled provider: configure at least one " + PREFIX + "<name>.kind");
        }
        return new ProviderRegistry(out);
    }

    private static Provider read(Config c, String name, SimulatorMode mode, Function<String, String> simBase) {
        String p = PREFIX + name + ".";
        String kind = c.find(p + "kind").orElseThrow(() -> new ConfigException("Missing setting " + p + "kind (one of "
                + String.join(", ", ProviderKinds.ALL) + ")"));
        if (!ProviderKinds.ALL.contains(kind)) {
            throw new ConfigException("Invalid setting " + p + "kind=" + kind + ": unknown provider kind (one of "
                    + String.join(", ", ProviderKinds.ALL) + ")");
        }
        String model = c.required(p + "model");
        Secret key = Secret.of(c.string(p + "api-key", ""));
        // an OpenAI-compatible server of one's own (Ollama, vLLM) needs no key: with a base URL it is called as it is
        boolean needsKey = !ProviderKinds.OPENAI_COMPATIBLE.equals(kind) || c.find(p + "base-url").isEmpty();
        boolean enabled = c.bool(p + "enabled", true);
        boolean simulated = enabled && switch (mode) {
            case ALL -> true;
            case NONE -> false;
            case AUTO -> key.isEmpty() && needsKey;
        };
        if (enabled && !simulated && needsKey && key.isEmpty()) {
            throw new ConfigException("Missing setting " + p + "api-key (set " + envName(p + "api-key")
                    + ", or sightline.simulator.enabled=auto to use the simulator)");
        }
        String baseUrl = c.find(p + "base-url").orElse(Codecs.defaultBaseUrl(kind));
        if (simulated) {
            baseUrl = simBase.apply(kind);
            if (key.isEmpty()) {
                // the simulator checks credentials like the real service; any key will do
                key = Secret.of("simulated-key-" + name);
            }
        }
        if (baseUrl == null) {
            throw new ConfigException("Missing setting " + p + "base-url (kind " + kind + " has no default endpoint)");
        }
        if (!baseUrl.matches("^https?://[^\\s]+$")) {
            throw new ConfigException("Invalid setting " + p + "base-url=" + baseUrl + ": expected an http(s) URL");
        }
        baseUrl = baseUrl.replaceAll("/+$", "");
        Double temperature = c.find(p + "temperature").isPresent() ? c.decimal(p + "temperature", 0, 0, 2) : null;
        ProviderSettings s = new ProviderSettings(name, kind, model, baseUrl, key, c.bool(p + "web-search", false),
                temperature, c.integer(p + "max-tokens", 1000, 1, 1_000_000),
                c.integer(p + "requests-per-minute", 60, 1, 1_000_000),
                c.integer(p + "consumers", c.integer("sightline.dispatch.consumers", 5, 1, 500), 1, 500),
                c.duration(p + "timeout", Duration.ofSeconds(60)),
                c.money(p + "price-input-per-mtok", BigDecimal.ZERO), c.money(p + "price-output-per-mtok", BigDecimal.ZERO),
                c.money(p + "price-per-request", BigDecimal.ZERO), c.money(p + "price-per-search", BigDecimal.ZERO),
                enabled, CircuitSettings.read(c, p));
        if (s.timeout().isZero()) {
            throw new ConfigException("Invalid setting " + p + "timeout: must be more than zero");
        }
        return new Provider(s, Codecs.forKind(kind), simulated);
    }

    /** Masks every configured key in what any provider sends back. */
    public Scrubber scrubber() {
        return scrubber;
    }

    static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Collection<Provider> all() {
        return providers.values();
    }

    public List<Provider> enabled() {
        return providers.values().stream().filter(p -> p.settings().enabled()).toList();
    }

    public Optional<Provider> find(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    public Provider get(String name) {
        Provider p = providers.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown provider " + name);
        }
        return p;
    }

}
