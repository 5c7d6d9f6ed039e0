package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lexicon-based tone per entity.
 *
 * <p>What is read: every sentence that mentions the entity, split into clauses at contrast words ("but",
 * "however", "although", "whereas", "while", ";"); a clause naming no entity takes the entities of the clause
 * before it. Sentences in the body of a list item or product section that name no entity belong to the item's
 * subject; in prose, a sentence naming no entity belongs to the single entity the paragraph's last naming sentence
 * named (to all of them when it starts with "Both", "They", "These"...). A comma followed by "and", "while" or a
 * name after three words or more also starts a clause ("X is easy, and Y is cheap"). Names after "than", "over", "unlike", "compared to/with" get the opposite tone
 * ("HubSpot is easier than Salesforce").
 *
 * <p>Words: a lexicon of positive and negative words and two-word phrases (weights 0.3 to 1.5); a negator
 * ("not", "n't", "no", "never", "without", "no longer", "lacks") flips a word within the next three words;
 * "less" flips the next word; "too" makes a positive word negative; intensifiers multiply ("very" 1.5),
 * downtoners damp ("a bit" 0.6).
 *
 * <p>Label: with P and N the summed positive and negative weights, score = (P - N) / (P + N + 0.5), within
 * [-1, 1]. MIXED when P and N are both at least 0.5 and the smaller is at least a third of the larger; else
 * POSITIVE when score >= 0.3, NEGATIVE when score <= -0.3, NEUTRAL otherwise.
 */
final class SentimentScorer {

    static final double CLEAR = 0.5;
    static final double LABEL_THRESHOLD = 0.3;

    private static final Map<String, Double> WORDS = new HashMap<>();
    private static final Map<String, Double> PHRASES = new HashMap<>();
    private static final Map<String, Double> INTENSIFIERS = new HashMap<>();
    private static final Set<String> NEGATORS = Set.of("not", "no", "never", "none", "nothing", "neither", "nor",
            "without", "hardly", "barely", "isn't", "aren't", "wasn't", "weren't", "doesn't", "don't", "didn't",
            "can't", "cannot", "won't", "wouldn't", "shouldn't", "couldn't", "hasn't", "haven't", "hadn't", "isnt",
            "arent", "doesnt", "dont", "cant", "wont", "lacks", "lack", "lacking", "missing", "nowhere");
    private static final Set<String> CONTRAST = Set.of("but", "however", "although", "though", "whereas", "while",
            "yet");

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
        intens(1.5, "very", "highly", "super", "remarkably", "notoriously", "absolutely", "really", "truly");
        intens(1.8, "extremely", "incredibly", "exceptionally", "insanely", "ridiculously");
        intens(1.3, "particularly", "especially", "so", "genuinely", "most", "much", "far", "significantly",
                "considerably", "way");
        intens(1.1, "quite", "pretty");
        intens(0.6, "somewhat", "slightly", "bit", "little", "mildly", "occasionally", "sometimes", "relatively");
        intens(0.8, "fairly", "can", "may", "might", "could");
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

    private static void intens(double m, String... words) {
        for (String word : words) {
            INTENSIFIERS.put(word, m);
        }
    }

    /** Summed evidence for one entity. */
    static final class Tally {
        double positive;
        double negative;

        void add(double w) {
            if (w > 0) {
                positive += w;
            } else {
                negative -= w;
            }
        }

        double score() {
            if (positive == 0 && negative == 0) {
                return 0;
            }
            double s = (positive - negative) / (positive + negative + 0.5);
            return Math.max(-1, Math.min(1, Math.round(s * 1000) / 1000.0));
        }

        Sentiment label() {
            double lo = Math.min(positive, negative);
            double hi = Math.max(positive, negative);
            if (lo >= CLEAR && lo * 3 >= hi) {
                return Sentiment.MIXED;
            }
            double s = score();
            if (s >= LABEL_THRESHOLD) {
                return Sentiment.POSITIVE;
            }
            if (s <= -LABEL_THRESHOLD) {
                return Sentiment.NEGATIVE;
            }
            return Sentiment.NEUTRAL;
        }
    }

    /** A word of a sentence with its offset; "," stands for any punctuation that ends a negation's reach. */
    private record Word(String w, int pos) {
    }

