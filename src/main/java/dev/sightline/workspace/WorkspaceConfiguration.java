package dev.sightline.workspace;

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
        Map<Long, WorkspaceFile> byId = lifecycle.prepared(Imported.class, () -> importFiles(
                lifecycle.prepared(WorkspaceFiles.class, () -> WorkspaceFiles.read(config)).files(), workspaces)).byId();
        List<Long> ids = List.copyOf(byId.keySet());
        return new ImportedWorkspaces(workspaces.get(ids.get(0)), ids, byId);
    }

    /** The workspaces imported from the files, in the files' order (the first is the default workspace). */
    public record Imported(Map<Long, WorkspaceFile> byId) {
    }

    /**
     * Imports the parsed files. {@code SightlineApp} starts this on a thread of its own as soon as the database is
     * open and the files are read, so that it runs while Camel builds its routes; {@link #importedWorkspaces} waits
     * for it (or imports itself when nothing was started).
     */
    public static Imported importFiles(List<WorkspaceFile> parsed, WorkspaceRepository workspaces) {
        Map<Long, WorkspaceFile> byId = new LinkedHashMap<>();
        for (WorkspaceFile w : parsed) {
            byId.put(workspaces.importFile(w).workspaceId(), w);
        }
        return new Imported(byId);
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
