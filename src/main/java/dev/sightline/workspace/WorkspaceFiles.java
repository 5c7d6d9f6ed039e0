package dev.sightline.workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;

/**
 * The workspace files of {@code sightline.workspace.file}, read and checked (the first is the default workspace).
 * Read on a thread of its own while the database starts ({@code Lifecycle.prepare}): parsing a file of hundreds of
 * prompts with classes not loaded yet takes longer than the database's start.
 */
public record WorkspaceFiles(List<WorkspaceFile> files) {

    public static WorkspaceFiles read(Config config) {
        List<String> names = config.list("sightline.workspace.file");
        if (names.isEmpty()) {
            throw new ConfigException("Missing setting sightline.workspace.file (a workspace YAML such as "
                    + "examples/demo.yaml)");
        }
        Map<String, String> slugs = new HashMap<>();
        List<WorkspaceFile> parsed = new ArrayList<>();
        for (String f : names) {
            WorkspaceFile w = WorkspaceFile.read(Path.of(f));
            String other = slugs.putIfAbsent(w.slug(), f);
            if (other != null) {
                throw new WorkspaceFile.InvalidWorkspaceException(f + ": workspace.slug: '" + w.slug()
                        + "' is already the slug of " + other + " (sightline.workspace.file)");
            }
            parsed.add(w);
        }
        return new WorkspaceFiles(List.copyOf(parsed));
    }
}
