package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sentiment lexicon: weighted words and phrases, negators, intensifiers and the function words the scorer
 * reads. Compiled once into one {@link Lex} per word, so the scorer looks each word of an answer up once and then
 * compares entries by identity.
 */
final class Lexicon {

    /** No special role; the other roles are the function words the scorer tests for. */
    static final byte NONE = 0, THAN = 1, UNLIKE = 2, OVER = 3, TO = 4, WITH = 5, COMPARED = 6, RELATIVE = 7,
            AND = 8, ONLY = 9, LESS = 10, FEWER = 11, TOO = 12, FROM = 13, OR = 14;

    /** A phrase that starts with a given word: the words after it and its weight. */
    record Phrase(Lex[] rest, double weight) {
    }

    /** Everything the scorer needs to know about one word. */
    static final class Lex {
        final String word;
        /** Polarity weight, null when the word carries none (a phrase may still start with it). */
        Double weight;
        boolean negator;
        boolean contrast;
        boolean newClause;
        boolean priceNoun;
        boolean featureVerb;
        boolean remedy;
        boolean useCase;
        boolean useCaseAdjective;
        boolean condition;
        boolean originVerb;
        /** Carries its weight only as a predicate ("reporting is basic"), not before a noun ("basic plan"). */
        boolean predicative;
        /** -1 for "high"-like, +1 for "low"-like level words next to a price word, else 0. */
        int priceLevel;
        /** Multiplier of an intensifier or downtoner, null when not one. */
        Double intensifier;
        byte role = NONE;
        Phrase[] phrases3 = NO_PHRASES;
        Phrase[] phrases2 = NO_PHRASES;

        Lex(String word) {
            this.word = word;
        }
    }

    private static final Phrase[] NO_PHRASES = new Phrase[0];

    private static final Map<String, Double> WORDS = new HashMap<>();
    private static final Map<String, Double> PHRASES = new LinkedHashMap<>();
    private static final Map<String, Double> INTENSIFIERS = new HashMap<>();
    private static final List<String> PREDICATIVE = new ArrayList<>();
    private static final Set<String> NEGATORS = Set.of("not", "no", "never", "none", "nothing", "neither", "nor",
            "rarely", "seldom",
            "without", "hardly", "barely", "isn't", "aren't", "wasn't", "weren't", "doesn't", "don't", "didn't",
            "can't", "cannot", "won't", "wouldn't", "shouldn't", "couldn't", "hasn't", "haven't", "hadn't", "isnt",
            "arent", "doesnt", "dont", "cant", "wont", "lacks", "lack", "lacking", "missing", "nowhere");
    private static final Set<String> CONTRAST = Set.of("but", "however", "although", "though", "whereas", "while",
            "yet");
    private static final Set<String> NEW_CLAUSE = Set.of("and", "while", "whereas", "which");
    /** Verbs whose negation reports a missing feature: "does not offer end-to-end encryption". */
    private static final Set<String> FEATURE_VERBS = Set.of("offer", "offers", "support", "supports", "include",
            "includes", "provide", "provides");
    /** Words that fix a problem: "save a painful migration", "avoid a painful migration". */
    private static final Set<String> REMEDIES = Set.of("save", "saves", "prevent", "prevents", "reduce", "reduces",
            "eliminate", "eliminates", "avoid", "avoids");
    /** Words after which "complex" describes the buyer's work, not the product: "for complex projects". */
    private static final Set<String> USE_CASE = Set.of("for", "with", "handle", "handles", "handling", "manage",
            "manages", "managing", "model");
    private static final Set<String> CONDITIONS = Set.of("if", "unless");
    private static final Set<String> ORIGIN_VERBS = Set.of("come", "comes", "coming", "move", "moves", "moving",
            "switch", "switches", "switching", "migrate", "migrates", "migrating", "upgrade", "upgrading",
            "graduate", "graduating", "transition", "transitioning");
    private static final Set<String> USE_CASE_ADJECTIVES = Set.of("complex", "complicated");
    private static final Set<String> PRICE_NOUNS = Set.of("price", "prices", "pricing", "cost", "costs", "fees",
            "fee", "subscription");
    private static final Map<String, Integer> PRICE_LEVELS = Map.of("high", -1, "higher", -1, "hefty", -1,
            "low", 1, "lower", 1, "lowest", 1);
    private static final Map<String, Byte> ROLES = Map.ofEntries(Map.entry("than", THAN),
            Map.entry("unlike", UNLIKE), Map.entry("over", OVER), Map.entry("to", TO), Map.entry("with", WITH),
            Map.entry("compared", COMPARED), Map.entry("relative", RELATIVE), Map.entry("and", AND),
            Map.entry("only", ONLY), Map.entry("less", LESS), Map.entry("fewer", FEWER), Map.entry("too", TOO),
            Map.entry("from", FROM), Map.entry("or", OR));

