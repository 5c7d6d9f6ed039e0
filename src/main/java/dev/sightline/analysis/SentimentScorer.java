package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tone of an answer towards each tracked entity: its strengths and weaknesses, read clause by clause with the
 * {@link Lexicon}, the answer's lists, pros and cons sections and comparisons. The rules are in README ("How rank and
 * sentiment are decided").
 */
final class SentimentScorer {

    static final double CLEAR = 0.5;

    /** What one clause gave one entity; set only by tools that explain the analyzer's labels (never in service). */
    interface Trace {
        void clause(int entity, String clause, double positive, double negative);
    }

    static volatile Trace trace;

    /** Stands for any punctuation that ends a negation's reach. */
    private static final Lexicon.Lex COMMA = new Lexicon.Lex(",");
    private static final Lexicon.Lex SEMICOLON = new Lexicon.Lex(";");
    /** A parenthesis ends a negation's reach but starts no clause: "Saucony (Endorphin Pro 4) and ASICS". */
    private static final Lexicon.Lex PAREN = new Lexicon.Lex("(");
    /** Weight of a point under a "Cons:" or "Pros:" label, or of a cell under such a column header. */
    private static final double SECTION_POINT = 1.0;
    /** The ASCII characters that are punctuation tokens; beyond ASCII, the em and en dash. */
    private static final boolean[] ASCII_PUNCTUATION = new boolean[128];

    static {
        for (char c : ",.;:!?()|".toCharArray()) {
            ASCII_PUNCTUATION[c] = true;
        }
    }

    /** Summed evidence for one entity. */
    static final class Tally {
        double positive;
        double negative;
        /** What the clauses about the entity gave it (without the list items' capabilities), and their words. */
        double clausePositive;
        double clauseNegative;
        int clauses;
        final StringBuilder said = new StringBuilder();

        void clause(String text, double p, double n) {
            clausePositive += p;
            clauseNegative += n;
            clauses++;
            said.append(text).append(" .\n");
        }

        double score() {
            if (positive == 0 && negative == 0) {
                return 0;
            }
            double s = (positive - negative) / (positive + negative + 0.5);
            return Math.max(-1, Math.min(1, Math.round(s * 1000) / 1000.0));
        }

        /**
         * By what was clearly said: a strength and a weakness make MIXED however much the praise outweighs the
         * weakness, one of them POSITIVE or NEGATIVE, neither NEUTRAL.
         */
        Sentiment label() {
            boolean strength = positive >= CLEAR;
            boolean weakness = negative >= CLEAR;
            if (strength && weakness) {
                return Sentiment.MIXED;
            }
            return strength ? Sentiment.POSITIVE : weakness ? Sentiment.NEGATIVE : Sentiment.NEUTRAL;
        }
    }

    /**
     * The answer's words and punctuation, split once: offsets and lexicon entries (null for a word the lexicon
     * does not know). Words keep inner apostrophes ("isn't"); text inside URLs is skipped.
     */
    private static final class Tokens {
        final String text;
        int count;
        int[] start;
        Lexicon.Lex[] lex;
        /** Scratch: the token lies inside, or starts, a name mentioned in the sentence being scored. */
        boolean[] inName;
        boolean[] startsName;
        /** Scratch: the sentence being scored is a table cell. */
        boolean inTable;

        /** The mentions, to skip the punctuation inside names ("C++ (Pro)", "Yahoo!"), and the next one to check. */
        private final List<MentionMatcher.Mention> names;
        private int nextName;

        /**
         * Words are the layout's atoms, joined where an apostrophe and a letter follow ("isn't"); punctuation is a
         * token too, except inside a name.
         */
        Tokens(TextLayout t, List<MentionMatcher.Mention> names) {
            this.text = t.text;
            this.names = names;
            String text = t.text;
            int cap = Math.max(16, t.atomCount + t.atomCount / 2);
            start = new int[cap];
            lex = new Lexicon.Lex[cap];
            int pos = 0;
            int a = 0;
            while (a < t.atomCount) {
                int s = t.atomStart[a];
                punctuation(t, pos, s);
                int b = a;
                while (b + 1 < t.atomCount && t.atomStart[b + 1] == t.atomEnd[b] + 1
                        && isApostrophe(text.charAt(t.atomEnd[b])) && Character.isLetter(text.charAt(t.atomStart[b + 1]))) {
                    b++;
                }
                int e = t.atomEnd[b];
                if (!t.masked.get(s)) {
                    add(s, b == a && t.atomAscii[a] ? Lexicon.TABLE.getAscii(text, s, e, t.atomHash[a])
                            : Lexicon.TABLE.get(text, s, e));
                }
                pos = e;
                a = b + 1;
            }
            punctuation(t, pos, t.length);
            inName = new boolean[count];
            startsName = new boolean[count];
        }

        private void punctuation(TextLayout t, int from, int to) {
            for (int i = from; i < to; i++) {
                char c = t.text.charAt(i);
                if ((c < 128 ? ASCII_PUNCTUATION[c] : c == '—' || c == '–') && !t.masked.get(i) && !insideName(i)) {
                    add(i, c == ';' ? SEMICOLON : c == '(' || c == ')' ? PAREN : COMMA);
                }
            }
        }

        /** Positions come in increasing order. */
        private boolean insideName(int pos) {
            while (nextName < names.size() && names.get(nextName).end <= pos) {
                nextName++;
            }
            return nextName < names.size() && names.get(nextName).start <= pos;
        }

        private static boolean isApostrophe(char c) {
            return c == '\'' || c == '’';
        }

        private void add(int pos, Lexicon.Lex l) {
            if (count == start.length) {
                start = Arrays.copyOf(start, count * 2);
                lex = Arrays.copyOf(lex, count * 2);
            }
            start[count] = pos;
            lex[count] = l;
            count++;
        }

        /**
         * The word starts with a capital letter although it neither opens the sentence nor follows a colon,
         * semicolon, dash or parenthesis.
         */
        boolean capitalisedInside(int i, int sentenceFrom) {
            if (!Character.isUpperCase(text.charAt(start[i]))) {
                return false;
            }
            int k = i - 1;
            while (k >= sentenceFrom && isPunctuation(lex[k])) {
                if (":;(—–|".indexOf(text.charAt(start[k])) >= 0) {
                    return false;
                }
                k--;
            }
            return k >= sentenceFrom;
        }

