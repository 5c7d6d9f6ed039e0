package dev.sightline.simulator;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.CitedText.Citing;
import dev.sightline.values.EntityKind;

/**
 * Writes the answer an assistant would give to a buyer's question. Everything is drawn from a random source
 * seeded with (kind, model, sample, day, prompt), so the same question gets the same answer, and the players'
 * fortunes follow {@link Tendencies}.
 */
final class AnswerWriter {

    /**
     * One question to answer.
     *
     * @param kind   provider kind answering
     * @param model  model asked for
     * @param prompt the buyer's question (last user message)
     * @param sample 1-based sample number
     * @param day    the day answered
     * @param citing how sources show, from the kind and whether web search was asked for
     * @param refusalRate share of answers that decline to recommend; null: the kind's own mix of styles
     */
    record Ask(String kind, String model, String prompt, int sample, LocalDate day, Citing citing,
               Double refusalRate) {

        Ask(String kind, String model, String prompt, int sample, LocalDate day, Citing citing) {
            this(kind, model, prompt, sample, day, citing, null);
        }
    }

    enum Style { NUMBERED, BULLETS, HEADINGS, TABLE, PROSE, DEPENDS, REFUSAL, REVIEW }

    private enum Tone { PRAISE, MIXED, CRITICISM }

    private static final Pattern FINAL_PUNCTUATION = Pattern.compile("[?!.]+$");
    private static final Pattern COMPARISON =
            Pattern.compile("\\bvs\\.?\\b|\\bversus\\b|\\bcompar|\\bdifference between\\b");

    private final Ask ask;
    private final Phrases ph = Phrases.get();
    private final Rng r;
    private final Library library;
    private final CitedText out;
    private final Map<String, String> base = new HashMap<>();
    private final Map<Player, Double> bias = new IdentityHashMap<>();
    private final Map<Player, Tone> tones = new IdentityHashMap<>();
    private final String category;
    private Player unknown;

    private AnswerWriter(Ask ask, SimWorld world) {
        this.ask = ask;
        long seed = Rng.hash(ask.kind(), ask.model(), ask.sample(), ask.day(), ask.prompt());
        this.r = new Rng(seed);
        // Sources come from their own stream, so the same answer reads the same with or without web search
        this.library = new Library(new Rng(seed ^ 0x5ca1ab1eL), world.category(), ask.prompt(), ask.day(),
                ask.citing() == Citing.LINKED);
        this.out = new CitedText(ask.citing(), library.pages());
        this.category = world.category();
        base.put("category", category);
        base.put("year", Integer.toString(ask.day().getYear()));
        base.put("audience", audience(ask.prompt()));
    }

    static Composition write(Ask ask, SimWorld world) {
        return new AnswerWriter(ask, world).compose(world);
    }

    private Composition compose(SimWorld world) {
        List<Player> market = Market.of(world);
        String lower = ask.prompt().toLowerCase(Locale.ROOT);
        List<Player> named = market.stream().filter(p -> p.tracked() && mentions(lower, p)).toList();
        boolean alternatives = lower.contains("alternative") && !named.isEmpty();
        boolean comparison = COMPARISON.matcher(lower).find();

        boolean single = named.size() == 1 && !alternatives && !comparison;
        Style style = chooseStyle(comparison, single);
        Map<Player, Double> score = new IdentityHashMap<>();
        for (Player p : market) {
            double b = Tendencies.bias(ask.kind(), p, ask.day());
            bias.put(p, b);
            double s = b + 0.55 * r.gaussian();
            if (named.contains(p)) {
                s += alternatives ? -100 : 1.5;
            }
            score.put(p, s);
        }
        List<Player> ranked = new ArrayList<>(market);
        ranked.sort(Comparator.comparingDouble((Player p) -> score.get(p)).reversed());
        if (alternatives) {
            ranked.removeAll(named);
        }

        // An assistant without search sometimes admits it knows nothing about a small brand it was asked about
        Player unknown = null;
        if (!out.citing() && style != Style.REFUSAL && style != Style.DEPENDS) {
            for (Player p : named) {
                if (p.kind() == EntityKind.BRAND && bias.get(p) < 0 && r.chance(0.35)) {
                    unknown = p;
                    ranked.remove(p);
                }
            }
        }
        if (unknown != null) {
            out.text(Phrases.fill(r.pick(ph.list("unknownBrand")), with("name", unknown.name()))).text(" ");
            if (style == Style.REVIEW) {
                style = Style.NUMBERED;
            }
        }
        this.unknown = unknown;

        switch (style) {
            case NUMBERED -> list(ranked, true, alternatives ? named.get(0) : null);
            case BULLETS -> list(ranked, false, alternatives ? named.get(0) : null);
            case HEADINGS -> headings(ranked);
            case TABLE -> table(ranked);
            case PROSE -> prose(ranked);
            case DEPENDS -> depends();
            case REVIEW -> review(named.get(0), ranked);
            default -> refusal();
        }
        List<String> queries = out.citing() ? queries(ranked) : List.of();
        if (out.citing() && style != Style.REFUSAL) {
            // A search returns more pages than the answer ends up citing
            int extra = r.between(1, 3);
            for (int i = 0; i < extra; i++) {
                library.roundup();
            }
        }
        return new Composition(out.build().strip(), List.copyOf(library.pages()), out.spans(),
                style.name().toLowerCase(Locale.ROOT), queries);
    }

