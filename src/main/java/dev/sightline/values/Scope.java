package dev.sightline.values;

import java.time.LocalDate;

/**
 * Which stored answers a metric covers: one workspace, optionally one run, optionally a range of run dates
 * (inclusive). Null parts do not restrict.
 */
public record Scope(long workspaceId, Long runId, LocalDate from, LocalDate to) {

    public static Scope dates(long workspaceId, LocalDate from, LocalDate to) {
        return new Scope(workspaceId, null, from, to);
    }

    public static Scope run(long workspaceId, long runId) {
        return new Scope(workspaceId, runId, null, null);
    }
}
