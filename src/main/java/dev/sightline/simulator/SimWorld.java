package dev.sightline.simulator;

import java.util.List;

import dev.sightline.values.TrackedEntity;

/**
 * What the simulated assistants know about the market a prompt is about.
 *
 * @param category what is being bought, as a buyer would say it ("CRM software")
 * @param entities the tracked brand and its competitors; untracked brands are invented by the simulator
 */
public record SimWorld(String category, List<TrackedEntity> entities) {

    public SimWorld {
        category = category == null || category.isBlank() ? "software" : category.strip();
        entities = entities == null ? List.of() : List.copyOf(entities);
    }

    /** Looks up the world for the text of an incoming prompt; called once per simulated answer. */
    public interface Source {
        SimWorld forPrompt(String promptText);

        /** A single world for every prompt. */
        static Source of(SimWorld world) {
            return prompt -> world;
        }
    }
}
