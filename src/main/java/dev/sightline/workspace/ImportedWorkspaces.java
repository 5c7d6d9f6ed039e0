package dev.sightline.workspace;

import java.util.List;

/** The workspaces this node imported at start, the first of them the default workspace (CLI, start-up token). */
public record ImportedWorkspaces(Workspace defaultWorkspace, List<Long> ids) {
}