    private Style chooseStyle(boolean comparison, boolean single) {
        // numbered, bullets, headings, table, prose, depends, refusal, review
        double[] w = switch (ask.kind()) {
            case ProviderKinds.ANTHROPIC -> new double[] {22, 12, 14, 8, 30, 8, 6, 0};
            case ProviderKinds.GEMINI -> new double[] {18, 14, 30, 24, 6, 6, 2, 0};
            case ProviderKinds.PERPLEXITY, ProviderKinds.PERPLEXITY_AGENT -> new double[] {36, 18, 18, 10, 12, 4, 2, 0};
            case ProviderKinds.OPENAI_RESPONSES -> new double[] {32, 16, 14, 12, 16, 6, 4, 0};
            case ProviderKinds.OPENAI_CHAT -> new double[] {34, 14, 16, 12, 12, 8, 4, 0};
            default -> new double[] {30, 16, 14, 10, 18, 8, 4, 0};
        };
        if (comparison) {
            w[3] *= 4;
            w[4] *= 2;
        }
        if (single) {
            // "Is X any good?" mostly gets a verdict on X, rarely a lecture on how to choose
            w[5] /= 3;
            w[6] /= 3;
            w[7] = 150;
        }
        if (ask.refusalRate() != null) {
            // a refusal rate set for the kind replaces the writer's own share of refusals
            if (r.chance(ask.refusalRate())) {
                return Style.REFUSAL;
            }
            w[Style.REFUSAL.ordinal()] = 0;
        }
        return Style.values()[r.weighted(w)];
    }

    // ---- styles ----

    private void list(List<Player> ranked, boolean numbered, Player replaced) {
        intro(replaced);
        int n = Math.min(ranked.size(), r.between(4, 7));
        String sep = r.pick(List.of(" – ", " — ", ": "));
        boolean labelled = !numbered && r.chance(0.35);
        boolean subBullets = numbered && r.chance(0.2);
        List<String> labels = r.sample(ph.list("labels"), n);
        for (int i = 0; i < n; i++) {
            Player p = ranked.get(i);
            String name = display(p);
            if (numbered) {
                out.text((i + 1) + ". ");
            } else {
                out.text("- ");
            }
            if (labelled && i < labels.size() && i < 4) {
                out.text("**" + labels.get(i) + ": " + name + "**" + sep);
            } else if (subBullets) {
                out.text("**" + name + "**\n   - **Best for:** " + p.bestFor() + "\n   - ");
            } else {
                out.text("**" + name + "**" + sep);
            }
            out.claim(reason(p), sources(p)).text(".\n");
        }
        honourable(ranked, n);
        out.text("\n").text(closing());
    }