    static {
        pos(1.0, "good", "great", "excellent", "outstanding", "superb", "fantastic", "amazing", "awesome", "best",
                "better", "strong", "stronger", "strongest", "solid", "robust", "powerful", "reliable", "dependable",
                "intuitive", "easy", "easier", "easiest", "simple", "simpler", "simplest", "straightforward",
                "friendly", "clean", "sleek", "polished", "elegant", "affordable", "cheaper", "cheapest",
                "inexpensive", "generous", "flexible", "versatile", "customizable", "customisable", "scalable",
                "seamless", "seamlessly", "smooth", "fast", "faster", "quick", "quicker", "efficient", "effective",
                "helpful", "useful", "valuable", "ideal", "perfect", "perfectly", "love", "loved", "loves",
                "beloved", "praised", "recommend", "recommended", "favorite", "favourite", "impressive",
                "exceptional", "standout", "shines", "excels", "excel", "wins", "winner", "advantage", "bargain",
                "worthwhile", "comprehensive", "innovative", "lightweight", "responsive", "secure", "trusted",
                "trustworthy", "proven", "delightful", "enjoyable", "pleasant", "convenient", "transparent",
                "unbeatable", "unmatched", "superior", "streamlined", "effortless", "painless", "handy", "capable",
                "slick", "snappy", "accessible", "top", "leading", "compelling", "stellar", "brilliant", "terrific",
                "wonderful", "fine", "nice", "clear", "rich", "generously", "beautiful", "beautifully",
                "well-designed", "recommendable", "reasonable", "reasonably", "attractive", "competitive",
                "thoughtful", "modern", "fair", "sensible", "smart", "clever", "praise", "loyal", "mature");
        pos(0.7, "popular", "favored", "favoured", "extensive", "advanced", "sophisticated", "nimble", "cheap",
                "worth", "deep", "value", "benefit", "benefits", "improved", "improves", "boost", "boosts",
                "thrives", "strength", "strengths", "suited", "suitable", "fits", "excelled", "favor", "favors", "favour", "favours", "deeper", "broad",
                "broader", "tight", "benchmark", "reliability", "integrated", "huge");
        pos(1.0, "fastest", "accurate", "safest");
        neg(1.0, "bad", "poor", "poorly", "worse", "worst", "terrible", "awful", "horrible", "weak", "weaker",
                "expensive", "pricey", "pricier", "costly", "overpriced", "complex", "complicated", "convoluted",
                "confusing", "clunky", "cumbersome", "bloated", "dated", "outdated", "slow", "slower", "sluggish",
                "buggy", "glitchy", "unreliable", "unstable", "limited", "limiting", "restrictive", "frustrating",
                "frustrated", "annoying", "difficult", "hard", "harder", "tricky", "tedious", "painful",
                "overwhelming", "overkill", "overcomplicated", "rigid", "inflexible", "mediocre", "disappointing",
                "disappointed", "disappointment", "complaints", "complain", "complained", "criticized",
                "criticised", "criticism", "drawback", "drawbacks", "downside", "downsides", "weakness",
                "weaknesses", "avoid", "risky", "inconsistent", "clumsy", "messy", "cluttered", "unintuitive",
                "awkward", "nightmare", "fails", "failed", "failing", "failure", "struggle", "struggles",
                "struggling", "suffers", "deprecated", "discontinued", "declining", "stagnant", "questionable",
                "overrated", "underwhelming", "unimpressive", "subpar", "inadequate", "insufficient", "barebones",
                "steep", "problem", "problems", "unresponsive", "lacks", "lacking", "lack", "outage", "outages",
                "breach", "breaches", "pricing-heavy", "dealbreaker", "annoyance", "confusingly", "sparse",
                "unhelpful", "upsell", "upsells", "upselling", "wrong", "mess", "worrying", "concerning",
                "frustration", "frustrations", "hassle", "headache", "headaches", "shortcomings", "shortcoming",
                "intimidating", "daunting", "dull", "lackluster", "lacklustre", "costlier", "steeper");
        neg(0.6, "issue", "issues", "concern", "concerns", "complaint", "aggressive", "shallow", "risk",
                "caveat", "caveats", "lags", "lagging", "overhead", "minimal");
        phrase(-0.8, "learning curve");
        phrase(-1.2, "hidden fees");
        phrase(-1.0, "price hikes");
        phrase(-1.0, "price hike");
        phrase(-1.0, "adds up");
        phrase(-1.0, "add up");
        phrase(-1.0, "falls short");
        phrase(-1.0, "fall short");
        phrase(-1.0, "not worth");
        phrase(-0.8, "steep price");
        phrase(-1.0, "poor fit");
        phrase(-0.8, "less suited");
        phrase(-1.0, "customer complaints");
        phrase(1.0, "stands out");
        phrase(1.0, "stand out");
        phrase(1.5, "top notch");
        phrase(1.5, "best in");
        phrase(1.0, "no brainer");
        phrase(1.0, "well designed");
        phrase(1.0, "well built");
        phrase(1.0, "well suited");
        phrase(1.0, "well supported");
        phrase(0.7, "well documented");
        phrase(1.0, "go to");
        phrase(1.0, "value for");
        phrase(1.0, "great value");
        phrase(1.0, "good value");
        phrase(-1.0, "go wrong"); // negated, as in "you can't go wrong", it turns positive
        phrase(0.7, "good fit");
        phrase(1.0, "great fit");
        phrase(1.0, "strong choice");
        phrase(1.0, "solid choice");
        phrase(0.0, "issue tracker");
        phrase(0.0, "issue tracking");
        phrase(-1.0, "costs climb");
        phrase(-1.0, "prices climb");
        phrase(1.0, "safest bet");
        phrase(1.0, "safe bet");
        phrase(-1.2, "steer clear");
        phrase(1.0, "obvious choice");
        phrase(1.2, "hard to beat");
        phrase(1.2, "hard to match");
        // gaps the full-length answers showed
        pos(1.0, "cleaner", "cleanest", "thorough", "consistent", "consistently");
        pos(0.7, "concise", "prefer", "prefers", "preferred", "pros");
        pos(0.5, "focused");
        neg(1.0, "thin", "shaky", "clunkier", "busier", "crowded", "cons");
        neg(0.6, "generic", "basic");
        predicative("basic", "focused");
        pos(0.7, "well"); // "integrates well"; "as well" is no praise
        phrase(0.0, "as well");
        phrase(-1.0, "steep learning curve");
        phrase(-1.0, "steeper learning curve");
        phrase(-1.0, "costs rise");
        phrase(-1.0, "prices rise");
        phrase(-0.8, "run out");
        phrase(-0.8, "runs out");
        phrase(-1.0, "low quality");
        phrase(1.0, "high quality");
        phrase(-0.8, "not designed");
        phrase(-0.8, "isn't designed");
        phrase(-0.8, "not built");
        phrase(-0.8, "isn't built");
        phrase(0.7, "right fit");
        phrase(0.7, "right answer");
        phrase(1.0, "less money");
        phrase(0.7, "stick with");
        // a recommendation is praise: "the one I'd pick", "my pick", "I'd go with"; "top choice" and "I'd
        // recommend" already read as praise through "top" and "recommend"
        phrase(1.0, "my pick");
        phrase(1.0, "my choice");
        phrase(1.0, "my top pick");
        phrase(1.0, "i'd pick");
        phrase(1.0, "would pick");
        phrase(1.0, "i'd choose");
        phrase(1.0, "would choose");
        phrase(1.0, "i'd go with");
        phrase(1.0, "would go with");
        phrase(1.0, "i'd go for");
        pos(0.7, "calm");
        neg(1.0, "skip", "underuse", "underused", "overpay", "overpaying");
        intens(1.5, "very", "highly", "super", "remarkably", "notoriously", "absolutely", "really", "truly");
        intens(1.8, "extremely", "incredibly", "exceptionally", "insanely", "ridiculously");
        intens(1.3, "particularly", "especially", "so", "genuinely", "most", "much", "far", "significantly",
                "considerably", "way");
        intens(1.1, "quite", "pretty");
        intens(0.6, "somewhat", "slightly", "bit", "little", "mildly", "occasionally", "sometimes", "relatively");
        intens(0.8, "fairly", "can", "may", "might", "could");
    }

