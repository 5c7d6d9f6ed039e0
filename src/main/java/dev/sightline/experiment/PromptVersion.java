package dev.sightline.experiment;

import java.time.Instant;
import java.util.List;

/** One immutable version of an experiment prompt. {@code type} is its prompt's: generator or grader. */
public record PromptVersion(long id, long promptId, String promptName, String type, int version, String body,
                            String bodyHash, List<String> variables, Instant createdAt) {

    public Template template() {
        return Template.of(body);
    }
}
