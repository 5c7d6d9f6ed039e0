package dev.sightline.events;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.events.EventLog.Event;

/**
 * Which events a stream or a reader wants: those of one workspace, or only those about one thing of it, named by
 * a field of the payload ({@code runId}, and whatever later features name their things by: {@code jobId},
 * {@code experimentId}). Any event type passes; a run's events are found by the {@code run_id} column too.
 */
public record EventScope(long workspaceId, String key, Long value) {

    public static final String RUN = "runId";

    public static EventScope workspace(long workspaceId) {
        return new EventScope(workspaceId, null, null);
    }

    public static EventScope run(long workspaceId, long runId) {
        return new EventScope(workspaceId, RUN, runId);
    }

    public static EventScope of(long workspaceId, String key, long value) {
        return new EventScope(workspaceId, key, value);
    }

    public boolean matches(Event e) {
        if (e.workspaceId() != workspaceId) {
            return false;
        }
        if (key == null) {
            return true;
        }
        if (RUN.equals(key) && e.runId() != null) {
            return e.runId().longValue() == value;
        }
        JsonNode v = e.payload() == null ? null : e.payload().get(key);
        return v != null && v.canConvertToLong() && v.asLong() == value;
    }

    /** Whether a summary about {@code key = id} of the workspace concerns this scope. */
    public boolean covers(long workspace, String summaryKey, long id) {
        return workspace == workspaceId && (key == null || (key.equals(summaryKey) && value == id));
    }

    /** The run the scope is about, so the log can be read by its run index; null otherwise. */
    public Long runId() {
        return RUN.equals(key) ? value : null;
    }
}
