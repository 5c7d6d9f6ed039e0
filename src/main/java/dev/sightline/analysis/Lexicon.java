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
        /** "rate", "range": high is good ("higher interest", "a lower rate" is a fault). */
        boolean benefitNoun;
        boolean featureVerb;
        boolean remedy;
        boolean useCase;
        boolean useCaseAdjective;
        boolean condition;
        boolean originVerb;
        /** "owned", "acquired": before "by", the owner is named, not judged. */
        boolean ownerVerb;
        /** "recommend": before a gerund or "against", advice on what to do, not praise. */
        boolean recommendVerb;
        /** "que", "als", "dan": "than" after a comparative ("más limitado que", "besser als", "beter dan"). */
        boolean thanAfterComparative;
        /** "más", "menos", "mehr", "besser": marks a comparative in another language. */
        boolean comparativeMarker;
        /** "adequate", "okay", "decent": praise that "only" makes faint ("only adequate"). */
        boolean faint;
        /** "lots", "plenty": before "of", a good amount of what follows ("lots of 10-minute recipes"). */
        boolean plenty;
        /** +1 for "huge", "wide", -1 for "small", "limited": a size that judges a selection noun near it. */
        int size;
        /** "range", "selection", "network", "menu": what a size word judges. */
        boolean amount;
        /** "steer", "stay", "keep": before "away from", advice against. */
        boolean awayVerb;
        /** "mind", "matter": waved away after "few", "won't", "rarely" ("few runners will mind"). */
        boolean dismissed;
        boolean dismisser;
        /** "limit": a fault as a verb ("baskets limit fine-tuning"), none as a noun after a determiner. */
        boolean nounToo;
        boolean determiner;
        /** "whether": an embedded question, which asserts nothing. */
        boolean question;
        /** "which", "who": a relative clause, about the name right before it. */
        boolean relative;
        /** "justifies", "worth" (before "it", "the"): after "but", waves the weakness before it away. */
        boolean justifies;
        boolean justified;
        /** "pricier", "expensive": a dearer product ("feels like a much pricier shoe" is praise). */
        boolean pricey;
        /** "little", "few", "minimal": makes the next judgement small, so a small weakness is a strength. */
        boolean diminisher;
        /** "has", "with", "offers": before "no", "little" or "few", what follows is missing ("offers little X"). */
        boolean haveVerb;
        /** "admin", "setup", "maintenance": a cost only when there is more of it ("needs more tuning"). */
        boolean effort;
        /** "more", "extra", "requires": makes an effort noun a burden. */
        boolean burden;
        /** "subscription", "account", "installation": a chore whose absence is a strength ("with no subscription"). */
        boolean chore;
        /** "requires", "needs": before "paid", "separate", "extra" a cost ("needs a separate grinder"). */
        boolean demand;
        /** "costs", "charges", "pay": before "more" or "much" a price fault ("cost more"). */
        boolean costVerb;
        /** After "only", a restriction: "only offers", "only available", "only in Germany". */
        boolean restricted;
        /** "available", "supported": after a negator, a missing feature ("not available in the UK"). */
        boolean missingWhenNegated;
        /** "approach", "answer", "way": a judgement right before it is of the reader's course, not a product. */
        boolean generic;
        /** +1 for "raised", "hiked", -1 for "cut", "lowered": before a price noun, a price rise or cut. */
        int priceMove;
        /** "avoid", "skip": what follows is advised against, its praise does not count ("avoid the cheapest X"). */
        boolean advice;
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
    private static final Set<String> NEGATORS = Set.of("not", "no", "never", "nicht", "kein", "keine", "keinen",
            "ohne", "niet", "geen", "zonder", "none", "nothing", "neither", "nor",
            "rarely", "seldom",
            "without", "hardly", "barely", "isn't", "aren't", "wasn't", "weren't", "doesn't", "don't", "didn't",
            "can't", "cannot", "won't", "wouldn't", "shouldn't", "couldn't", "hasn't", "haven't", "hadn't", "isnt",
            "arent", "doesnt", "dont", "cant", "wont", "lacks", "lack", "lacking", "missing", "nowhere");
    private static final Set<String> CONTRAST = Set.of("but", "however", "although", "though", "whereas", "while",
            "yet", "aber", "jedoch", "allerdings", "doch", "maar", "echter", "pero", "aunque", "mientras", "mais",
            "cependant", "toutefois", "però", "tuttavia", "porém", "embora");
    private static final Set<String> NEW_CLAUSE = Set.of("and", "while", "whereas", "which", "so");
    /** Verbs whose negation reports a missing feature: "does not offer end-to-end encryption". */
    private static final Set<String> FEATURE_VERBS = Set.of("offer", "offers", "support", "supports", "include",
            "includes", "provide", "provides", "have", "has", "allow", "allows");
    /** Words that fix a problem: "save a painful migration", "avoid a painful migration". */
    private static final Set<String> REMEDIES = Set.of("save", "saves", "prevent", "prevents", "reduce", "reduces",
            "eliminate", "eliminates", "avoid", "avoids", "solve", "solves", "fix", "fixes", "recover", "recovers",
            "undo");
    /** Words after which "complex" describes the buyer's work, not the product: "for complex projects". */
    private static final Set<String> USE_CASE = Set.of("for", "with", "at", "handle", "handles", "handling", "manage",
            "manages", "managing", "model");
    private static final Set<String> CONDITIONS = Set.of("if", "unless", "whether", "once");
    private static final Set<String> ORIGIN_VERBS = Set.of("come", "comes", "coming", "move", "moves", "moving",
            "switch", "switches", "switching", "migrate", "migrates", "migrating", "upgrade", "upgrading",
            "graduate", "graduating", "transition", "transitioning");
    private static final Set<String> OWNER_VERBS = Set.of("owned", "acquired", "bought", "backed", "operated",
            "run", "founded", "funded", "merged", "purchased");
    private static final Set<String> FAINT = Set.of("adequate", "okay", "ok", "average", "decent", "fine",
            "passable", "acceptable", "serviceable", "reasonable", "competent", "functional", "satisfactory");
    private static final Set<String> PLENTY = Set.of("lots", "plenty", "loads", "tons", "wealth", "abundance",
            "heaps", "host");
    private static final Set<String> BIGGER = Set.of("wide", "wider", "widest", "broad", "broader", "broadest",
            "large", "larger", "largest", "big", "bigger", "biggest", "huge", "vast", "massive", "extensive",
            "deep", "deeper", "deepest", "rich", "richer", "generous", "expansive", "growing", "enormous");
    private static final Set<String> SMALLER = Set.of("small", "smaller", "smallest", "narrow", "narrower",
            "limited", "thin", "thinner", "sparse", "modest", "tiny", "shrinking", "restricted", "patchy");
    private static final Set<String> AMOUNTS = Set.of("range", "selection", "choice", "choices", "variety",
            "catalog", "catalogue", "library", "libraries", "network", "networks", "menu", "menus", "inventory",
            "lineup", "coverage", "ecosystem", "community", "collection", "assortment", "portfolio", "footprint",
            "presence", "reach", "marketplace", "integrations", "templates", "apps", "options", "recipes",
            "listings", "locations", "servers", "countries", "stores", "dealers", "partners", "plugins",
            "extensions", "features", "feature", "formats", "languages");
    private static final Set<String> AWAY_VERBS = Set.of("steer", "stay", "keep", "shy", "steering",
            "staying");
    private static final Set<String> DISMISSED = Set.of("mind", "notice", "matter", "matters", "bother",
            "dealbreaker", "deal-breaker");
    private static final Set<String> DISMISSERS = Set.of("few", "won't", "wont", "don't", "wouldn't", "rarely",
            "hardly", "nobody", "doesn't", "shouldn't", "seldom", "unlikely", "not", "isn't", "never");
    private static final Set<String> JUSTIFIES = Set.of("justifies", "justify", "justified", "outweigh",
            "outweighs", "offsets", "worth");
    private static final Set<String> PRICEY = Set.of("pricier", "pricey", "expensive", "costlier", "dearer");
    private static final Set<String> DIMINISHERS = Set.of("little", "few", "minimal", "zero", "negligible");
    /** Words after which "little" and "few" mean "some": "a little slow", "a few bugs". */
    static final Set<String> SOME = Set.of("a", "quite");
    private static final Set<String> HAVE_VERBS = Set.of("has", "have", "had", "with", "offers", "offer",
            "provides", "provide", "includes", "include", "supports", "support", "comes", "gives");
    private static final Set<String> EFFORT = Set.of("admin", "administration", "maintenance", "tuning", "setup",
            "configuration", "upkeep", "effort", "complexity", "babysitting", "tweaking", "overhead", "fuss", "fee", "fees",
            "commission", "commissions", "markup", "markups", "surcharge", "surcharges", "charges", "expense",
            "expenses");
    private static final Set<String> GENERIC = Set.of("approach", "approaches", "answer", "answers", "way", "ways",
            "route", "method", "methods", "strategy", "strategies", "idea", "tip", "tips", "advice", "rule",
            "insurance", "estimate", "guess", "destinations", "question", "questions", "habit", "habits", "practice",
            "source", "sources", "place", "places");
    private static final Set<String> ADVICE = Set.of("avoid", "skip", "steer");
    private static final Set<String> PRONOUNS_FOR_ADVICE = Set.of("it", "them", "this", "these", "that", "those");
    private static final Set<String> BURDENS = Set.of("more", "extra", "lots", "much", "significant",
            "considerable", "constant", "ongoing", "heavy", "requires", "require", "needs", "need", "demands",
            "plenty", "additional", "paid", "separate", "subscription", "upgrade", "premium", "higher", "dedicated",
            "adds", "add", "hidden", "monthly", "annual", "high", "steep", "hefty", "expensive", "comes", "brings",
            "carries", "involves", "entails", "regular", "frequent");
    /** Chores a product may spare its buyer: "no subscription", "with no installation", "no account needed". */
    private static final Set<String> CHORES = Set.of("subscription", "subscriptions", "account", "accounts",
            "installation", "install", "installs", "download", "downloads", "signup", "sign-up", "registration",
            "login", "contract", "contracts", "commitment", "paperwork", "hardware");
    private static final Set<String> DEMANDS = Set.of("requires", "require", "required", "needs", "need", "demands");
    private static final Set<String> COST_VERBS = Set.of("cost", "costs", "charge", "charges", "charged", "pay",
            "pays", "paying");
    private static final Set<String> RESTRICTED = Set.of("available", "works", "runs", "in", "on", "within",
            "offers", "supports", "covers", "lets", "allows");
    private static final Set<String> USE_CASE_ADJECTIVES = Set.of("complex", "complicated", "larger", "bigger",
            "complete", "simpler", "simple", "hard",
            "smaller", "heavier", "large", "big", "small", "heavy", "longer");
    private static final Set<String> PRICE_NOUNS = Set.of("price", "prices", "pricing", "cost", "costs", "fees",
            "fee", "subscription", "quotes", "premiums");
    private static final Set<String> BENEFIT_NOUNS = Set.of("rate", "rates", "interest", "yield", "yields",
            "returns", "range", "capacity", "bandwidth", "allowance", "allowances", "speed", "speeds", "quality",
            "limit", "limits", "resolution", "accuracy", "uptime", "availability", "score", "scores", "rating",
            "ratings");
    private static final Map<String, Integer> PRICE_LEVELS = Map.of("high", -1, "higher", -1, "hefty", -1,
            "highest", -1, "low", 1, "lower", 1, "lowest", 1);
    private static final Map<String, Byte> ROLES = Map.ofEntries(Map.entry("than", THAN),
            Map.entry("unlike", UNLIKE), Map.entry("versus", UNLIKE), Map.entry("vs", UNLIKE),
            Map.entry("over", OVER), Map.entry("behind", OVER), Map.entry("trails", OVER), Map.entry("to", TO),
            Map.entry("with", WITH),
            Map.entry("compared", COMPARED), Map.entry("relative", RELATIVE), Map.entry("next", RELATIVE),
            Map.entry("and", AND),
            Map.entry("only", ONLY), Map.entry("merely", ONLY), Map.entry("overly", TOO),
            Map.entry("excessively", TOO), Map.entry("needlessly", TOO), Map.entry("unnecessarily", TOO), Map.entry("less", LESS), Map.entry("fewer", FEWER), Map.entry("weniger", FEWER),
            Map.entry("minder", FEWER), Map.entry("too", TOO),
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
                "broader", "benchmark", "reliability", "integrated");
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
                "caveat", "caveats", "lags", "lagging");
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
        pos(0.7, "concise", "prefer", "prefers", "preferred");
        pos(0.5, "focused");
        neg(1.0, "thin", "shaky", "clunkier", "busier", "crowded");
        neg(0.6, "generic", "basic");
        predicative("basic", "focused", "plain");
        pos(0.7, "well"); // "integrates well"; "as well" is no praise
        phrase(0.0, "as well");
        phrase(0.0, "well above"); // a degree, not praise: "start well above this budget"
        phrase(0.0, "well over");
        phrase(0.0, "well below");
        phrase(0.0, "well beyond");
        phrase(0.0, "well under");
        phrase(0.0, "well into");
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
        // product reviews beyond software: comfort, build, service, running costs. Hyphenated words are phrases
        // ("user-friendly" is "user friendly"); words whose tone depends on the product ("firm", "hot", "light")
        // stay out or weigh less than a clear judgement
        pos(1.0, "comfortable", "comfy", "supportive", "durable", "sturdy", "roomy", "roomier", "spacious",
                "breathable", "forgiving", "plush", "bouncy", "springy", "energetic", "lively", "stable",
                "predictable", "quiet", "quieter", "quietest", "silent", "precise", "refined", "luxurious",
                "stylish", "compact", "portable", "slim", "slimmest", "economical", "knowledgeable", "courteous",
                "rewarding", "motivating", "engaging", "fun", "enjoyable", "immersive", "insightful", "richer",
                "richest", "flavourful", "flavorful", "tasty", "delicious", "smoother", "smoothest", "quickest",
                "speedy", "lighter", "lightest", "safer", "protected", "reputable", "renowned", "acclaimed",
                "favourite", "favorite", "practical", "reassuring", "wider", "widest", "broadest", "deepest",
                "solidly", "reliably", "smoothly", "nicely", "comfortably", "affordably", "sharper", "sportier",
                "crisp", "crisper", "grippy", "cooler", "stronger", "tidier", "standouts", "highlight", "perk",
                "perks", "upside", "upsides", "win", "won", "beats", "outperforms", "outshines", "appreciate",
                "appreciated", "enjoy", "enjoyed", "praises", "recommends");
        pos(0.7, "helps", "established", "detailed", "decent", "proper", "protects",
                "contours", "winning", "refund", "worth");
        pos(0.5, "premium", "larger", "largest", "bigger", "biggest", "longer", "longest");
        pos(0.4, "softer", "softest");
        pos(0.7, "flashy", "fancy", "pretty", "sleek", "slick");
        neg(1.0, "uncomfortable", "stiff", "stiffer", "harsh", "bulky", "bulkier", "narrow", "narrower",
                "cramped", "wobbly", "slippery", "loud", "louder", "noisy", "noisier", "flimsy", "fragile",
                "plasticky", "squeaky", "leaky", "saggy", "sagging", "sags", "sinkage", "gassing", "laggy",
                "downtime", "crashes", "freezes", "bugs", "glitches", "inaccurate", "imprecise", "unpredictable",
                "patchy", "spotty", "rude", "slowly", "slowest", "priciest", "dearer", "surcharge", "surcharges",
                "markup", "markups", "penalty", "penalties", "paywall", "paywalled", "upcharge", "nag", "nags",
                "intrusive", "invasive", "pushy", "repetitive", "boring", "bland", "gimmicky", "fiddly",
                "finicky", "overwhelm", "overwhelms", "utilitarian", "barebones", "restricted", "restriction",
                "restrictions", "capped", "removed", "discontinued", "retired", "hikes", "hike", "creeps",
                "middling", "unremarkable", "criticize", "criticise", "annoyances", "hardest", "trickier",
                "messier", "doubts", "unclear", "opaque", "absent", "unavailable", "abandoned", "hesitate",
                "cautious", "beware", "heavier", "heaviest", "tradeoff", "rougher", "roughest", "scuffs", "scuff",
                "scuffed", "clash", "clashes", "tinkering");
        neg(0.8, "heavy", "delays", "delay", "delayed", "outage", "missing", "odd", "worries", "cap", "caps");
        neg(0.6, "latency", "lag", "fee", "fees", "commission", "ads", "smell", "odour", "odor", "hidden",
                "minimum", "minimums", "shorter", "shortest");
        neg(0.4, "smaller", "smallest");
        neg(0.4, "issue", "issues");
        phrase(-1.0, "performance issues");
        phrase(-1.0, "reliability issues");
        phrase(-1.0, "stability issues");
        phrase(-1.0, "sync issues");
        phrase(-1.0, "known issues");
        phrase(-1.0, "more involved");
        phrase(-1.0, "takes longer");
        phrase(-1.0, "take longer");
        phrase(0.0, "fine tuning");
        phrase(-1.0, "than you need");
        phrase(-0.8, "reserved for");
        neg(0.8, "creep");
        pos(0.7, "finer", "unlimited", "workhorse", "complete", "instant");
        pos(0.4, "reliability", "durability");
        neg(0.7, "limit", "limits", "gaps", "throttling");
        neg(0.8, "lose", "loses", "losing");
        predicative("firmer");
        phrase(-1.0, "trip up");
        phrase(-1.0, "trips up");
        phrase(-0.8, "give up");
        phrase(0.7, "pays interest");
        phrase(0.0, "better reason");
        pos(0.4, "compact");
        intens(1.0, "almost", "nearly", "virtually");
        phrase(1.0, "work well");
        phrase(1.0, "works well");
        phrase(1.0, "for the money");
        phrase(1.0, "half the price");
        phrase(1.0, "fraction of the");
        phrase(0.7, "lasts for");
        phrase(0.0, "best route");
        phrase(0.0, "best way");
        phrase(0.0, "best place");
        phrase(0.0, "best approach");
        phrase(0.0, "safest approach");
        phrase(0.0, "easiest way");
        phrase(0.0, "reliable source");
        phrase(0.0, "reliable place");
        pos(0.6, "cushioned");
        pos(0.7, "comfort");
        pos(1.0, "configurable");
        phrase(0.7, "one touch");
        phrase(0.7, "one click");
        phrase(-1.0, "mixed reputation");
        phrase(-1.0, "mixed reviews");
        phrase(0.0, "worth knowing");
        phrase(0.0, "worth noting");
        phrase(0.0, "worth checking");
        phrase(1.0, "cannot match");
        phrase(1.0, "can't match");
        phrase(-1.0, "takes a while");
        phrase(-1.0, "take a while");
        phrase(-0.8, "takes time");
        phrase(-1.0, "time consuming");
        pos(0.7, "suit", "suits");
        neg(0.4, "firmer", "unusual");
        phrase(1.0, "user friendly");
        phrase(1.0, "just works");
        phrase(1.0, "simply works");
        phrase(1.0, "a plus");
        phrase(1.0, "higher quality");
        phrase(1.0, "long lasting");
        phrase(-1.0, "times as much");
        phrase(0.0, "narrow down");
        phrase(0.0, "narrow it");
        predicative("heavy", "heavier", "bulky");
        phrase(-1.0, "feels cheap");
        phrase(-1.0, "cheap feeling");
        phrase(-1.0, "sleeps hot");
        phrase(-1.0, "sleep hot");
        phrase(-1.0, "runs hot");
        phrase(-1.0, "sleeps warm");
        phrase(1.0, "sleeps cool");
        phrase(1.0, "sleep cool");
        phrase(-1.0, "run narrow");
        phrase(-1.0, "runs narrow");
        phrase(-1.0, "runs small");
        phrase(-1.0, "pressure points");
        phrase(1.0, "pressure relief");
        phrase(-1.0, "price increases");
        phrase(-1.0, "price increase");
        phrase(-1.0, "prices increased");
        phrase(-1.0, "the catch");
        phrase(-0.8, "trade off");
        phrase(-1.0, "lock in");
        phrase(-1.0, "vendor lock");
        phrase(-0.8, "paid add");
        phrase(-0.8, "paid plugins");
        phrase(-0.8, "sold separately");
        phrase(-0.8, "paid plugin");
        phrase(-0.8, "paid extras");
        phrase(0.8, "for everyone"); // negated, a weakness: "aren't for everyone"
        phrase(-0.8, "extra cost");
        phrase(-0.8, "additional cost");
        phrase(-0.8, "break in");
        phrase(-1.0, "a premium");
        phrase(1.0, "good reason");
        phrase(1.0, "stand up");
        phrase(0.0, "feel free");
        phrase(0.0, "free to");
        // a broader review lexicon, beyond the markets tuned on: mild praise ("usable", "a safe choice"), the
        // qualities of physical products, services and food, and the faults of trust, service and maturity
        pos(1.0, "legit", "legitimate", "toughest", "healthier", "nutritious", "fresher", "gorgeous", "lovely",
                "attentive", "plentiful", "impresses", "impressed", "outperform", "outclasses", "outlasts",
                "simplifies", "streamlines", "dominates", "waterproof", "weatherproof", "sweatproof");
        pos(0.4, "adequate", "acceptable", "serviceable", "okay", "passable", "competent", "functional");
        pos(0.7, "tough", "rugged", "resistant", "healthy", "fresh", "balanced", "distinctive", "iconic",
                "usable", "widespread", "audited", "huge", "vast", "massive", "wide");
        pos(0.4, "discounts", "discount", "deals");
        phrase(1.0, "well equipped");
        phrase(1.0, "well made");
        phrase(1.0, "well rounded");
        phrase(1.0, "all rounder");
        phrase(1.0, "well regarded");
        phrase(1.0, "well reviewed");
        phrase(1.0, "highly rated");
        phrase(1.0, "well rated");
        phrase(0.7, "high end");
        phrase(0.7, "24 7");
        phrase(0.7, "round the clock");
        phrase(0.7, "around the clock");
        phrase(1.0, "saves time");
        phrase(1.0, "save time");
        phrase(1.0, "saves money");
        phrase(1.0, "costs down");
        phrase(1.0, "prices down");
        phrase(0.7, "pays off");
        neg(1.0, "uneven", "flaky", "erratic", "temperamental", "bankruptcy", "bankrupt", "insolvency", "fined",
                "scandal", "leak", "leaks", "leaked", "vulnerability", "vulnerabilities", "vulnerable", "hacked",
                "wary", "distrust", "criticisms", "backlash", "clutter", "bloat", "pricy", "spendy", "immature",
                "unproven", "unusable", "untested", "overheats", "overheating");
        neg(0.8, "sprawl", "sprawls", "sprawling", "friction", "lawsuit", "lawsuits", "controversy",
                "controversial", "exposed", "skeptical", "sceptical", "suspicious", "negative", "recall", "recalls",
                "crept", "maturing", "plain");
        neg(0.6, "incident", "incidents", "mistake", "mistakes", "errors", "critics", "waits", "queues",
                "scripted");
        phrase(-1.0, "hit or miss");
        phrase(-1.0, "hit and miss");
        phrase(-1.0, "below average");
        phrase(-1.0, "so so");
        phrase(-1.0, "bare bones");
        phrase(-1.0, "over sensitive");
        phrase(-1.0, "over engineered");
        phrase(-1.0, "long waits");
        phrase(-1.0, "long wait");
        phrase(-1.0, "wait times");
        phrase(-1.0, "premium priced");
        phrase(-0.8, "price premium");
        phrase(-1.0, "run small");
        phrase(-1.0, "price rises");
        phrase(-1.0, "price rise");
        neg(1.0, "limitation", "limitations", "fail", "boredom", "bored", "gimmick", "behind");
        pos(0.7, "ahead");
        phrase(-1.0, "hard to recommend");
        phrase(-1.0, "harder to recommend");
        phrase(-1.0, "difficult to recommend");
        phrase(-1.0, "hard to justify");
        phrase(-1.0, "harder to justify");
        phrase(0.0, "well known");
        phrase(0.0, "fair amount");
        phrase(0.0, "fair share");
        phrase(0.0, "on top");
        phrase(1.0, "tight integration");
        phrase(1.0, "native integration");
        phrase(-1.0, "tire of");
        phrase(-1.0, "tires of");
        phrase(-1.0, "step behind");
        phrase(1.0, "the edge");
        phrase(1.0, "gold standard");
        phrase(-1.0, "wound down");
        phrase(-1.0, "winding down");
        // faults of trust and build, and the praise of awards and ratings, that any review may use
        neg(1.0, "underpowered", "scam", "scams", "fraud", "fraudulent", "shady", "dubious", "sketchy", "misleading",
                "deceptive", "predatory", "spammy", "recalled", "defective", "faulty", "broken", "crash", "bug",
                "throttled", "unsafe", "insecure", "unprofessional", "overheat");
        neg(0.8, "cracks", "cracking", "cracked", "peeling", "fraying", "wears", "overage", "overages");
        pos(0.7, "certified", "honest");
        phrase(1.0, "award winning");
        phrase(1.0, "top rated");
        phrase(1.0, "best in class");
        phrase(1.0, "industry leading");
        phrase(1.0, "class leading");
        phrase(1.0, "market leading");
        phrase(1.0, "best selling");
        phrase(1.0, "highly recommended");
        // a fourth round (tuning3.json: robot vacuums, travel and pet insurance, site builders, e-signature,
        // video calls, cameras, online courses, rail booking): general review words the earlier markets lacked
        pos(1.0, "rigorous", "steadier", "capably", "undercuts", "dependably", "frictionless");
        pos(0.7, "deserves", "steady", "undercut", "sturdier");
        phrase(1.0, "full featured");
        phrase(1.0, "feature rich");
        phrase(1.0, "feature packed");
        phrase(1.0, "lean towards");
        phrase(1.0, "lean toward");
        phrase(1.0, "leaning towards");
        phrase(1.0, "leaning toward");
        phrase(1.0, "peace of");
        phrase(1.0, "short work");
        phrase(0.7, "toe to");
        phrase(0.7, "for less");
        phrase(0.7, "track record");
        pos(0.7, "freedom", "depth", "convenience");
        phrase(1.0, "fraction as");
        phrase(1.0, "price down");
        phrase(-1.0, "look elsewhere");
        phrase(-1.0, "priced above");
        phrase(1.0, "priced below");
        phrase(1.0, "no cost");
        phrase(1.0, "saves on");
        phrase(0.7, "well under");
        phrase(0.7, "drops below");
        phrase(-0.8, "quality depends");
        phrase(0.7, "holds up");
        phrase(0.7, "hold up");
        neg(1.0, "misjudges", "misjudge", "stranded");
        neg(0.8, "clogs", "clog", "clogged", "misses", "missed", "trails", "miss");
        phrase(-1.0, "prone to");
        phrase(-1.0, "gets stuck");
        phrase(-1.0, "get stuck");
        phrase(-1.0, "eats memory");
        phrase(-1.0, "eats battery");
        phrase(-1.0, "quality varies");
        phrase(-0.8, "varies widely");
        phrase(-0.7, "waiting period");
        phrase(-0.7, "waiting periods");
        phrase(-0.7, "extra step");
        phrase(-0.8, "no way to");
        // Spanish, French, Italian and Portuguese answers: the common evaluative and contrast words
        pos(1.0, "bueno", "buena", "buenos", "buenas", "excelente", "excelentes", "sencillo", "sencilla", "útil",
                "fácil", "rápido", "rápida", "fiable", "sólido", "sólida", "competitivos", "competitivas",
                "recomendable", "mejor", "mejores", "destaca", "bon", "bonne", "facile", "rapide", "pratique",
                "buono", "ottimo", "ottima", "veloce", "affidabile", "bom", "boa", "ótimo", "ótima", "barato",
                "barata");
        pos(0.7, "amplia", "amplio", "transparente");
        neg(1.0, "caro", "cara", "caros", "caras", "lento", "lenta", "lentos", "lentas", "limitado", "limitada",
                "quejas", "critican", "complicado", "complicada", "difícil", "encarecer", "cher", "chère", "chers",
                "lent", "lente", "limité", "limitée", "compliqué", "plaintes", "costoso", "costosa", "limitato",
                "limitata", "lentidão");
        neg(0.8, "elevadas", "elevados", "elevado", "elevada");
        // German and Dutch answers: the common evaluative words, contrast words and pros/cons labels
        pos(1.0, "gut", "gute", "guter", "gutes", "guten", "günstig", "günstige", "günstiger", "einfach",
                "einfache", "übersichtlich", "zuverlässig", "zuverlässige", "schnell", "schnelle", "beste", "besten",
                "empfehlenswert", "einsteigerfreundlich", "vereinfacht", "bequem", "stark", "starke", "goed",
                "goede", "handig", "makkelijk", "eenvoudig", "snel", "snelle", "betrouwbaar", "beste", "voordelig",
                "gebruiksvriendelijk", "uitstekend", "prima");
        neg(1.0, "teuer", "teurer", "langsam", "unhandlich", "umständlich", "kompliziert", "eingeschränkt",
                "bemängelt", "nachteil", "schwach", "schwächer", "veraltet", "duur", "duurder", "traag",
                "ingewikkeld", "beperkt", "verouderd", "nadeel");
        neg(0.6, "abonnement", "gebühr", "gebühren", "kosten");
        intens(1.5, "sehr", "besonders", "deutlich", "heel", "erg", "zeer");
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
        // comparatives and superlatives of "-y" words the lexicon weighs: "patchier", "sturdiest"
        WORDS.forEach((w, v) -> {
            if (w.length() > 3 && w.endsWith("y") && w.indexOf(' ') < 0) {
                String stem = w.substring(0, w.length() - 1);
                for (String form : List.of(stem + "ier", stem + "iest")) {
                    if (!WORDS.containsKey(form)) {
                        lex(all, form).weight = v;
                    }
                }
            }
        });
        NEGATORS.forEach(w -> lex(all, w).negator = true);
        CONTRAST.forEach(w -> lex(all, w).contrast = true);
        NEW_CLAUSE.forEach(w -> lex(all, w).newClause = true);
        PRICE_NOUNS.forEach(w -> lex(all, w).priceNoun = true);
        PRICE_LEVELS.forEach((w, v) -> lex(all, w).priceLevel = v);
        BENEFIT_NOUNS.forEach(w -> lex(all, w).benefitNoun = true);
        INTENSIFIERS.forEach((w, v) -> lex(all, w).intensifier = v);
        ROLES.forEach((w, v) -> lex(all, w).role = v);
        PREDICATIVE.forEach(w -> lex(all, w).predicative = true);
        FEATURE_VERBS.forEach(w -> lex(all, w).featureVerb = true);
        REMEDIES.forEach(w -> lex(all, w).remedy = true);
        USE_CASE.forEach(w -> lex(all, w).useCase = true);
        USE_CASE_ADJECTIVES.forEach(w -> lex(all, w).useCaseAdjective = true);
        CONDITIONS.forEach(w -> lex(all, w).condition = true);
        ORIGIN_VERBS.forEach(w -> lex(all, w).originVerb = true);
        OWNER_VERBS.forEach(w -> lex(all, w).ownerVerb = true);
        FAINT.forEach(w -> lex(all, w).faint = true);
        PLENTY.forEach(w -> lex(all, w).plenty = true);
        lex(all, "of");
        BIGGER.forEach(w -> lex(all, w).size = 1);
        SMALLER.forEach(w -> lex(all, w).size = -1);
        AMOUNTS.forEach(w -> lex(all, w).amount = true);
        AWAY_VERBS.forEach(w -> lex(all, w).awayVerb = true);
        lex(all, "even");
        List.of("recommend", "recommends", "recommended", "recommending", "suggest", "suggests")
                .forEach(w -> lex(all, w).recommendVerb = true);
        List.of("que", "als", "dan", "di").forEach(w -> lex(all, w).thanAfterComparative = true);
        List.of("más", "menos", "mejor", "peor", "plus", "moins", "meilleur", "più", "meno", "migliore", "mais",
                "mehr", "weniger", "besser", "schlechter", "meer", "minder", "beter", "slechter")
                .forEach(w -> lex(all, w).comparativeMarker = true);
        lex(all, "also");
        lex(all, "depends");
        lex(all, "depending");
        lex(all, "against");
        lex(all, "then");
        lex(all, "by");
        DISMISSED.forEach(w -> lex(all, w).dismissed = true);
        DIMINISHERS.forEach(w -> lex(all, w).diminisher = true);
        JUSTIFIES.forEach(w -> lex(all, w).justifies = true);
        List.of("it", "the", "every").forEach(w -> lex(all, w).justified = true);
        PRICEY.forEach(w -> lex(all, w).pricey = true);
        List.of("which", "who").forEach(w -> lex(all, w).relative = true);
        lex(all, "whether").question = true;
        List.of("limit", "limits", "cap", "caps").forEach(w -> lex(all, w).nounToo = true);
        List.of("a", "an", "the", "its", "your", "their", "set", "this", "that", "monthly", "daily", "usage", "s",
                "fair", "plan's").forEach(w -> lex(all, w).determiner = true);
        lex(all, "away");
        lex(all, "off");
        lex(all, "its");
        lex(all, "their");
        PRONOUNS_FOR_ADVICE.forEach(w -> lex(all, w));
        lex(all, "like");
        lex(all, "an");
        SOME.forEach(w -> lex(all, w));
        lex(all, "the");
        lex(all, "most");
        HAVE_VERBS.forEach(w -> lex(all, w).haveVerb = true);
        EFFORT.forEach(w -> lex(all, w).effort = true);
        EFFORT.forEach(w -> lex(all, w).weight = -0.7);
        BURDENS.forEach(w -> lex(all, w).burden = true);
        DEMANDS.forEach(w -> lex(all, w).demand = true);
        CHORES.forEach(w -> lex(all, w).chore = true);
        List.of("needed", "required", "necessary", "at", "for", "involved", "whatsoever", "or", "of", "on", "vary",
                "varies", "are", "is", "apply", "applies", "per", "in")
                .forEach(w -> lex(all, w));
        COST_VERBS.forEach(w -> lex(all, w).costVerb = true);
        RESTRICTED.forEach(w -> lex(all, w).restricted = true);
        ADVICE.forEach(w -> lex(all, w).advice = true);
        List.of("raised", "raises", "raising", "increased", "increases", "increasing", "hiked", "hikes", "hiking")
                .forEach(w -> lex(all, w).priceMove = 1);
        List.of("cut", "cuts", "cutting", "lowered", "lowers", "lowering", "slashed", "slashes", "reduced",
                "dropped").forEach(w -> lex(all, w).priceMove = -1);
        GENERIC.forEach(w -> lex(all, w).generic = true);
        List.of("available", "supported", "included", "offered", "compatible")
                .forEach(w -> lex(all, w).missingWhenNegated = true);
        USE_CASE_ADJECTIVES.forEach(w -> lex(all, w).useCaseAdjective = true);
        lex(all, "any");
        lex(all, "major");
        lex(all, "real");
        lex(all, "free");
        DISMISSERS.forEach(w -> lex(all, w).dismisser = true);
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
