package dev.sightline.simulator;

import dev.sightline.provider.ProviderKinds;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import java.time.LocalDate;

/**
 * How much a provider kind likes a player on a given day. Each kind has its own taste (Gemini leans towards
 * incumbents, Anthropic hardly cares about size), and every taste drifts as a smooth function of the day, so a
 * week of runs shows a trend rather than noise.
 */
final class Tendencies {

    /** A kind's fixed feelings about one name: everything but the day, hashed once. */
    private record Taste(double affinity, double p1, double p2, double f1, double f2) {
    }

    private record Key(String kind, String name) {
    }

    /** Per (kind, name); names come from workspaces and invented brands, so this stays small, but is bounded. */
    private static final LoadingCache<Key, Taste> TASTES = CacheBuilder.newBuilder().maximumSize(100_000)
            .build(CacheLoader.from(Tendencies::tasteOf));

    private Tendencies() {
    }

    static double bias(String kind, Player p, LocalDate day) {
        Taste taste = taste(kind, p.name());
        double affinity = taste.affinity();
        double size = (p.incumbency() - 0.5) * 2;
        // Untracked players are the long tail: lesser-known names that still show up in lists
        double known = p.tracked() ? 0 : -0.35;
        return incumbentWeight(kind) * size + 0.5 * affinity + known + drift(taste, day);
    }

    static double drift(String kind, String name, LocalDate day) {
        return drift(taste(kind, name), day);
    }

    private static double drift(Taste taste, LocalDate day) {
        double t = day.toEpochDay();
        return 0.6 * Math.sin(2 * Math.PI * t / taste.p1() + taste.f1())
                + 0.4 * Math.sin(2 * Math.PI * t / taste.p2() + taste.f2());
    }

    private static Taste taste(String kind, String name) {
        return TASTES.getUnchecked(new Key(kind, name));
    }

    private static Taste tasteOf(Key key) {
        String kind = key.kind();
        String name = key.name();
        return new Taste(2 * Rng.unit("affinity", kind, name) - 1,
                60 + 60 * Rng.unit("period-1", kind, name),
                180 + 180 * Rng.unit("period-2", kind, name),
                2 * Math.PI * Rng.unit("phase-1", kind, name),
                2 * Math.PI * Rng.unit("phase-2", kind, name));
    }

    private static double incumbentWeight(String kind) {
        return switch (kind) {
            case ProviderKinds.GEMINI -> 1.4;
            case ProviderKinds.OPENAI_CHAT, ProviderKinds.OPENAI_RESPONSES -> 0.7;
            case ProviderKinds.PERPLEXITY, ProviderKinds.PERPLEXITY_AGENT -> 0.8;
            case ProviderKinds.ANTHROPIC -> 0.25;
            default -> 0.5;
        };
    }
}
