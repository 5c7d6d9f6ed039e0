package dev.sightline.simulator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

/** The players of one category: the world's tracked entities plus invented untracked brands. */
final class Market {

    private static final int UNTRACKED = 7;

    /** Worlds repeat for every prompt of a workspace; their players are worked out once. */
    private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");
    private static final Pattern EDGE_DASHES = Pattern.compile("^-+|-+$");
    private static final Cache<SimWorld, List<Player>> CACHE = CacheBuilder.newBuilder().maximumSize(256).build();

    private Market() {
    }

    static List<Player> of(SimWorld world) {
        List<Player> known = CACHE.getIfPresent(world);
        if (known == null) {
            known = List.copyOf(build(world));
            CACHE.put(world, known);
        }
        return known;
    }

    private static List<Player> build(SimWorld world) {
        Phrases ph = Phrases.get();
        List<Player> players = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (TrackedEntity e : world.entities()) {
            if (e.name() == null || e.name().isBlank()) {
                continue;
            }
            String domain = e.domains().isEmpty() ? null : e.domains().get(0);
            // A workspace's brand is more often the challenger than the market leader
            double inc = e.kind() == EntityKind.BRAND
                    ? 0.1 + 0.6 * Rng.unit("incumbency", e.name())
                    : 0.25 + 0.75 * Rng.unit("incumbency", e.name());
            players.add(traits(e.name(), e.aliases(), domain, e.kind(), inc, ph));
            taken.add(e.name().toLowerCase(Locale.ROOT));
            e.aliases().forEach(a -> taken.add(a.toLowerCase(Locale.ROOT)));
        }
        Rng names = new Rng(Rng.hash("untracked", world.category().toLowerCase(Locale.ROOT)));
        List<String> starts = names.sample(ph.list("syllablesStart"), ph.list("syllablesStart").size());
        List<String> ends = ph.list("syllablesEnd");
        Set<String> words = Set.of("clearly", "lumio", "delta", "pointly");
        int made = 0;
        // One name per first syllable, so invented brands never look like siblings
        for (int i = 0; i < starts.size() && made < UNTRACKED; i++) {
            String name = starts.get(i) + names.pick(ends);
            if (words.contains(name.toLowerCase(Locale.ROOT)) || !taken.add(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String domain = name.toLowerCase(Locale.ROOT) + names.pick(ph.list("domainSuffixes"));
            players.add(traits(name, List.of(), domain, null, 0.6 * Rng.unit("incumbency", name), ph));
            made++;
        }
        return players;
    }

    private static Player traits(String name, List<String> aliases, String domain, EntityKind kind, double inc,
                                 Phrases ph) {
        Rng r = new Rng(Rng.hash("traits", name));
        List<List<String>> strengths = r.sample(ph.table("strengths"), 4);
        Set<String> topics = new HashSet<>();
        strengths.forEach(s -> topics.add(s.get(1)));
        // A weakness never contradicts a strength (no "responsive support" next to "slow support")
        List<String> weaknesses = r.sample(ph.table("weaknesses"), 20).stream()
                .filter(w -> !topics.contains(w.get(1))).limit(3).map(w -> w.get(0)).toList();
        return new Player(name, aliases, domain, kind, inc, strengths.stream().map(s -> s.get(0)).toList(),
                weaknesses, r.pick(ph.list("bestFor")), r.pick(ph.list("prices")));
    }

    static String slug(String s) {
        String dashed = NOT_SLUG.matcher(s.toLowerCase(Locale.ROOT)).replaceAll("-");
        return EDGE_DASHES.matcher(dashed).replaceAll("");
    }
}