    /**
     * Scores every entity over the answer.
     *
     * @return a tally per entity (never null)
     */
    static Tally[] score(TextLayout t, List<MentionMatcher.Mention> mentions, ListStructure lists, int entityCount) {
        Tally[] tallies = new Tally[entityCount];
        for (int e = 0; e < entityCount; e++) {
            tallies[e] = new Tally();
        }
        // mentions per sentence
        List<List<MentionMatcher.Mention>> bySentence = new ArrayList<>(t.sentCount);
        for (int s = 0; s < t.sentCount; s++) {
            bySentence.add(null);
        }
        for (MentionMatcher.Mention m : mentions) {
            int s = t.sentenceOf(m.start);
            if (s >= 0) {
                if (bySentence.get(s) == null) {
                    bySentence.set(s, new ArrayList<>(2));
                }
                bySentence.get(s).add(m);
            }
        }
        int[] lastSubjects = null;
        int lastLine = -1;
        for (int s = 0; s < t.sentCount; s++) {
            int line = t.sentLine[s];
            if (lastLine >= 0 && line > lastLine + 1) {
                lastSubjects = null; // a blank line or more: a new paragraph
            }
            if (t.kind[line] == TextLayout.HEADING || t.kind[line] == TextLayout.TABLE) {
                lastSubjects = null;
            }
            lastLine = line;
            List<MentionMatcher.Mention> here = bySentence.get(s);
            int[] fallback = null;
            ListStructure.Item item = lists.itemAt(t.sentStart[s]);
            if (item != null) {
                fallback = entitiesOf(item.subjects);
            }
            if (fallback == null && lastSubjects != null
                    && (lastSubjects.length == 1 || startsWithGroupPronoun(t, s))) {
                // the paragraph goes on about what its last sentence named
                fallback = lastSubjects;
            }
            if (here == null && fallback == null) {
                continue;
            }
            int[] direct = scoreSentence(t, s, here == null ? List.of() : here, fallback, tallies);
            if (here != null) {
                lastSubjects = direct.length > 0 ? direct : lastSubjects;
            }
        }
        return tallies;
    }

    private static int[] entitiesOf(boolean[] subjects) {
        int n = 0;
        for (boolean b : subjects) {
            if (b) {
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        int[] out = new int[n];
        int k = 0;
        for (int e = 0; e < subjects.length; e++) {
            if (subjects[e]) {
                out[k++] = e;
            }
        }
        return out;
    }

    private static final Set<String> GROUP_PRONOUNS = Set.of("both", "they", "these", "all", "each", "either");

    private static boolean startsWithGroupPronoun(TextLayout t, int s) {
        int a = t.atomAtOrAfter(t.sentStart[s]);
        return a < t.atomCount && t.atomStart[a] < t.sentEnd[s] && GROUP_PRONOUNS.contains(t.atomLower[a]);
    }

    /** Scores one sentence; returns the entities it names directly (not after "than", "unlike"). */
    private static int[] scoreSentence(TextLayout t, int s, List<MentionMatcher.Mention> here, int[] fallback,
                                       Tally[] tallies) {
        int ss = t.sentStart[s];
        int se = t.sentEnd[s];
        List<Word> words = words(t, ss, se);
        // clause boundaries: indexes into words where a clause starts
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int wordsInClause = 0;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i).w;
            if ((CONTRAST.contains(w) && i > 0) || w.equals(";")) {
                starts.add(i);
                wordsInClause = 0;
            } else if (w.equals(",") && wordsInClause >= 3 && i + 1 < words.size()
                    && (NEW_CLAUSE.contains(words.get(i + 1).w) || startsMention(words.get(i + 1).pos, here))) {
                // "X is easy to start with, Y is the most powerful, and Z offers great value"
                starts.add(i + 1);
                wordsInClause = 0;
            } else if (!w.equals(",")) {
                wordsInClause++;
            }
        }
        int clauses = starts.size();
        List<List<int[]>> recipients = new ArrayList<>(clauses); // {entity, inverted 0/1}
        for (int c = 0; c < clauses; c++) {
            recipients.add(new ArrayList<>());
        }
        for (MentionMatcher.Mention m : here) {
            int wi = wordIndexAt(words, m.start);
            int c = clauseOf(starts, wi);
            int inverted = invertedAt(words, starts.get(c), wi) ? 1 : 0;
            addRecipient(recipients.get(c), m.entity, inverted);
        }
        // clauses without a non-inverted entity take the previous (else next) clause's, else the fallback
        for (int c = 0; c < clauses; c++) {
            if (hasDirect(recipients.get(c))) {
                continue;
            }
            List<int[]> from = null;
            for (int d = c - 1; d >= 0 && from == null; d--) {
                if (hasDirect(recipients.get(d))) {
                    from = recipients.get(d);
                }
            }
            for (int d = c + 1; d < clauses && from == null; d++) {
                if (hasDirect(recipients.get(d))) {
                    from = recipients.get(d);
                }
            }
            if (from != null) {
                for (int[] r : from) {
                    if (r[1] == 0) {
                        addRecipient(recipients.get(c), r[0], 0);
                    }
                }
            } else if (fallback != null) {
                for (int e : fallback) {
                    addRecipient(recipients.get(c), e, 0);
                }
            }
        }
        List<Integer> direct = new ArrayList<>();
        for (int c = 0; c < clauses; c++) {
            for (int[] r : recipients.get(c)) {
                if (r[1] == 0 && !direct.contains(r[0]) && containsMentionOf(here, r[0])) {
                    direct.add(r[0]);
                }
            }
        }
        for (int c = 0; c < clauses; c++) {
            int from = starts.get(c);
            int to = c + 1 < clauses ? starts.get(c + 1) : words.size();
            double[] pn = polarity(words, from, to, here);
            if (pn[0] == 0 && pn[1] == 0) {
                continue;
            }
            for (int[] r : recipients.get(c)) {
                Tally tally = tallies[r[0]];
                if (r[1] == 0) {
                    tally.positive += pn[0];
                    tally.negative += pn[1];
                } else {
                    tally.positive += pn[1];
                    tally.negative += pn[0];
                }
            }
        }
        return direct.stream().mapToInt(Integer::intValue).toArray();
    }