    private void headings(List<Player> ranked) {
        intro(null);
        int n = Math.min(ranked.size(), r.between(3, 5));
        boolean numberedHeads = r.chance(0.6);
        boolean inline = r.chance(0.5);
        for (int i = 0; i < n; i++) {
            Player p = ranked.get(i);
            out.text("### " + (numberedHeads ? (i + 1) + ". " : "") + display(p) + "\n");
            out.text(Phrases.fill(r.pick(ph.list("summaries")), vars(p))).text(" ");
            out.claim(Phrases.capitalise(reason(p)), sources(p)).text(".\n\n");
            Tone tone = tone(p);
            int pros = tone == Tone.PRAISE ? 3 : tone == Tone.MIXED ? 2 : 1;
            int cons = tone == Tone.PRAISE ? 1 : 2;
            List<String> good = r.sample(p.strengths(), pros).stream().map(Phrases::bare).toList();
            List<String> bad = r.sample(p.weaknesses(), cons).stream().map(Phrases::bare).toList();
            if (inline) {
                out.text("- **Pros:** " + Phrases.capitalise(String.join(", ", good)) + "\n");
                out.text("- **Cons:** " + Phrases.capitalise(String.join(", ", bad)) + "\n");
                out.text("- **Pricing:** " + p.price() + "\n\n");
            } else {
                out.text("**Pros:**\n");
                good.forEach(g -> out.text("- " + Phrases.capitalise(g) + "\n"));
                out.text("\n**Cons:**\n");
                bad.forEach(b -> out.text("- " + Phrases.capitalise(b) + "\n"));
                out.text("\n");
            }
        }
        if (r.chance(0.5)) {
            out.text("## Bottom line\n\n").text(closing());
        } else {
            bottomLine(ranked);
        }
    }

    private void table(List<Player> ranked) {
        intro(null);
        int n = Math.min(ranked.size(), r.between(3, 5));
        int layout = r.nextInt(3);
        List<String> header = ph.table("tableHeaders").get(layout);
        out.text("| " + String.join(" | ", header) + " |\n");
        out.text("|" + "---|".repeat(header.size()) + "\n");
        for (int i = 0; i < n; i++) {
            Player p = ranked.get(i);
            List<String> s = r.sample(p.strengths(), 2);
            String strength = Phrases.capitalise(Phrases.bare(s.get(0)));
            String weakness = Phrases.capitalise(Phrases.bare(r.pick(p.weaknesses())));
            out.text("| **" + display(p) + "** | ");
            switch (layout) {
                case 0 -> {
                    out.text(Phrases.capitalise(p.bestFor()) + " | " + p.price() + " | ");
                    out.claim(strength, sources(p), false).text(" | " + weakness + " |\n");
                }
                case 1 -> {
                    out.text(Phrases.capitalise(p.bestFor()) + " | ");
                    out.claim(strength, sources(p), false).text(" | " + p.price() + " |\n");
                }
                default -> {
                    out.claim(Phrases.capitalise(reason(p)), sources(p), false).text(" | " + weakness + " |\n");
                }
            }
        }
        out.text("\n");
        bottomLine(ranked);
        if (r.chance(0.5)) {
            out.text("\n\n").text(closing());
        }
    }

    private void prose(List<Player> ranked) {
        if (r.chance(0.6)) {
            out.text(Phrases.fill(r.pick(ph.list("proseOpeners")), base)).text("\n\n");
        }
        int n = Math.min(ranked.size(), r.between(3, 4));
        if (n == 0) {
            depends();
            return;
        }
        sentence(r.pick(ph.list("proseTop")), ranked.get(0));
        if (r.chance(0.4)) {
            out.text(" ").text(Phrases.fill(r.pick(ph.list("summaries")), vars(ranked.get(0))));
        }
        out.text("\n\n");
        for (int i = 1; i < n - 1; i++) {
            sentence(r.pick(ph.list("proseNext")), ranked.get(i));
            out.text(" ");
        }
        if (n > 1) {
            Player last = ranked.get(n - 1);
            sentence(r.pick(ph.list(tone(last) == Tone.PRAISE ? "proseNext" : "proseCaution")), last);
        }
        out.text("\n\n").text(closing());
    }

