package dev.sightline.run;

import java.time.LocalDate;
import java.util.List;

/**
 * What a trigger asks for.
 *
 * @param providers      provider names; empty = every enabled provider
 * @param promptTags     only prompts carrying at least one of these tags; empty = every active prompt
 * @param samples        times each prompt x provider is asked
 * @param trigger        schedule, api or cli
 * @param idempotencyKey same key, same run; null = always a new run
 * @param runDate        the day the run measures
 * @param force          start even if the estimate exceeds what is left of today's budget
 */
public record RunRequest(List<String> providers, List<String> promptTags, int samples, String trigger,
                         String idempotencyKey, LocalDate runDate, boolean force) {

    public RunRequest {
        providers = providers == null ? List.of() : List.copyOf(providers);
        promptTags = promptTags == null ? List.of() : List.copyOf(promptTags);
    }
}