    private static final Set<String> NEW_CLAUSE = Set.of("and", "while", "whereas", "which");

    private static boolean startsMention(int pos, List<MentionMatcher.Mention> mentions) {
        for (MentionMatcher.Mention m : mentions) {
            if (m.start == pos) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsMentionOf(List<MentionMatcher.Mention> mentions, int entity) {
        for (MentionMatcher.Mention m : mentions) {
            if (m.entity == entity) {
                return true;
            }
        }
        return false;
    }

    private static void addRecipient(List<int[]> list, int entity, int inverted) {
        for (int[] r : list) {
            if (r[0] == entity) {
                if (inverted == 0) {
                    r[1] = 0;
                }
                return;
            }
        }
        list.add(new int[]{entity, inverted});
    }

    private static boolean hasDirect(List<int[]> list) {
        for (int[] r : list) {
            if (r[1] == 0) {
                return true;
            }
        }
        return false;
    }

    private static int clauseOf(List<Integer> starts, int wordIndex) {
        int c = 0;
        for (int k = 0; k < starts.size(); k++) {
            if (starts.get(k) <= wordIndex) {
                c = k;
            }
        }
        return c;
    }

    private static int wordIndexAt(List<Word> words, int pos) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).pos >= pos) {
                return i;
            }
        }
        return words.size();
    }

    /** "than X", "over X", "unlike X", "compared to X": X gets the opposite tone of its clause. */
    private static boolean invertedAt(List<Word> words, int clauseStart, int wi) {
        for (int k = wi - 1; k >= clauseStart && k >= wi - 6; k--) {
            String w = words.get(k).w;
            if (w.equals("than") || w.equals("unlike")) {
                return true;
            }
            if (w.equals("over") && k == wi - 1) {
                return true;
            }
            if ((w.equals("to") || w.equals("with")) && k > 0
                    && (words.get(k - 1).w.equals("compared") || words.get(k - 1).w.equals("relative"))) {
                return true;
            }
            if (w.equals(",") && !(k + 1 < wi && words.get(k + 1).w.equals("and"))) {
                // a comma ends "unlike X," but not "than X, Y and Z"
                return false;
            }
        }
        return false;
    }

    private static List<Word> words(TextLayout t, int s, int e) {
        List<Word> out = new ArrayList<>();
        String text = t.text;
        int i = s;
        while (i < e) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                int a = i;
                while (i < e && (Character.isLetterOrDigit(text.charAt(i))
                        || ((text.charAt(i) == '\'' || text.charAt(i) == '’') && i + 1 < e
                        && Character.isLetter(text.charAt(i + 1))))) {
                    i++;
                }
                if (t.masked.get(a)) {
                    continue;
                }
                String w = text.substring(a, i).toLowerCase(Locale.ROOT);
                out.add(new Word(w.indexOf('’') >= 0 ? w.replace('’', '\'') : w, a));
            } else {
                if (",.;:!?()|—–".indexOf(c) >= 0 && !t.masked.get(i)) {
                    out.add(new Word(c == ';' ? ";" : ",", i));
                }
                i++;
            }
        }
        return out;
    }

    /** {positive, negative} weight of words[from, to), entity names excluded. */
    private static double[] polarity(List<Word> words, int from, int to, List<MentionMatcher.Mention> names) {
        double p = 0;
        double n = 0;
        int negateUntil = -1;
        int lessAt = -10;
        int tooAt = -1;
        double mult = 1;
        int multAt = -2;
        for (int i = from; i < to; i++) {
            String w = words.get(i).w;
            if (w.equals(",") || w.equals(";")) {
                negateUntil = -1;
                continue;
            }
            if (insideName(words.get(i).pos, names)) {
                continue;
            }
            Double weight = null;
            int span = 1;
            if (i + 2 < to) {
                weight = PHRASES.get(w + " " + words.get(i + 1).w + " " + words.get(i + 2).w);
                if (weight != null) {
                    span = 3;
                }
            }
            if (weight == null && i + 1 < to) {
                weight = PHRASES.get(w + " " + words.get(i + 1).w);
                if (weight != null) {
                    span = 2;
                }
            }
            if (weight == null) {
                if (NEGATORS.contains(w) && !(i + 1 < to && words.get(i + 1).w.equals("only"))) {
                    negateUntil = i + 3;
                    Double own = WORDS.get(w);
                    if (own != null) {
                        n += -own;
                    }
                    continue;
                }
                if (w.equals("less") || w.equals("fewer")) {
                    if (i + 1 < to && WORDS.containsKey(words.get(i + 1).w)) {
                        lessAt = i;
                    } else if (w.equals("fewer")) {
                        n += 0.6; // "fewer integrations"
                    }
                    continue;
                }
                if (w.equals("too")) {
                    tooAt = i;
                    continue;
                }
                Double m = INTENSIFIERS.get(w);
                if (m != null) {
                    mult = (multAt == i - 1 ? mult : 1) * m;
                    multAt = i;
                    continue;
                }
                weight = WORDS.get(w);
                if (weight == null) {
                    weight = priceLevel(words, from, to, i);
                }
            }
            if (weight == null || weight == 0) {
                continue;
            }
            double v = weight;
            if (multAt >= i - 2 && multAt >= from) {
                v *= mult;
            }
            if (tooAt >= i - 2 && tooAt >= from && v > 0) {
                v = -v;
            }
            if (lessAt == i - 1 && lessAt >= from) {
                v = -v;
            } else if (i <= negateUntil) {
                v = v > 0 ? -0.8 * v : -0.5 * v;
            }
            if (v > 0) {
                p += v;
            } else {
                n += -v;
            }
            i += span - 1;
        }
        return new double[]{p, n};
    }

    private static final Set<String> PRICE_NOUNS = Set.of("price", "prices", "pricing", "cost", "costs", "fees",
            "fee", "subscription");

    /** "pricing is high" is negative, "low cost" positive: a level word next to a price word. */
    private static Double priceLevel(List<Word> words, int from, int to, int i) {
        String w = words.get(i).w;
        double sign;
        if (w.equals("high") || w.equals("higher") || w.equals("hefty")) {
            sign = -1;
        } else if (w.equals("low") || w.equals("lower") || w.equals("lowest")) {
            sign = 1;
        } else {
            return null;
        }
        for (int k = Math.max(from, i - 3); k <= Math.min(to - 1, i + 1); k++) {
            if (PRICE_NOUNS.contains(words.get(k).w)) {
                return sign;
            }
        }
        return null;
    }

    private static boolean insideName(int pos, List<MentionMatcher.Mention> names) {
        for (MentionMatcher.Mention m : names) {
            if (m.start <= pos && pos < m.end) {
                return true;
            }
        }
        return false;
    }
}