    private void review(Player p, List<Player> ranked) {
        Tone tone = tone(p);
        Map<String, String> v = vars(p);
        v.put("name", display(p));
        String key = tone == Tone.PRAISE ? "praise" : tone == Tone.MIXED ? "mixed" : "criticism";
        out.text(Phrases.fill(r.pick(ph.list("verdicts." + key)), v)).text(" ");
        out.claim(Phrases.capitalise(reason(p)), sources(p)).text(".\n\n");
        int pros = tone == Tone.PRAISE ? 3 : 2;
        int cons = tone == Tone.CRITICISM ? 3 : 2;
        out.text("**What works well:**\n");
        r.sample(p.strengths(), pros).forEach(g -> out.text("- " + Phrases.capitalise(Phrases.bare(g)) + "\n"));
        out.text("\n**Where it falls short:**\n");
        r.sample(p.weaknesses(), cons).forEach(b -> out.text("- " + Phrases.capitalise(Phrases.bare(b)) + "\n"));
        out.text("\n**Pricing:** " + p.price() + "\n\n");
        List<Player> others = ranked.stream().filter(o -> o != p).limit(r.between(2, 3)).toList();
        if (!others.isEmpty()) {
            String names = others.size() == 1 ? "**" + display(others.get(0)) + "**"
                    : others.subList(0, others.size() - 1).stream().map(o -> "**" + display(o) + "**")
                            .collect(java.util.stream.Collectors.joining(", "))
                            + " and **" + display(others.get(others.size() - 1)) + "**";
            out.text(Phrases.fill(r.pick(ph.list("reviewAlternatives")), with("names", names))).text("\n\n");
        }
        out.text(r.pick(ph.list("reviewClosings")));
    }

    private void depends() {
        out.text(Phrases.fill(r.pick(ph.list("dependsIntros")), base)).text("\n\n");
        criteria(4);
        out.text("\n").text(r.pick(ph.list("dependsClosings")));
    }

    private void refusal() {
        out.text(Phrases.fill(r.pick(ph.list("refusals")), base)).text("\n\n");
        criteria(3);
        out.text("\n").text(r.pick(ph.list("refusalClosings")));
    }

    // ---- pieces ----

    private void intro(Player replaced) {
        String template;
        Map<String, String> v = new HashMap<>(base);
        if (unknown != null) {
            template = ph.text("unknownFollowOn");
        } else if (replaced != null) {
            template = r.pick(ph.list("alternativesIntros"));
            v.put("name", display(replaced));
        } else {
            // Both draws happen either way, so an answer reads the same with and without web search
            boolean searchIntro = r.chance(0.5);
            String plain = r.pick(ph.list("intros"));
            String search = r.pick(ph.list("searchIntros"));
            template = out.citing() && searchIntro ? search : plain;
        }
        out.text(Phrases.fill(template, v)).text("\n\n");
    }

    private void criteria(int count) {
        List<List<String>> all = ph.table("criteria");
        List<List<String>> chosen = r.sample(all, count);
        boolean cited = false;
        for (List<String> c : chosen) {
            out.text("- **" + c.get(0) + ":** ");
            String desc = c.get(1).endsWith(".") ? c.get(1).substring(0, c.get(1).length() - 1) : c.get(1);
            // Search-backed assistants ground even a no-names answer in a guide or two
            if (out.citing() && !cited) {
                out.claim(Phrases.capitalise(desc), List.of(library.roundup())).text(".\n");
                cited = true;
            } else {
                out.text(Phrases.capitalise(desc) + ".\n");
            }
        }
    }

    private void honourable(List<Player> ranked, int shown) {
        if (ranked.size() <= shown || !r.chance(0.4)) {
            return;
        }
        List<Player> more = ranked.subList(shown, Math.min(ranked.size(), shown + r.between(1, 2)));
        String names = more.size() == 1 ? display(more.get(0))
                : display(more.get(0)) + " and " + display(more.get(1));
        out.text("\n").text(Phrases.fill(r.pick(ph.list("honourable")), with("names", names))).text("\n");
    }

    private void bottomLine(List<Player> ranked) {
        if (ranked.size() < 2) {
            out.text(closing());
            return;
        }
        Map<String, String> v = new HashMap<>(base);
        v.put("name", display(ranked.get(0)));
        v.put("name2", display(ranked.get(1)));
        out.text(Phrases.fill(r.pick(ph.list("bottomLine")), v));
    }

