package dev.sightline.workspace;

import java.math.BigDecimal;
import java.util.List;

import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

/** A stored workspace with its active entities (brand first); {@code dailyBudgetUsd} null: the global cap. */
public record Workspace(long id, String slug, String name, String category, BigDecimal dailyBudgetUsd,
                        List<TrackedEntity> entities) {

    public TrackedEntity brand() {
        return entities.stream().filter(e -> e.kind() == EntityKind.BRAND).findFirst()
                .orElseThrow(() -> new IllegalStateException("workspace " + slug + " has no brand"));
    }
}
