package dev.sightline.judge;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.store.Jdbc;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * The optional LLM judge of sentiment ({@code sightline.analysis.judge}: a provider's name; empty: none). The
 * analysis route's {@code judge-answers} step runs either way, so judge replies still in the queue after the setting
 * was removed are read.
 */
public final class JudgeConfiguration implements CamelConfiguration {

    public static final String SETTING = "sightline.analysis.judge";

    @BindToRegistry(value = "judging", lazy = true)
    public Judging judging(Config config, Jdbc jdbc, WorkspaceRepository workspaces, ProviderRegistry providers) {
        String name = config.find(SETTING).orElse(null);
        if (name == null) {
            return new Judging(jdbc, workspaces, null, null);
        }
        Provider p = providers.find(name).filter(x -> x.settings().enabled()).orElseThrow(() -> new ConfigException(
                "Invalid setting " + SETTING + "=" + name + ": no enabled provider of that name (enabled: "
                        + String.join(", ", providers.enabled().stream().map(Provider::name).toList()) + ")"));
        return new Judging(jdbc, workspaces, name, name + "/" + p.settings().model());
    }
}