        /** Index of the first token starting at or after pos. */
        int atOrAfter(int pos) {
            int lo = 0, hi = count;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (start[mid] < pos) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /**
     * Scores every entity over the answer.
     *
     * @return a tally per entity (never null)
     */
    static Tally[] score(TextLayout t, List<MentionMatcher.Mention> found, ListStructure lists, int entityCount) {
        List<MentionMatcher.Mention> mentions = ProductLines.withReferences(t, found);
        Tally[] tallies = new Tally[entityCount];
        for (int e = 0; e < entityCount; e++) {
            tallies[e] = new Tally();
        }
        // mentions come in text order, so each sentence's mentions are a run of them
        int[] firstMention = new int[t.sentCount + 1];
        int[] endMention = new int[t.sentCount + 1];
        Arrays.fill(firstMention, -1);
        for (int k = 0; k < mentions.size(); k++) {
            int s = t.sentenceOf(mentions.get(k).start);
            if (s >= 0) {
                if (firstMention[s] < 0) {
                    firstMention[s] = k;
                }
                endMention[s] = k + 1;
            }
        }
        int[] topic = topic(t, mentions, firstMention, endMention);
        Tokens tokens = null;
        ProsCons sections = null;
        int[] lastSubjects = null;
        int lastLine = -1;
        for (int s = 0; s < t.sentCount; s++) {
            int line = t.sentLine[s];
            if (lastLine >= 0 && line > lastLine + 1) {
                lastSubjects = null; // a blank line or more: a new paragraph
            }
            if (t.kind[line] == TextLayout.HEADING || t.kind[line] == TextLayout.TABLE
                    || line != lastLine && (t.kind[line] == TextLayout.BULLET || t.kind[line] == TextLayout.NUM)) {
                lastSubjects = null; // a bullet is a point of its own
            }
            lastLine = line;
            List<MentionMatcher.Mention> here = firstMention[s] < 0 ? List.of()
                    : mentions.subList(firstMention[s], endMention[s]);
            int[] fallback = null;
            if (t.kind[line] == TextLayout.TABLE) {
                // a cell is about its row's entity, else its column's ("| Ease of use | Excellent | Good |");
                // a header cell is about nothing
                if (!lists.isTableHeader(line)) {
                    ListStructure.Item row = lists.tableRow(line);
                    fallback = row != null && row.hasSubject ? row.subjectList()
                            : row != null && row.untracked ? null
                            : lists.columnSubjects(line, t.sentStart[s]);
                }
            } else {
                ListStructure.Item item = lists.itemAt(t.sentStart[s]);
                if (item != null && item.untracked) {
                    // "3. **Zendesk Sell** — solid, but reporting is limited": about a product nobody tracks
                    lastSubjects = null;
                } else if (item != null) {
                    fallback = item.subjectList();
                } else if (introducesList(t, s)) {
                    // "A few quick ways to find out yourself:" is about what follows
                } else if (lastSubjects != null && (lastSubjects.length == 1 || startsWithGroupPronoun(t, s))) {
                    // the paragraph goes on about what its last sentence named
                    fallback = lastSubjects;
                } else if (here.isEmpty() && startsWithGroupCount(t, s)) {
                    fallback = namedBefore(t, mentions, s); // "All four are capable city cars."
                }
                if (fallback == null && item == null && !introducesList(t, s)) {
                    fallback = topic; // "Where it falls short" in an answer about one product
                }
            }
            if (here.isEmpty() && fallback == null) {
                continue;
            }
            if (tokens == null) {
                tokens = new Tokens(t, mentions);
                sections = new ProsCons(t);
            }
            byte side = t.sentStart[s] < sections.until[line] ? sections.side[line] : ProsCons.NONE;
            if (t.kind[line] == TextLayout.TABLE) {
                side = lists.columnSide(line, t.sentStart[s]);
            }
            int[] direct = scoreSentence(t, tokens, s, here, fallback, side,
                    side == ProsCons.NONE ? 0 : sections.from[line], tallies);
            if (side == ProsCons.NONE && t.kind[line] != TextLayout.TABLE) {
                ListStructure.Item item = lists.itemAt(t.sentStart[s]);
                if (item != null && item.hasSubject && item.line == line && capabilityFirst(t, s, line)) {
                    for (int e : item.subjectList()) {
                        tallies[e].positive += CAPABILITY; // "- **Surfshark** – Allows P2P traffic on all servers."
                    }
                }
            }
            if (!here.isEmpty()) {
                lastSubjects = direct.length > 0 ? direct : lastSubjects;
            }
        }
        return tallies;
    }

    /** Only names, commas, "and" and "or" among tokens[from, to): the names listed before the one at to. */
    private static boolean namesOnly(Tokens tokens, int from, int to) {
        boolean name = false;
        for (int k = from; k < to; k++) {
            Lexicon.Lex w = tokens.lex[k];
            if (!(tokens.inName[k] || w == COMMA || role(w) == Lexicon.AND || role(w) == Lexicon.OR)) {
                return false;
            }
            name |= tokens.inName[k];
        }
        return name;
    }

    /** "compared", "relative", "versus", "vs", "unlike": what comes before is a predicate ("basic compared with"). */
    private static boolean comparisonWord(Lexicon.Lex w) {
        byte r = role(w);
        return r == Lexicon.COMPARED || r == Lexicon.RELATIVE || r == Lexicon.UNLIKE;
    }

    /**
     * The clause says the products differ ("they target different users", "each gets there differently") or makes a
     * condition of the choice ("it depends on how structured your projects are").
     */
    private static boolean differs(Tokens tokens, int from, int to) {
        for (int i = from; i < to; i++) {
            Lexicon.Lex w = tokens.lex[i];
            if (tokens.inName[i]) {
                continue;
            }
            if (w == null ? tokens.text.regionMatches(true, tokens.start[i], "differ", 0, 6)
                    : w.word.equals("depends") || w.word.equals("depending")) {
                return true;
            }
        }
        return false;
    }

    private static final Set<String> LOW = Set.of("low", "lower", "lowest", "reduced");

    /** "low" or "lower" one or two words before i, nothing between but a word: "low added latency". */
    private static boolean lowBefore(Tokens tokens, int from, int i) {
        for (int k = i - 1; k >= from && k >= i - 2; k--) {
            Lexicon.Lex w = tokens.lex[k];
            if (isPunctuation(w) || tokens.inName[k]) {
                return false;
            }
            if (w != null && LOW.contains(w.word)) {
                return true;
            }
        }
        return false;
    }

    /** A name among tokens[from, to). */
    private static boolean namedIn(Tokens tokens, int from, int to) {
        for (int k = from; k < to; k++) {
            if (tokens.inName[k]) {
                return true;
            }
        }
        return false;
    }

    /** A two- or three-word phrase of the lexicon starts at token k ("issue tracker"). */
    private static boolean startsPhrase(Lexicon.Lex[] lex, int k, int to) {
        for (Lexicon.Phrase ph : lex[k].phrases2) {
            if (k + 1 < to && ph.rest()[0] == lex[k + 1]) {
                return true;
            }
        }
        for (Lexicon.Phrase ph : lex[k].phrases3) {
            if (k + 2 < to && ph.rest()[0] == lex[k + 1] && ph.rest()[1] == lex[k + 2]) {
                return true;
            }
        }
        return false;
    }

    /** A price noun at from, or after "its", "their", "the": "raised its prices". */
    private static boolean priceAfter(Lexicon.Lex[] lex, int from, int to) {
        int k = from;
        if (k < to && lex[k] != null && (lex[k].word.equals("its") || lex[k].word.equals("their")
                || lex[k].word.equals("the"))) {
            k++;
        }
        return k < to && lex[k] != null && lex[k].priceNoun;
    }

    /** Only names and punctuation before token i in its clause. */
    private static boolean opensClause(Tokens tokens, int from, int i) {
        for (int k = from; k < i; k++) {
            if (!tokens.inName[k] && !isPunctuation(tokens.lex[k])) {
                return false;
            }
        }
        return true;
    }

    /** Weight of a capability that opens an option's description. */
    private static final double CAPABILITY = 0.6;

    private static final Set<String> CAPABILITIES = Set.of("supports", "allows", "lets", "enables", "covers",
            "integrates", "handles");

    /**
     * The description after an item's lead opens, in sentence s, with what the product can do ("Supports port
     * forwarding", "Lets you swap proteins"): in a list of options, a strength.
     */
    private static boolean capabilityFirst(TextLayout t, int s, int line) {
        int le = t.leadEnd[line];
        if (le < 0 || le < t.sentStart[s] || le >= t.sentEnd[s]) {
            return false;
        }
        int a = t.atomAtOrAfter(le);
        return a < t.atomCount && t.atomStart[a] < t.sentEnd[s] && CAPABILITIES.contains(t.atomLower(a));
    }

    /**
     * The one entity an answer is about, when its opening sentence names exactly one ("Pipedrive is worth it for
     * most small teams...", "Kagi is a paid, ad-free search engine"); null otherwise. Its sections that name no
     * entity ("Where it falls short", "Downsides") are about that entity.
     */
    private static int[] topic(TextLayout t, List<MentionMatcher.Mention> mentions, int[] firstMention,
                               int[] endMention) {
        int s = 0;
        while (s < t.sentCount && t.kind[t.sentLine[s]] == TextLayout.HEADING) {
            s++;
        }
        byte kind = s == t.sentCount ? TextLayout.BLANK : t.kind[t.sentLine[s]];
        if (s == t.sentCount || firstMention[s] < 0 || kind != TextLayout.TEXT && kind != TextLayout.BOLD) {
            return null; // an answer opening with a list item is about the list
        }
        int entity = mentions.get(firstMention[s]).entity;
        for (int k = firstMention[s] + 1; k < endMention[s]; k++) {
            if (mentions.get(k).entity != entity) {
                return null;
            }
        }
        return new int[]{entity};
    }

    /** "Here are some of the best options:" is about what follows, not about the entity named before it. */
    private static boolean introducesList(TextLayout t, int s) {
        int e = t.sentEnd[s];
        while (e > t.sentStart[s] && (t.text.charAt(e - 1) == '*' || t.text.charAt(e - 1) == '_')) {
            e--;
        }
        return e > t.sentStart[s] && t.text.charAt(e - 1) == ':';
    }

    private static final Set<String> GROUP_PRONOUNS = Set.of("both", "they", "these", "all", "each", "either");

    private static final Set<String> COUNTS = Set.of("two", "three", "four", "five", "six", "of");

    /** "All four are...", "All of them...", "Both are...": about every product named so far. */
    private static boolean startsWithGroupCount(TextLayout t, int s) {
        int a = t.atomAtOrAfter(t.sentStart[s]);
        if (a + 1 >= t.atomCount || t.atomStart[a] >= t.sentEnd[s]) {
            return false;
        }
        String first = t.atomLower(a);
        return first.equals("both") || first.equals("all") && COUNTS.contains(t.atomLower(a + 1));
    }

    /** The entities the answer named before sentence s, in entity order, or null. */
    private static int[] namedBefore(TextLayout t, List<MentionMatcher.Mention> mentions, int s) {
        int max = -1;
        for (MentionMatcher.Mention m : mentions) {
            max = Math.max(max, m.entity);
        }
        boolean[] seen = new boolean[max + 1];
        int n = 0;
        for (MentionMatcher.Mention m : mentions) {
            if (m.start >= t.sentStart[s]) {
                break;
            }
            if (!seen[m.entity]) {
                seen[m.entity] = true;
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        int[] out = new int[n];
        for (int e = 0, k = 0; e <= max; e++) {
            if (seen[e]) {
                out[k++] = e;
            }
        }
        return out;
    }

    private static boolean startsWithGroupPronoun(TextLayout t, int s) {
        int a = t.atomAtOrAfter(t.sentStart[s]);
        return a < t.atomCount && t.atomStart[a] < t.sentEnd[s] && GROUP_PRONOUNS.contains(t.atomLower(a));
    }

    /** Scores one sentence; returns the entities it names directly (not after "than", "unlike"). */
    private static int[] scoreSentence(TextLayout t, Tokens tokens, int s, List<MentionMatcher.Mention> here,
                                       int[] fallback, byte side, int sideFrom, Tally[] tallies) {
        int from = tokens.atOrAfter(t.sentStart[s]);
        int to = tokens.atOrAfter(t.sentEnd[s]);
        tokens.inTable = t.kind[t.sentLine[s]] == TextLayout.TABLE;
        Lexicon.Lex[] lex = tokens.lex;
        markNames(tokens, from, to, here);
        // clause boundaries: token indexes where a clause starts
        int[] starts = new int[8];
        starts[0] = from;
        int clauses = 1;
        int wordsInClause = 0;
        for (int i = from; i < to; i++) {
            Lexicon.Lex w = lex[i];
            boolean contrast = w != null && w.contrast;
            int boundary = -1;
            if ((contrast && i > from) || w == SEMICOLON) {
                boundary = i;
            } else if (w == COMMA && wordsInClause >= 3 && i + 1 < to
                    && ((lex[i + 1] != null && lex[i + 1].newClause)
                    || startsNameAfterArticle(tokens, i + 1, to) && !enumeration(tokens, i, to, here)
                    && !frontedComparison(lex[starts[clauses - 1]]))) {
                // "X is easy to start with, Y is the most powerful, and Z offers great value"
                boundary = i + 1;
            } else if (!isPunctuation(w)) {
                wordsInClause++;
            }
            if (boundary >= 0 && clauses > 1 && wordsInClause == 0 && contrast) {
                starts[clauses - 1] = boundary; // "; however, speeds can be inconsistent": one clause, not two
                continue;
            }
            if (boundary >= 0) {
                if (clauses == starts.length) {
                    starts = Arrays.copyOf(starts, clauses * 2);
                }
                starts[clauses++] = boundary;
                wordsInClause = 0;
            }
        }
        // {entity, inverted 0/1, end of the tokens that judge it}: "Wise is cheaper than Revolut when sending money
        // abroad" judges Revolut by what comes before "than" only
        List<List<int[]>> recipients = new ArrayList<>(clauses);
        for (int c = 0; c < clauses; c++) {
            recipients.add(new ArrayList<>(2));
        }
        for (MentionMatcher.Mention m : here) {
            int wi = tokens.atOrAfter(m.start);
            if (wi > to) {
                wi = to;
            }
            int c = clauseOf(starts, clauses, wi);
            if (origin(tokens, starts[c], wi)) {
                continue; // "teams coming from Asana may find it overwhelming": Asana is not judged
            }
            int than = invertedAt(tokens, from, starts[c], wi);
            addRecipient(recipients.get(c), m.entity, than == NOT_INVERTED ? 0 : 1, than >= 0 ? than : -1);
        }
        boolean[] untracked = new boolean[clauses + 1];
        // clauses without a non-inverted entity take the previous (else next) clause's, else the fallback; a pros
        // or cons section's points are always about its product
        for (int c = 0; c < clauses; c++) {
            if (side != ProsCons.NONE && fallback != null) {
                for (int e : fallback) {
                    borrowRecipient(recipients.get(c), e);
                }
            }
            if (hasDirect(recipients.get(c))) {
                continue;
            }
            if (c > 0 && untrackedSubject(tokens, from, starts[c], c + 1 < clauses ? starts[c + 1] : to)) {
                untracked[c] = true;
                continue; // "; Contabo is the cheapest but the most criticized": about a product nobody tracks
            }
            List<int[]> source = null;
            for (int d = c - 1; d >= 0 && source == null && !untracked[d + 1]; d--) {
                if (hasDirect(recipients.get(d))) {
                    source = recipients.get(d);
                }
            }
            if (c > 0 && untracked[c - 1] && source == null) {
                continue;
            }
            for (int d = c + 1; d < clauses && source == null; d++) {
                if (hasDirect(recipients.get(d))) {
                    source = recipients.get(d);
                }
            }
            if (source != null && c > 0 && lex[starts[c]] != null && lex[starts[c]].relative
                    && !mentionsIt(tokens, starts[c], c + 1 < clauses ? starts[c + 1] : to)) {
                // ", which are considered more dependable": about the names right before it
                source = nearestGroup(tokens, here, starts[c], source);
            }
            // a name the clause compares against ("weak compared with Dropbox") stays compared against
            if (source != null) {
                for (int[] r : source) {
                    if (r[1] == 0) {
                        borrowRecipient(recipients.get(c), r[0]);
                    }
                }
                if (c > 0 && source == recipients.get(c - 1) && lex[starts[c]] != null && lex[starts[c]].contrast) {
                    // "Compared with Gazelle, R&M bikes are more customizable but also more expensive": the
                    // comparison goes on after the contrast
                    for (int[] r : source) {
                        if (r[1] == 1) {
                            addRecipient(recipients.get(c), r[0], 1, -1);
                        }
                    }
                }
            } else if (fallback != null) {
                for (int e : fallback) {
                    borrowRecipient(recipients.get(c), e);
                }
            }
        }
        int[] direct = new int[4];
        int directCount = 0;
        for (int c = 0; c < clauses; c++) {
            for (int[] r : recipients.get(c)) {
                if (r[1] == 0 && !contains(direct, directCount, r[0]) && containsMentionOf(here, r[0])) {
                    if (directCount == direct.length) {
                        direct = Arrays.copyOf(direct, directCount * 2);
                    }
                    direct[directCount++] = r[0];
                }
            }
        }
        int sideTok = side == ProsCons.NONE ? to : tokens.atOrAfter(sideFrom);
        int dismissal = dismissal(tokens, from, to);
        double[][] tones = new double[clauses][];
        for (int c = 0; c < clauses; c++) {
            tones[c] = polarity(tokens, starts[c], c + 1 < clauses ? starts[c + 1] : to);
            if (dismissal >= starts[c]) {
                tones[c][1] = 0; // "not the softest, but few runners will mind"
            }
        }
        if (side == ProsCons.NONE && !tokens.inTable) {
            byte kind = t.kind[t.sentLine[s]];
            contrasted(tokens, starts, clauses, to, recipients, tones,
                    kind == TextLayout.BULLET || kind == TextLayout.NUM);
        }
        for (int c = 0; c < clauses; c++) {
            int end = c + 1 < clauses ? starts[c + 1] : to;
            double[] pn = tones[c];
            double[] section = null;
            if (side == ProsCons.CONS && c == 0 && noneListed(tokens, sideTok, end)) {
                break; // "Cons: none", "Cons: hardly any for expats"
            }
            if (side != ProsCons.NONE && dismissal < starts[c] && hasWord(tokens, Math.max(starts[c], sideTok), end)
                    && !(c > 0 && lex[starts[c]] != null && lex[starts[c]].contrast)) {
                // a point under "Cons:" is a weakness of the section's product whatever its words; "but worth it"
                // after it is not, nor is another product it names in passing ("relies on indexes like Bing")
                section = side == ProsCons.CONS ? new double[]{0, Math.max(pn[1], SECTION_POINT)}
                        : new double[]{Math.max(pn[0], SECTION_POINT), 0};
            }
            Trace tr = trace;
            String said = clauseText(tokens, starts[c], end);
            if (pn[0] == 0 && pn[1] == 0 && section == null) {
                for (int[] r : recipients.get(c)) {
                    tallies[r[0]].clause(said, 0, 0);
                    if (tr != null) {
                        tr.clause(r[0], said, 0, 0);
                    }
                }
                continue;
            }
            for (int[] r : recipients.get(c)) {
                Tally tally = tallies[r[0]];
                double[] v = section != null && (r[1] == 1 || fallback == null || contains(fallback, fallback.length,
                        r[0])) ? section : pn;
                if (r[1] == 1 && r[2] > starts[c] && r[2] < end && section == null) {
                    v = polarity(tokens, starts[c], r[2]);
                }
                if (r[1] == 0) {
                    tally.positive += v[0];
                    tally.negative += v[1];
                } else {
                    tally.positive += v[1];
                    tally.negative += v[0];
                }
                tally.clause(said, r[1] == 0 ? v[0] : v[1], r[1] == 0 ? v[1] : v[0]);
                if (tr != null) {
                    tr.clause(r[0], said, r[1] == 0 ? v[0] : v[1], r[1] == 0 ? v[1] : v[0]);
                }
            }
        }
        return Arrays.copyOf(direct, directCount);
    }

    private static String clauseText(Tokens tokens, int from, int to) {
        if (from >= tokens.count) {
            return "";
        }
        int end = to < tokens.count ? tokens.start[to] : tokens.text.length();
        return tokens.text.substring(tokens.start[from], Math.max(tokens.start[from], end)).strip();
    }

    /** Weight of a side of a contrast that is judged only by the contrast. */
    private static final double CONTRASTED = 0.6;

    /**
     * "Lots of choice each week, but portions can run small": a contrast between two clauses about the same product
     * opposes their tones, so a side the lexicon reads as neither good nor bad takes the opposite of the other side
     * when that one is clearly one or the other.
     */
    private static void contrasted(Tokens tokens, int[] starts, int clauses, int to, List<List<int[]>> recipients,
                                   double[][] tones, boolean point) {
        Lexicon.Lex[] lex = tokens.lex;
        for (int c = 1; c < clauses; c++) {
            Lexicon.Lex w = lex[starts[c]];
            if (w == null || !w.contrast || !sameSubjects(recipients.get(c - 1), recipients.get(c))) {
                continue;
            }
            int bFrom = starts[c] + 1;
            int bTo = c + 1 < clauses ? starts[c + 1] : to;
            if (bFrom < bTo && lex[bFrom] != null && (lex[bFrom].condition || lex[bFrom].word.equals("also")
                    || lex[bFrom].word.equals("then"))) {
                continue; // "but if you need...", "but also", "but then"
            }
            if (differs(tokens, bFrom, bTo)) {
                // "both are strong, but they differ in philosophy", "..., though it depends on how structured your
                // projects are": a difference or a condition, not a weakness
                continue;
            }
            double[] a = tones[c - 1];
            double[] b = tones[c];
            boolean aNone = a[0] == 0 && a[1] == 0;
            boolean bNone = b[0] == 0 && b[1] == 0;
            if (bNone && words(tokens, bFrom, bTo) >= 3 && oneSided(a)) {
                b[a[0] > 0 ? 1 : 0] = CONTRASTED;
            } else if (point && aNone && words(tokens, starts[c - 1], starts[c]) >= 2 && oneSided(b)) {
                a[b[0] > 0 ? 1 : 0] = CONTRASTED;
            }
        }
    }

    private static boolean oneSided(double[] pn) {
        return pn[0] >= CLEAR && pn[1] == 0 || pn[1] >= CLEAR && pn[0] == 0;
    }

    /** Both clauses judge the same products directly (the second usually borrows the first's). */
    private static boolean sameSubjects(List<int[]> a, List<int[]> b) {
        int direct = 0;
        for (int[] r : b) {
            if (r[1] != 0) {
                return false;
            }
            boolean found = false;
            for (int[] q : a) {
                found |= q[0] == r[0] && q[1] == 0;
            }
            if (!found) {
                return false;
            }
            direct++;
        }
        return direct > 0 && direct == a.size();
    }

    /** Words (not names, not punctuation) among tokens[from, to). */
    private static int words(Tokens tokens, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!tokens.inName[i] && !isPunctuation(tokens.lex[i])) {
                n++;
            }
        }
        return n;
    }

    /** "Compared with Proton VPN, Mullvad is...", "Unlike X, ...": the comma does not end the comparison. */
    private static boolean frontedComparison(Lexicon.Lex first) {
        return first != null && (first.role == Lexicon.COMPARED || first.role == Lexicon.UNLIKE
                || first.role == Lexicon.RELATIVE);
    }

    /** The clause opens with a capitalised word that is no sentence start and no known word: another product. */
    private static boolean untrackedSubject(Tokens tokens, int sentenceStart, int from, int to) {
        int i = from;
        while (i < to && (isPunctuation(tokens.lex[i]) || tokens.lex[i] != null && (tokens.lex[i].contrast
                || tokens.lex[i].newClause))) {
            i++;
        }
        if (i >= to || tokens.lex[i] != null || tokens.inName[i]) {
            return false;
        }
        return Character.isUpperCase(tokens.text.charAt(tokens.start[i])) && i > sentenceStart;
    }

    /** The point starts with "none", "hardly any", "few" (maybe after "Honestly,"): there is nothing to list. */
    private static boolean noneListed(Tokens tokens, int from, int to) {
        int i = from;
        while (i < to && (tokens.inName[i] || isPunctuation(tokens.lex[i]))) {
            i++;
        }
        if (i + 2 < to && !tokens.inName[i] && tokens.text.startsWith("ly", wordEnd(tokens, i) - 2)
                && isPunctuation(tokens.lex[i + 1])) {
            i += 2; // "Honestly, few."
        }
        Lexicon.Lex w = i < to ? tokens.lex[i] : null;
        if (w == null || !(w.negator || w.diminisher)) {
            return false;
        }
        if (i + 1 >= to) {
            return true;
        }
        Lexicon.Lex next = tokens.lex[i + 1];
        return next != null && (isPunctuation(next) || next.word.equals("any") || next.word.equals("major")
                || next.word.equals("real"));
    }

    /** A word (not a name, not punctuation) among tokens[from, to). */
    private static boolean hasWord(Tokens tokens, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!tokens.inName[i] && !isPunctuation(tokens.lex[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * The token of a clause that waves the weakness before it away ("few runners will mind", "won't matter", "not
     * a dealbreaker"), or -1.
     */
    private static int dismissal(Tokens tokens, int from, int to) {
        Lexicon.Lex[] lex = tokens.lex;
        for (int i = from; i < to; i++) {
            if (lex[i] != null && lex[i].dismissed) {
                for (int k = i - 1; k >= from && k >= i - 3 && !isPunctuation(lex[k]); k--) {
                    if (lex[k] != null && lex[k].dismisser) {
                        return i;
                    }
                }
            }
            if (lex[i] != null && lex[i].justifies && i + 1 < to && (lex[i].weight == null || lex[i + 1] != null
                    && lex[i + 1].justified)) {
                // "isn't cheap, but the time saved justifies the cost", "pricey, but worth it"
                for (int k = i - 1; k >= from && k >= i - 8; k--) {
                    if (lex[k] != null && lex[k].contrast) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /**
     * The names closest before a relative clause at token `at`: the last name and those listed with it ("trails
     * De'Longhi and Philips, which are more dependable"); source when the sentence names none before it.
     */
    private static List<int[]> nearestGroup(Tokens tokens, List<MentionMatcher.Mention> here, int at,
                                            List<int[]> source) {
        int last = -1;
        for (int k = 0; k < here.size(); k++) {
            if (tokens.atOrAfter(here.get(k).start) < at) {
                last = k;
            }
        }
        if (last < 0) {
            return source;
        }
        List<int[]> group = new ArrayList<>(2);
        for (int k = last; k >= 0; k--) {
            borrowRecipient(group, here.get(k).entity);
            if (k > 0 && !listedTogether(tokens, here.get(k - 1), here.get(k))) {
                break;
            }
        }
        return group.isEmpty() ? source : group;
    }

    /** "which makes it the better pick": "it" is the sentence's subject, not the name before "which". */
    private static boolean mentionsIt(Tokens tokens, int from, int to) {
        for (int i = from; i < to; i++) {
            int s = tokens.start[i];
            if (!tokens.inName[i] && tokens.text.regionMatches(true, s, "it", 0, 2)
                    && (s + 2 == tokens.text.length() || !Character.isLetter(tokens.text.charAt(s + 2)))) {
                return true;
            }
        }
        return false;
    }

    /** Only commas, "and", "or" between two names. */
    private static boolean listedTogether(Tokens tokens, MentionMatcher.Mention a, MentionMatcher.Mention b) {
        for (int i = tokens.atOrAfter(a.end); i < tokens.count && tokens.start[i] < b.start; i++) {
            Lexicon.Lex w = tokens.lex[i];
            if (!(tokens.inName[i] || w == COMMA || role(w) == Lexicon.AND || role(w) == Lexicon.OR)) {
                return false;
            }
        }
        return true;
    }

    /** A name at i, or after "the", "a" or "its" at i: ", the Ghost has the most durable outsole". */
    private static boolean startsNameAfterArticle(Tokens tokens, int i, int to) {
        if (tokens.startsName[i]) {
            return true;
        }
        Lexicon.Lex w = tokens.lex[i];
        return w != null && (w.word.equals("the") || w.word.equals("a") || w.word.equals("its")) && i + 1 < to
                && tokens.startsName[i + 1];
    }

    /** Marks the sentence's tokens that lie inside one of its names, which carry no tone of their own. */
    private static void markNames(Tokens tokens, int from, int to, List<MentionMatcher.Mention> names) {
        boolean[] inName = tokens.inName;
        Arrays.fill(inName, from, to, false);
        Arrays.fill(tokens.startsName, from, to, false);
        for (MentionMatcher.Mention m : names) {
            int i = tokens.atOrAfter(m.start);
            if (i < to && tokens.start[i] == m.start) {
                tokens.startsName[i] = true;
            }
            for (; i < to && tokens.start[i] < m.end; i++) {
                inName[i] = true;
            }
        }
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int k = 0; k < count; k++) {
            if (values[k] == value) {
                return true;
            }
        }
        return false;
    }

    /** "stick with Google Drive, OneDrive or Box": the comma at i sits in a list of names. */
    private static boolean enumeration(Tokens tokens, int i, int to, List<MentionMatcher.Mention> here) {
        if (!tokens.inName[i - 1]) {
            return false;
        }
        for (MentionMatcher.Mention m : here) {
            if (m.start == tokens.start[i + 1]) {
                int after = tokens.atOrAfter(m.end);
                return after < to && (tokens.lex[after] == COMMA || tokens.lex[after] == PAREN
                        || role(tokens.lex[after]) == Lexicon.AND
                        || role(tokens.lex[after]) == Lexicon.OR);
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

    private static void addRecipient(List<int[]> list, int entity, int inverted, int limit) {
        for (int[] r : list) {
            if (r[0] == entity) {
                if (inverted == 0) {
                    r[1] = 0;
                    r[2] = -1;
                }
                return;
            }
        }
        list.add(new int[]{entity, inverted, limit});
    }

    private static void borrowRecipient(List<int[]> list, int entity) {
        for (int[] r : list) {
            if (r[0] == entity) {
                return;
            }
        }
        list.add(new int[]{entity, 0, -1});
    }

    /**
     * "coming from X", "switching from X": X is where the reader comes from, not what the clause judges; nor is the
     * owner in "owned by X".
     */
    private static boolean origin(Tokens tokens, int clauseStart, int wi) {
        Lexicon.Lex[] lex = tokens.lex;
        int k = wi - 1;
        // over the names listed before this one: "coming from Asana or Trello"
        while (k >= clauseStart && (tokens.inName[k] || lex[k] == COMMA || role(lex[k]) == Lexicon.AND
                || role(lex[k]) == Lexicon.OR)) {
            k--;
        }
        if (k > clauseStart && lex[k] != null && lex[k].word.equals("by") && lex[k - 1] != null
                && lex[k - 1].ownerVerb) {
            return true; // "a legitimate company, majority-owned by Expedia Group": the owner is not judged
        }
        if (k <= clauseStart || role(lex[k]) != Lexicon.FROM) {
            return false;
        }
        int v = k - 1;
        if (v > clauseStart && lex[v] != null && (lex[v].word.equals("away") || lex[v].word.equals("off"))) {
            v--; // "move away from Bluehost"
        }
        return lex[v] != null && lex[v].originVerb;
    }

    private static boolean hasDirect(List<int[]> list) {
        for (int[] r : list) {
            if (r[1] == 0) {
                return true;
            }
        }
        return false;
    }

    private static int clauseOf(int[] starts, int clauses, int token) {
        int c = 0;
        for (int k = 0; k < clauses; k++) {
            if (starts[k] <= token) {
                c = k;
            }
        }
        return c;
    }

    private static boolean isPunctuation(Lexicon.Lex l) {
        return l == COMMA || l == SEMICOLON || l == PAREN;
    }

    private static byte role(Lexicon.Lex l) {
        return l == null ? Lexicon.NONE : l.role;
    }

    /** "than X", "over X", "unlike X", "compared to X": X gets the opposite tone of its clause. */
    private static final int NOT_INVERTED = -1, INVERTED = -2;

    /**
     * Whether the name at wi gets the opposite tone of its clause: the index of its "than" (what judges it comes
     * before), {@link #INVERTED} after "unlike", "over", "compared to/with", else {@link #NOT_INVERTED}.
     */
    private static int invertedAt(Tokens tokens, int sentenceStart, int clauseStart, int wi) {
        Lexicon.Lex[] lex = tokens.lex;
        for (int k = wi - 1; k >= clauseStart && k >= wi - 6; k--) {
            byte role = role(lex[k]);
            if (role == Lexicon.THAN || lex[k] != null && lex[k].thanAfterComparative
                    && comparativeBefore(lex, clauseStart, k)) {
                return k;
            }
            if (role == Lexicon.UNLIKE) {
                return INVERTED;
            }
            int after = k + 1 < wi && lex[k + 1] != null && lex[k + 1].word.equals("the") ? k + 2 : k + 1;
            if (role == Lexicon.OVER && (after == wi || namesOnly(tokens, after, wi))) {
                // "a step behind Sony and Bose", "trails the Sony WH-1000XM5": every name of the list is ahead
                return INVERTED;
            }
            if ((role == Lexicon.TO || role == Lexicon.WITH) && k > sentenceStart
                    && (role(lex[k - 1]) == Lexicon.COMPARED || role(lex[k - 1]) == Lexicon.RELATIVE)) {
                return INVERTED;
            }
            if (lex[k] == COMMA && !(k + 1 < wi && role(lex[k + 1]) == Lexicon.AND)) {
                // a comma ends "unlike X," but not "than X, Y and Z"
                return NOT_INVERTED;
            }
        }
        return NOT_INVERTED;
    }

    /** End of the word that starts token i. */
    private static int wordEnd(Tokens tokens, int i) {
        int e = tokens.start[i];
        while (e < tokens.text.length() && Character.isLetter(tokens.text.charAt(e))) {
            e++;
        }
        return Math.max(e, tokens.start[i] + 3);
    }

    /** "más limitado que", "besser als": a comparative marker a few words before. */
    private static boolean comparativeBefore(Lexicon.Lex[] lex, int from, int k) {
        for (int j = k - 1; j >= from && j >= k - 4 && !isPunctuation(lex[j]); j--) {
            if (lex[j] != null && lex[j].comparativeMarker) {
                return true;
            }
        }
        return false;
    }

    /** {positive, negative} weight of tokens[from, to), names excluded. */
    private static double[] polarity(Tokens tokens, int from, int to) {
        Lexicon.Lex[] lex = tokens.lex;
        double p = 0;
        double n = 0;
        int negateUntil = -1;
        int lessAt = -10;
        int tooAt = -1;
        int remedyUntil = -1;
        int smallAt = -1;
        int conditionUntil = -1;
        int adviceUntil = -1;
        int questionUntil = -1;
        double mult = 1;
        int multAt = -2;
        for (int i = from; i < to; i++) {
            Lexicon.Lex w = lex[i];
            if (isPunctuation(w)) {
                negateUntil = -1;
                continue;
            }
            if (tokens.inName[i] || w == null) {
                continue;
            }
            if (w.role == Lexicon.OVER && w.weight != null && tokens.start[i] > 0
                    && tokens.text.charAt(tokens.start[i] - 1) == '-') {
                continue; // "the old drag-behind cloths": part of a compound, nobody is behind
            }
            if (w.condition && !(i > from && lex[i - 1] != null && lex[i - 1].word.equals("even"))) {
                // "if you have unreliable internet": a fault of the reader's situation, not of a product, unless
                // the condition names one ("if Jira feels too heavy"); what the reader wants still counts
                int end = i + 1;
                boolean names = false;
                while (end < to && !isPunctuation(lex[end])) {
                    names |= tokens.inName[end];
                    end++;
                }
                conditionUntil = names ? -1 : end - 1;
                if (w.question) {
                    questionUntil = end - 1; // "whether switching is worth it": asked, not asserted
                }
                continue;
            }
            if (i == from && w.word.equals("for") && !(i + 2 < to && lex[i + 1] != null
                    && lex[i + 1].word.equals("the") && lex[i + 2] != null && lex[i + 2].priceNoun)) {
                // a clause that opens with a short "For ..." up to a comma names the reader's use, not a product
                // ("For competitive gaming, skip X"); "For the price, ..." still judges
                int end = nextPunctuation(lex, i, to);
                if (end < to && end - i <= 6 && !namedIn(tokens, i, end)) {
                    questionUntil = end;
                    continue;
                }
            }
            if (i <= questionUntil || i == smallAt) {
                continue;
            }
            if (w.word.equals("away") && i + 1 < to && role(lex[i + 1]) == Lexicon.FROM
                    && adviceBefore(lex, from, i)) {
                n += 1.0; // "I'd steer you away from MEGA", "stay away from"
                continue;
            }
            if (w.priceMove != 0 && priceAfter(lex, i + 1, to)) {
                if (w.priceMove > 0) {
                    n += 1.0; // "has raised its prices", "hiked fees"
                } else {
                    p += 1.0; // "cut prices", "lowered its fees"
                }
                continue;
            }
            if (w.advice && !objectNamed(tokens, i + 1, Math.min(to, i + 4))) {
                // "avoid opening the casing yourself", "to avoid phishing sites": advice about something else
                adviceUntil = nextPunctuation(lex, i, to);
                continue;
            }
            Double weight = null;
            int span = 1;
            if (i + 2 < to) {
                for (Lexicon.Phrase ph : w.phrases3) {
                    if (ph.rest()[0] == lex[i + 1] && ph.rest()[1] == lex[i + 2]) {
                        weight = ph.weight();
                        span = 3;
                        break;
                    }
                }
            }
            if (weight == null && i + 1 < to) {
                for (Lexicon.Phrase ph : w.phrases2) {
                    if (ph.rest()[0] == lex[i + 1]) {
                        weight = ph.weight();
                        span = 2;
                        break;
                    }
                }
            }
            if (weight == null) {
                boolean diminishes = w.diminisher && !(i > from && lex[i - 1] != null
                        && Lexicon.SOME.contains(lex[i - 1].word));
                if (diminishes || w.negator && !(i + 1 < to && role(lex[i + 1]) == Lexicon.ONLY)) {
                    // "no learning curve", "little overhead", "hardly any fees": a weakness made small is a strength
                    negateUntil = i + (diminishes ? 2 : 3);
                    if (w.weight != null && i > conditionUntil) {
                        n += -w.weight;
                    }
                    if (i + 1 < to && lex[i + 1] != null && lex[i + 1].featureVerb
                            && !(i + 2 < to && role(lex[i + 2]) == Lexicon.TO)
                            && !judgementAhead(lex, i + 2, Math.min(to, i + 5))) {
                        n += 0.8; // "does not offer end-to-end encryption", "don't have ANC": a missing feature
                    } else if (!diminishes && concededSuperlative(tokens, i + 1, to)) {
                        n += 0.8; // "not the flashiest", "isn't the most polished": conceded, still a weakness
                    } else if (!diminishes && choreAhead(lex, i + 1, Math.min(to, i + 4))) {
                        if (i > conditionUntil) {
                            p += 0.8; // "with no subscription", "no account needed": a chore spared
                        }
                    } else if (i > from && lex[i - 1] != null && lex[i - 1].haveVerb
                            && !judgementAhead(lex, i + 1, Math.min(to, i + 4))) {
                        n += 0.8; // "offers little reporting", "has no mobile app"
                    } else if (!diminishes && w.word.equals("no") && opensClause(tokens, from, i)
                            && i + 1 < to && !isPunctuation(lex[i + 1]) && !tokens.inName[i + 1]
                            && !judgementAhead(lex, i + 1, Math.min(to, i + 4))) {
                        n += 0.8; // "No official Linux client.", "Cons: no dedicated keto plan": a missing feature
                    } else if (!diminishes && i + 1 < to && lex[i + 1] != null && lex[i + 1].missingWhenNegated) {
                        n += 0.8; // "aren't available in the UK", "not supported on Linux"
                    }
                    continue;
                }
                if (w.diminisher && w.intensifier == null) {
                    continue; // "a few", "quite a few"
                }
                if (w.role == Lexicon.ONLY && i + 1 < to && lex[i + 1] != null && lex[i + 1].restricted
                        && !(i > from && lex[i - 1] != null && lex[i - 1].negator)) {
                    n += 0.6; // "only offers dedicated servers in Germany", "only available on paid plans"
                    continue;
                }
                if (w.role == Lexicon.ONLY && i + 1 < to && lex[i + 1] != null && lex[i + 1].faint) {
                    n += 0.8; // "mics are only adequate", "merely decent": faint praise
                    i++;
                    continue;
                }
                if (w.role == Lexicon.ONLY && i > from && i > conditionUntil && !tokens.inTable
                        && !(lex[i - 1] != null && (lex[i - 1].negator || lex[i - 1].role == Lexicon.ONLY))
                        && (i + 1 == to || isPunctuation(lex[i + 1]))
                        && Character.isWhitespace(tokens.text.charAt(tokens.start[i] - 1))) {
                    n += 0.6; // "email and ticket support only": a restriction (in a table, "EUR only" is a fact)
                    continue;
                }
                if (w.costVerb && i + 1 < to && lex[i + 1] != null && (lex[i + 1].negator || lex[i + 1].diminisher
                        || role(lex[i + 1]) == Lexicon.LESS || lex[i + 1].intensifier != null && i + 2 < to
                        && lex[i + 2] != null && (lex[i + 2].negator || role(lex[i + 2]) == Lexicon.LESS))) {
                    p += 1.0; // "costs less", "pay almost nothing"
                    i += lex[i + 1].intensifier != null ? 2 : 1;
                    continue;
                }
                if (w.word.equals("more") && i + 2 < to && (lex[i + 1] == null || lex[i + 1].weight == null
                        && !lex[i + 1].effort) && thanAhead(lex, i + 2, Math.min(to, i + 4))
                        && !qualityAfterThan(lex, i + 2, to)) {
                    p += COMPARED; // "returns more energy than", "more control than": more of a thing is better
                    continue;
                }
                if ((w.demand || w.costVerb) && burdenAhead(lex, i + 1, Math.min(to, i + 5), w.costVerb)) {
                    if (i > conditionUntil) {
                        n += w.costVerb ? 1.0 : 0.8; // "costs more", "needs a separate grinder"
                    }
                    continue;
                }
                if (w.role == Lexicon.LESS || w.role == Lexicon.FEWER) {
                    int judged = judgedAfterLess(tokens, i + 1, to);
                    if (judged >= 0) {
                        lessAt = judged - 1; // "fewer customer-service complaints", "less polished"
                    } else if (w.role == Lexicon.FEWER) {
                        n += 0.6; // "fewer integrations"
                    }
                    continue;
                }
                if (w.role == Lexicon.TOO) {
                    if (i + 1 < to && !isPunctuation(lex[i + 1]) && ALSO_BEFORE.contains(tokens.text
                            .substring(tokens.start[i + 1], wordEnd(tokens, i + 1)).toLowerCase(Locale.ROOT))) {
                        continue; // "it charges other brands too through its adapter": "too" as "also"
                    }
                    tooAt = i;
                    if (i + 1 < to && !isPunctuation(lex[i + 1])
                            && (lex[i + 1] == null || lex[i + 1].weight == null)) {
                        n += 0.6; // "too heavy", "too much": a fault whatever the word
                    }
                    continue;
                }
                if (w.remedy && negativeAhead(lex, i + 1, Math.min(to, i + REMEDY_REACH))) {
                    // "avoids a painful migration", "avoids this whole category of problem"
                    remedyUntil = i + REMEDY_REACH - 1;
                    continue;
                }
                if (w.intensifier != null) {
                    mult = (multAt == i - 1 ? mult : 1) * w.intensifier;
                    multAt = i;
                    continue;
                }
                if (w.plenty && i + 1 < to && lex[i + 1] != null && lex[i + 1].word.equals("of")) {
                    if (judgementAhead(lex, i + 2, Math.min(to, i + 5))) {
                        mult = 1.3; // "lots of hidden fees"
                        multAt = i + 2;
                    } else if (i > conditionUntil) {
                        p += 0.6; // "lots of 10-minute recipes", "plenty of choice"
                    }
                    i++;
                    continue;
                }
                weight = w.weight;
                if (w.size != 0 && amountNear(lex, from, to, i)) {
                    weight = (double) w.size; // "a huge dealer network", "a smaller menu"
                }
                if (weight == null) {
                    weight = priceLevel(lex, from, to, i);
                } else if (tokens.capitalisedInside(i, from)) {
                    continue; // "the Advanced plan", "Smart Sync", "Quick Answer": part of a name
                } else if (w.predicative && i + 1 < to && !isPunctuation(lex[i + 1])
                        && role(lex[i + 1]) != Lexicon.THAN && !comparisonWord(lex[i + 1])) {
                    continue; // "basic automation", "focused on enterprises": a description, not a verdict
                } else if (w.useCaseAdjective && i > from && lex[i - 1] != null && lex[i - 1].useCase
                        && !(i + 1 < to && (isPunctuation(lex[i + 1]) || role(lex[i + 1]) == Lexicon.THAN))) {
                    continue; // "for complex projects": the buyer's work
                }
            }
            if (weight == null || weight == 0) {
                i += span - 1;
                continue;
            }
            if (span == 1 && weight > 0 && w.recommendVerb && i + 1 < to
                    && (lex[i + 1] != null && lex[i + 1].word.equals("against")
                    || !tokens.inName[i + 1] && tokens.text.startsWith("ing", wordEnd(tokens, i + 1) - 3))) {
                continue; // "advocates recommend keeping all confirmation emails": advice on what to do
            }
            if (span == 1 && weight < 0 && i + 1 < to && lex[i + 1] != null && lex[i + 1].word.equals("free")
                    && tokens.text.charAt(tokens.start[i + 1] - 1) == '-') {
                p += 1.0; // "fee-free", "hassle-free", "ad-free"
                i++;
                continue;
            }
            if (span == 1 && i + 1 < to && lex[i + 1] != null && lex[i + 1].generic && !tokens.inName[i + 1]) {
                continue; // "a practical approach", "cheap insurance", "popular destinations": not the product
            }
            if (weight > 0 && i + span < to && lex[i + span] != null && lex[i + span].weight != null
                    && lex[i + span].weight < 0 && !lex[i + span].effort && !tokens.inName[i + span]
                    && i + span > negateUntil && !startsPhrase(lex, i + span, to)) {
                i += span - 1; // "well-documented problems", "a clear drawback": the praise sizes the fault
                continue;
            }
            if (w.nounToo && (i > from && lex[i - 1] != null && lex[i - 1].determiner || i + 1 >= to
                    || isPunctuation(lex[i + 1]) || lex[i + 1] != null && NOUN_FOLLOWERS.contains(lex[i + 1].word))) {
                // "within your plan's limit", "a set limit", "medical limits of up to $1 million", "Time limit:":
                // the noun, not the verb ("limits you to three users")
                continue;
            }
            if (w.effort && span == 1 && i > negateUntil && !burdenBefore(lex, from, i)) {
                continue; // "setup", "fees": a cost only when there is more of it
            }
            if (i <= adviceUntil && (weight > 0 || !objectNamedBefore(tokens, from, i))) {
                // "I'd avoid the cheapest Casper models": what is advised against is not praised; advice about
                // something else judges nothing
                continue;
            }
            double v = weight;
            if (multAt >= i - 2 && multAt >= from) {
                v *= mult;
            }
            if (tooAt >= i - 2 && tooAt >= from && v > 0) {
                v = -v;
            }
            if (i > from && role(lex[i - 1]) == Lexicon.THAN) {
                v = -v; // "more corporate than friendly"
            }
            if (v < 0 && !w.priceNoun && simile(lex, from, i)) {
                v = -v; // "feels like a much pricier shoe"
            }
            if (Math.abs(v) < COMPARED && thanAhead(lex, i + 1, Math.min(to, i + 4))) {
                v = Math.signum(v) * COMPARED; // "a smaller boot opening than a hatchback": a clear comparison
            }
            if (w.pricey && i > from && lex[i - 1] != null && (lex[i - 1].word.equals("its")
                    || lex[i - 1].word.equals("their"))) {
                continue; // "the same trial as its pricier models": the maker's own range
            }
            int small;
            if (v < 0 && lowBefore(tokens, from, i)) {
                v = -v; // "low added latency", "lower maintenance": a small weakness is a strength
            } else if (v < 0 && (small = madeSmallAfter(lex, i + span, to)) >= 0) {
                v = -v; // "the risk of it disappearing is low", "downtime is minimal"
                smallAt = small;
            } else if (lessAt == i - 1 && lessAt >= from) {
                v = -v;
            } else if (i <= negateUntil) {
                v = -0.8 * v;
            } else if (i <= remedyUntil && v < 0) {
                v = -v;
            }
            if (v > 0) {
                p += v;
            } else if (i > conditionUntil) {
                n += -v;
                if (w.advice) {
                    adviceUntil = nextPunctuation(lex, i, to);
                }
            }
            i += span - 1;
        }
        return new double[]{p, n};
    }

    /** Words after which "too" means "also": a preposition, conjunction or article follows it, no adjective. */
    private static final Set<String> ALSO_BEFORE = Set.of("through", "with", "for", "in", "on", "at", "and", "or",
            "if", "when", "so", "the", "a", "an", "as", "since", "because", "but", "from", "by", "via", "which",
            "that", "while", "though", "without", "thanks");

    /** How far "avoids", "prevents" reach for the weakness they spare: "avoids this whole category of problem". */
    private static final int REMEDY_REACH = 6;
    private static final Set<String> COPULAS = Set.of("is", "are", "was", "were", "remains", "remain", "stays", "stay",
            "seems", "feels", "tends", "be");
    private static final Set<String> SMALL_LEVELS = Set.of("low", "minimal", "negligible", "small", "tiny", "slight",
            "rare", "minor", "modest", "manageable", "insignificant");

    /**
     * A weakness said to be small in the same clause ("the risk of it disappearing is low", "downtime is minimal",
     * "the learning curve is small"): the index of the word that makes it small, within five words and behind a
     * copula (and maybe a degree word, "very", "fairly"), else -1.
     */
    private static int madeSmallAfter(Lexicon.Lex[] lex, int from, int to) {
        for (int k = from; k < to && k < from + 5; k++) {
            if (isPunctuation(lex[k])) {
                return -1;
            }
            if (lex[k] != null && COPULAS.contains(lex[k].word)) {
                int a = k + 1;
                if (a < to && lex[a] != null && lex[a].intensifier != null) {
                    a++;
                }
                if (a < to && lex[a] != null && SMALL_LEVELS.contains(lex[a].word)
                        && (a + 1 == to || isPunctuation(lex[a + 1]) || lex[a + 1] != null
                        && (lex[a + 1].word.equals("for") || lex[a + 1].word.equals("in")))) {
                    return a;
                }
                return -1;
            }
        }
        return -1;
    }

    /** The judging word a "less" or "fewer" at from - 1 applies to, within three words: "fewer support tickets". */
    private static int judgedAfterLess(Tokens tokens, int from, int to) {
        Lexicon.Lex[] lex = tokens.lex;
        for (int k = from; k < to && k < from + 3; k++) {
            if (isPunctuation(lex[k]) || tokens.inName[k] || role(lex[k]) == Lexicon.THAN) {
                return -1;
            }
            if (lex[k] != null && (lex[k].weight != null || lex[k].priceLevel != 0)) {
                return k;
            }
        }
        return -1;
    }

    /** A size word at i sizes a selection ("a huge dealer network", "the menu is smaller") before punctuation. */
    private static boolean amountNear(Lexicon.Lex[] lex, int from, int to, int i) {
        for (int k = i + 1; k < to && k <= i + 2 && !isPunctuation(lex[k]); k++) {
            if (lex[k] != null && lex[k].amount) {
                return true;
            }
        }
        for (int k = i - 1; k >= from && k >= i - 3 && !isPunctuation(lex[k]); k--) {
            if (lex[k] != null && lex[k].amount) {
                return true;
            }
        }
        return false;
    }

    /** "steer you away", "stay away", "keep away": advice against what follows "from". */
    private static boolean adviceBefore(Lexicon.Lex[] lex, int from, int i) {
        for (int k = i - 1; k >= from && k >= i - 3 && !isPunctuation(lex[k]); k--) {
            if (lex[k] != null && lex[k].awayVerb) {
                return true;
            }
        }
        return false;
    }

    /** "more corporate than friendly": two qualities compared, not a product against another. */
    private static boolean qualityAfterThan(Lexicon.Lex[] lex, int from, int to) {
        for (int k = from; k < to && k < from + 2; k++) {
            if (role(lex[k]) == Lexicon.THAN) {
                return k + 1 < to && lex[k + 1] != null && lex[k + 1].weight != null;
            }
        }
        return false;
    }

    /** Weight at least of a comparative before "than". */
    private static final double COMPARED = 0.8;

    private static boolean thanAhead(Lexicon.Lex[] lex, int from, int to) {
        for (int k = from; k < to && !isPunctuation(lex[k]); k++) {
            if (role(lex[k]) == Lexicon.THAN) {
                return true;
            }
        }
        return false;
    }

    /** "like a (much) pricier ...", "like an expensive ...": the product resembles a dearer one. */
    private static boolean simile(Lexicon.Lex[] lex, int from, int i) {
        int k = i - 1;
        if (k >= from && lex[k] != null && lex[k].intensifier != null) {
            k--;
        }
        return k - 1 >= from && lex[k] != null && (lex[k].word.equals("a") || lex[k].word.equals("an"))
                && lex[k - 1] != null && lex[k - 1].word.equals("like") && lex[i].pricey;
    }

    /** Words that stand for the product being judged: "avoid it", "skip them". */
    private static final Set<String> PRONOUNS = Set.of("it", "them", "this", "these", "that", "those", "its");

    /** A name, or a pronoun for one, among tokens[from, to): the object of "avoid", "skip". */
    private static boolean objectNamed(Tokens tokens, int from, int to) {
        for (int i = from; i < to && !isPunctuation(tokens.lex[i]); i++) {
            if (tokens.inName[i] || tokens.lex[i] != null && PRONOUNS.contains(tokens.lex[i].word)) {
                return true;
            }
        }
        return false;
    }

    /** The advice word before i (within the advice span) had a named object. */
    private static boolean objectNamedBefore(Tokens tokens, int from, int i) {
        for (int k = i - 1; k >= from && !isPunctuation(tokens.lex[k]); k--) {
            if (tokens.lex[k] != null && tokens.lex[k].advice) {
                return objectNamed(tokens, k + 1, Math.min(i, k + 4));
            }
        }
        return true;
    }

    private static int nextPunctuation(Lexicon.Lex[] lex, int i, int to) {
        while (i < to && !isPunctuation(lex[i])) {
            i++;
        }
        return i;
    }

    /** "the flashiest", "the most polished" right after a negator, whatever the adjective. */
    private static boolean concededSuperlative(Tokens tokens, int i, int to) {
        Lexicon.Lex[] lex = tokens.lex;
        if (i + 1 >= to || lex[i] == null || !lex[i].word.equals("the") || isPunctuation(lex[i + 1])) {
            return false;
        }
        if (lex[i + 1] != null && lex[i + 1].word.equals("most")) {
            return true;
        }
        int s = tokens.start[i + 1];
        int e = s;
        while (e < tokens.text.length() && Character.isLetter(tokens.text.charAt(e))) {
            e++;
        }
        return e - s > 4 && tokens.text.startsWith("est", e - 3);
    }

    /**
     * A chore right after a negator ("no subscription", "without an account", "no installation required"), the
     * last word of its phrase: "no account manager" names a missing feature instead.
     */
    private static boolean choreAhead(Lexicon.Lex[] lex, int from, int to) {
        for (int k = from; k < to && !isPunctuation(lex[k]); k++) {
            if (lex[k] != null && lex[k].chore) {
                int next = k + 1;
                if (next >= to) {
                    return true;
                }
                return lex[next] != null && (isPunctuation(lex[next]) || lex[next].chore
                        || CHORE_ENDS.contains(lex[next].word));
            }
            if (lex[k] != null && lex[k].weight != null) {
                return false;
            }
        }
        return false;
    }

    /** Words after which "limit" or "cap" is a noun. */
    private static final Set<String> NOUN_FOLLOWERS = Set.of("of", "on", "for", "vary", "varies", "are", "is",
            "apply", "applies", "per", "and", "or", "at", "in");

    private static final Set<String> CHORE_ENDS = Set.of("needed", "required", "necessary", "and", "or", "at",
            "to", "for", "involved", "whatsoever");

    /** A word that carries tone (or an effort noun) among lex[from, to), before any punctuation. */
    private static boolean judgementAhead(Lexicon.Lex[] lex, int from, int to) {
        for (int k = from; k < to && !isPunctuation(lex[k]); k++) {
            if (lex[k] != null && (lex[k].weight != null || lex[k].priceLevel != 0)) {
                return true;
            }
            if (lex[k] != null && k + 1 < to) {
                for (Lexicon.Phrase ph : lex[k].phrases2) {
                    if (ph.rest()[0] == lex[k + 1] && ph.weight() != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** "needs a separate grinder", "requires the paid plan", "costs more", "charge much more". */
    private static boolean burdenAhead(Lexicon.Lex[] lex, int from, int to, boolean cost) {
        for (int k = from; k < to && !isPunctuation(lex[k]); k++) {
            if (lex[k] == null) {
                continue;
            }
            if (cost ? lex[k].word.equals("more") || lex[k].word.equals("extra") || lex[k].effort : lex[k].burden) {
                return true;
            }
            if (lex[k].negator || role(lex[k]) == Lexicon.LESS) {
                return false;
            }
        }
        return false;
    }

    /** "more admin", "requires constant tuning": an effort noun after a burden word. */
    private static boolean burdenBefore(Lexicon.Lex[] lex, int from, int i) {
        for (int k = i - 1; k >= from && k >= i - 3 && !isPunctuation(lex[k]); k--) {
            if (lex[k] != null && lex[k].burden) {
                return true;
            }
        }
        return false;
    }

    private static boolean negativeAhead(Lexicon.Lex[] lex, int from, int to) {
        for (int k = from; k < to; k++) {
            if (isPunctuation(lex[k])) {
                return false;
            }
            if (lex[k] != null && lex[k].weight != null && lex[k].weight < 0) {
                return true;
            }
        }
        return false;
    }

    /** "pricing is high" is negative, "low cost" positive: a level word next to a price word. */
    private static Double priceLevel(Lexicon.Lex[] lex, int from, int to, int i) {
        int sign = lex[i].priceLevel;
        if (sign == 0) {
            return null;
        }
        for (int k = Math.max(from, i - 3); k <= Math.min(to - 1, i + 1); k++) {
            if (lex[k] != null && lex[k].priceNoun) {
                return (double) sign;
            }
        }
        for (int k = Math.max(from, i - 7); k <= Math.min(to - 1, i + 1); k++) {
            if (lex[k] != null && lex[k].benefitNoun) {
                return (double) -sign; // "a lower rate", "its rate on the free plan is lower"
            }
        }
        return null;
    }
}
