package dev.sightline.workspace;

import java.util.List;
import java.util.Map;

/**
 * The workspaces this node imported at start, the first of them the default workspace (CLI, start-up token), and
 * the files they were imported from (their webhooks live there only).
 */
public record ImportedWorkspaces(Workspace defaultWorkspace, List<Long> ids, Map<Long, WorkspaceFile> files) {
}
