package dev.sightline.values;

import java.util.List;

/**
 * The brand or a competitor as the analyzer sees it.
 *
 * @param id      database id, 0 when not stored (stateless analysis)
 * @param name    display name, also matched
 * @param kind    brand or competitor
 * @param aliases other names matched as whole words / phrases
 * @param domains web domains the entity owns (citations to them are owned by the entity)
 */
public record TrackedEntity(long id, String name, EntityKind kind, List<String> aliases, List<String> domains) {

    public TrackedEntity {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        domains = domains == null ? List.of() : List.copyOf(domains);
    }
}
