package dev.sightline.simulator;

import java.util.List;

import dev.sightline.values.EntityKind;

/**
 * A company the simulated assistants can talk about: a tracked entity or an invented, untracked one. Its traits
 * depend only on its name, so every provider and every prompt describes it consistently.
 *
 * @param name       display name
 * @param aliases    other names an assistant may use
 * @param domain     web domain (invented for untracked players)
 * @param kind       BRAND or COMPETITOR; null for untracked players
 * @param incumbency 0 (newcomer) to 1 (market leader); some providers favour incumbents
 * @param strengths  what reviewers praise, with article ("an intuitive interface")
 * @param weaknesses what reviewers criticise
 * @param bestFor    who it suits
 * @param price      pricing summary
 */
record Player(String name, List<String> aliases, String domain, EntityKind kind, double incumbency,
              List<String> strengths, List<String> weaknesses, String bestFor, String price) {

    boolean tracked() {
        return kind != null;
    }

    String slug() {
        return Market.slug(name);
    }
}
