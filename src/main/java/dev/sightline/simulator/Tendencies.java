package dev.sightline.simulator;

import dev.sightline.provider.ProviderKinds;
import java.time.LocalDate;

/**
 * How much a provider kind likes a player on a given day. Each kind has its own taste (Gemini leans towards
 * incumbents, Anthropic hardly cares about size), and every taste drifts as a smooth function of the day, so a
 * week of runs shows a trend rather than noise.
 */
final class Tendencies {

    private Tendencies() {
    }

    static double bias(String kind, Player p, LocalDate day) {
        double affinity = 2 * Rng.unit("affinity", kind, p.name()) - 1;
        double size = (p.incumbency() - 0.5) * 2;
        // Untracked players are the long tail: lesser-known names that still show up in lists
        double known = p.tracked() ? 0 : -0.35;
        return incumbentWeight(kind) * size + 0.5 * affinity + known + drift(kind, p.name(), day);
    }

    static double drift(String kind, String name, LocalDate day) {
        double t = day.toEpochDay();
        double p1 = 60 + 60 * Rng.unit("period-1", kind, name);
        double p2 = 180 + 180 * Rng.unit("period-2", kind, name);
        double f1 = 2 * Math.PI * Rng.unit("phase-1", kind, name);
        double f2 = 2 * Math.PI * Rng.unit("phase-2", kind, name);
        return 0.6 * Math.sin(2 * Math.PI * t / p1 + f1) + 0.4 * Math.sin(2 * Math.PI * t / p2 + f2);
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
