package dev.sightline.values;

import java.time.LocalDate;

/**
 * Which stored answers a metric covers: one workspace, optionally one run, optionally a range of run dates
 * (inclusive), optionally one provider and one prompt tag. Null parts do not restrict.
 */
public record Scope(long workspaceId, Long runId, LocalDate from, LocalDate to, String provider, String tag) {

    public Scope(long workspaceId, Long runId, LocalDate from, LocalDate to) {
        this(workspaceId, runId, from, to, null, null);
    }

    public static Scope dates(long workspaceId, LocalDate from, LocalDate to) {
        return new Scope(workspaceId, null, from, to);
    }

    public static Scope run(long workspaceId, long runId) {
        return new Scope(workspaceId, runId, null, null);
    }

    /** The same answers, of one provider and one prompt tag only (null: any). */
    public Scope only(String onlyProvider, String onlyTag) {
        return new Scope(workspaceId, runId, from, to, onlyProvider, onlyTag);
    }
}