    /** Every word the scorer reads, by its lowercase form. */
    static final CharTable<Lex> TABLE = compile();

    private Lexicon() {
    }

    private static void pos(double w, String... words) {
        for (String word : words) {
            WORDS.put(word, w);
        }
    }

    private static void neg(double w, String... words) {
        for (String word : words) {
            WORDS.put(word, -w);
        }
    }

    private static void phrase(double w, String words) {
        PHRASES.put(words, w);
    }

    private static void predicative(String... words) {
        PREDICATIVE.addAll(List.of(words));
    }

    private static void intens(double m, String... words) {
        for (String word : words) {
            INTENSIFIERS.put(word, m);
        }
    }

    private static CharTable<Lex> compile() {
        Map<String, Lex> all = new HashMap<>();
        WORDS.forEach((w, v) -> lex(all, w).weight = v);
        NEGATORS.forEach(w -> lex(all, w).negator = true);
        CONTRAST.forEach(w -> lex(all, w).contrast = true);
        NEW_CLAUSE.forEach(w -> lex(all, w).newClause = true);
        PRICE_NOUNS.forEach(w -> lex(all, w).priceNoun = true);
        PRICE_LEVELS.forEach((w, v) -> lex(all, w).priceLevel = v);
        INTENSIFIERS.forEach((w, v) -> lex(all, w).intensifier = v);
        ROLES.forEach((w, v) -> lex(all, w).role = v);
        PREDICATIVE.forEach(w -> lex(all, w).predicative = true);
        FEATURE_VERBS.forEach(w -> lex(all, w).featureVerb = true);
        REMEDIES.forEach(w -> lex(all, w).remedy = true);
        USE_CASE.forEach(w -> lex(all, w).useCase = true);
        USE_CASE_ADJECTIVES.forEach(w -> lex(all, w).useCaseAdjective = true);
        CONDITIONS.forEach(w -> lex(all, w).condition = true);
        ORIGIN_VERBS.forEach(w -> lex(all, w).originVerb = true);
        Map<Lex, List<Phrase>> threes = new HashMap<>();
        Map<Lex, List<Phrase>> twos = new HashMap<>();
        PHRASES.forEach((p, v) -> {
            String[] words = p.split(" ");
            Lex[] rest = new Lex[words.length - 1];
            for (int k = 1; k < words.length; k++) {
                rest[k - 1] = lex(all, words[k]);
            }
            Map<Lex, List<Phrase>> byLength = words.length == 3 ? threes : twos;
            if (words.length != 2 && words.length != 3) {
                throw new IllegalStateException("phrases have two or three words: " + p);
            }
            byLength.computeIfAbsent(lex(all, words[0]), k -> new ArrayList<>()).add(new Phrase(rest, v));
        });
        threes.forEach((lex, list) -> lex.phrases3 = list.toArray(NO_PHRASES));
        twos.forEach((lex, list) -> lex.phrases2 = list.toArray(NO_PHRASES));
        return new CharTable<>(all);
    }

    private static Lex lex(Map<String, Lex> all, String word) {
        return all.computeIfAbsent(word, Lex::new);
    }
}
