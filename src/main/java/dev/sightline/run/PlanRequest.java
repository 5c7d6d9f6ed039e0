package dev.sightline.run;

/** What every trigger hands to the planning route: a run to plan for one workspace. */
public record PlanRequest(long workspaceId, RunRequest request) {
}