    /** A template with a {reason} placeholder, the reason written as a cited claim. */
    private void sentence(String template, Player p) {
        Map<String, String> v = vars(p);
        v.put("name", display(p));
        String reason = reason(p);
        boolean cap = template.contains("{Reason}");
        String marker = cap ? "{Reason}" : "{reason}";
        int at = template.indexOf(marker);
        String before = Phrases.fill(template.substring(0, at), v);
        String after = Phrases.fill(template.substring(at + marker.length()), v);
        String text = cap ? Phrases.capitalise(reason) : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        // A trailing period stays outside the claim so markers sit before it
        out.text(before).claim(text, sources(p)).text(after);
    }

    private String reason(Player p) {
        Tone tone = tone(p);
        String key = switch (tone) {
            case PRAISE -> "praise";
            case MIXED -> "mixed";
            default -> "criticism";
        };
        Map<String, String> v = vars(p);
        return Phrases.fill(r.pick(ph.list(key)), v);
    }

    /** Assistants are mostly polite: praise is common, criticism is kept for players the kind dislikes. */
    private Tone tone(Player p) {
        return tones.computeIfAbsent(p, k -> {
            double t = bias.getOrDefault(k, 0.0) + 0.45 * r.gaussian();
            return t > -0.15 ? Tone.PRAISE : t > -0.9 ? Tone.MIXED : Tone.CRITICISM;
        });
    }

    private Map<String, String> vars(Player p) {
        Map<String, String> v = new HashMap<>(base);
        List<String> s = r.sample(p.strengths(), 2);
        List<String> w = r.sample(p.weaknesses(), 2);
        v.put("name", p.name());
        v.put("strength", s.get(0));
        v.put("strength2", s.get(1));
        v.put("strengthBare", Phrases.bare(s.get(0)));
        v.put("weakness", w.get(0));
        v.put("weakness2", w.get(1));
        v.put("bestFor", p.bestFor());
        v.put("price", p.price());
        return v;
    }

    private Map<String, String> with(String key, String value) {
        Map<String, String> v = new HashMap<>(base);
        v.put(key, value);
        return v;
    }

    private List<Integer> sources(Player p) {
        return out.citing() ? library.about(p) : List.of();
    }

    private String display(Player p) {
        if (!p.aliases().isEmpty() && r.chance(0.12)) {
            String alias = r.pick(p.aliases());
            if (!alias.isEmpty() && Character.isUpperCase(alias.charAt(0))) {
                return alias;
            }
        }
        return p.name();
    }

    private String closing() {
        return Phrases.fill(r.pick(ph.list("closings")), base);
    }

    private List<String> queries(List<Player> ranked) {
        List<String> q = new ArrayList<>();
        q.add("best " + category.toLowerCase(Locale.ROOT) + " " + ask.day().getYear());
        String p = FINAL_PUNCTUATION.matcher(ask.prompt().strip()).replaceAll("").toLowerCase(Locale.ROOT);
        q.add(p.length() > 80 ? p.substring(0, 80).strip() : p);
        if (ranked.size() >= 2 && r.chance(0.5)) {
            q.add(ranked.get(0).name() + " vs " + ranked.get(1).name() + " reviews");
        }
        return q.stream().distinct().toList();
    }

    private String audience(String prompt) {
        String lower = prompt.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> e : ph.map("audiences").entrySet()) {
            if (lower.contains(e.getKey())) {
                return e.getValue();
            }
        }
        List<String> defaults = ph.list("defaultAudiences");
        return defaults.get((int) Math.floorMod(Rng.hash("audience", prompt), (long) defaults.size()));
    }

    private static boolean mentions(String lowerPrompt, Player p) {
        if (containsWord(lowerPrompt, p.name().toLowerCase(Locale.ROOT))) {
            return true;
        }
        for (String a : p.aliases()) {
            if (!a.isBlank() && containsWord(lowerPrompt, a.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsWord(String haystack, String needle) {
        int from = 0;
        while (true) {
            int at = haystack.indexOf(needle, from);
            if (at < 0) {
                return false;
            }
            int end = at + needle.length();
            boolean startOk = at == 0 || !Character.isLetterOrDigit(haystack.charAt(at - 1));
            boolean endOk = end == haystack.length() || !Character.isLetterOrDigit(haystack.charAt(end));
            if (startOk && endOk) {
                return true;
            }
            from = at + 1;
        }
    }
}
