package dev.sightline.workspace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.config.Lifecycle;
import dev.sightline.store.Jdbc;

/**
 * Workspaces: the files of {@code sightline.workspace.file} imported at start (the first is the default
 * workspace), and their API tokens.
 */
public final class WorkspaceConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "workspaces", lazy = true)
    public WorkspaceRepository workspaces(Jdbc jdbc) {
        return new WorkspaceRepository(jdbc);
    }

    @BindToRegistry(value = "importedWorkspaces", lazy = true)
    public ImportedWorkspaces importedWorkspaces(Config config, Lifecycle lifecycle, WorkspaceRepository workspaces) {
        List<WorkspaceFile> parsed = lifecycle.prepared(WorkspaceFiles.class, () -> WorkspaceFiles.read(config)).files();
        List<Long> ids = new ArrayList<>();
        Map<Long, WorkspaceFile> byId = new LinkedHashMap<>();
        for (WorkspaceFile w : parsed) {
            long id = workspaces.importFile(w).workspaceId();
            ids.add(id);
            byId.put(id, w);
        }
        return new ImportedWorkspaces(workspaces.get(ids.get(0)), List.copyOf(ids), byId);
    }

    /** API tokens; {@code sightline.api.bootstrap-token} is registered for the default workspace. */
    @BindToRegistry(value = "tokens", lazy = true)
    public TokenService tokens(Jdbc jdbc, Config config, ImportedWorkspaces imported) {
        TokenService tokens = new TokenService(jdbc);
        var configured = config.find("sightline.api.bootstrap-token");
        if (configured.isPresent()) {
            if (configured.get().length() < 16) {
                throw new ConfigException("Invalid setting sightline.api.bootstrap-token: use at least 16 characters");
            }
            tokens.ensure(imported.defaultWorkspace().id(), "bootstrap", configured.get());
        }
        return tokens;
    }
}
