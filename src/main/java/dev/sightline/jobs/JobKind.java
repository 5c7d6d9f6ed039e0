package dev.sightline.jobs;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** One kind of job: how its parameters are read, what items it is made of, and what its result is. */
public interface JobKind {

    String name();

    /** The parameters checked and normalised (what is stored and what an idempotency key is compared by). */
    Map<String, Object> params(long workspaceId, JsonNode params);

    List<JobRepository.NewItem> items(long workspaceId, Map<String, Object> params);

    /** How many steps the job is expected to take for this many items. */
    int stepsTotal(int items);

    /** What {@code GET /api/jobs/{id}/result} answers for a job of this kind that is over. */
    Object result(Job job);
}
