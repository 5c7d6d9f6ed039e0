package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sightline.values.TrackedEntity;

/**
 * Finds the mentions of a fixed set of entities. Names and aliases are compiled once into sequences of
 * lowercase word atoms; a {@link NameIndex} finds where they occur in one pass over the answer, whatever the names,
 * and each occurrence takes the first alias spelt as the text is. Candidates are then checked for the common-word
 * rule and for refusals.
 *
 * <p>Common-word rule: an alias made only of words from the built-in English word list (and without a dot, so
 * "monday.com" is distinctive) is ambiguous. Such a candidate counts only with a signal that the company is
 * meant: a capital letter mid-sentence; being the lead of a list item, heading, bold line or a table cell, or its
 * maker before a model name ("## Trek Allant+ 7", "**Gazelle Ultimate C380+:**");
 * product context next to it ("Close CRM", "Copper's pipeline view"); at a sentence start, a following
 * company-like verb or a modal ("Copper integrates ...", "Box can get expensive"; no modal after a pronoun-like
 * name: "You can") or a possessive; being the text of a link to the entity's own
 * domain; or standing in an enumeration with another accepted mention ("Close, Copper and Attio"). For words
 * English capitalises anyway (weekdays, months) the capital is no signal: such a name counts as the object of a
 * recommending verb ("I recommend Monday", "Avoid Monday:", "go with Monday") or followed by a verb a product takes
 * ("Monday offers"), never where it reads as a date ("on Monday", "every Monday", "Monday morning", "Monday is a
 * holiday"). When the answer uses the name as a lowercase word too ("block-level sync"), a capital followed by a verb
 * is no signal either, unless another mention of the entity has a stronger one.
 *
 * <p>Names are literal text, never patterns, and match whole: every character of "C++ (Pro)", "AT&T", "Yahoo!",
 * "E*TRADE", "Toys"R"Us" or ".NET" must be there, in the evidence too, with curly and straight quotes alike and free
 * spaces only around punctuation between words ("AT & T"); "Yahoo" does not match "Yahoo!" (add it as an alias).
 * The name's own punctuation may be followed by the sentence's ("Yahoo!.", "C++,") or a possessive ("AT&T's"), and
 * ends no sentence ("Yahoo! Mail is ..."). A name is a whole word whatever it starts or ends with: no letter or
 * digit may touch it (".NET" is not in "ASP.NET", "C++" not in "C++11"), nor a '+' or '#' after it ("C" is not in
 * "C#", "C++" not in "C+++"). Punctuation other than '.', '-', apostrophes and sentence marks makes a name of common
 * words distinctive, so it needs no signal, only its capital when it has one (".NET", not "a .net domain").
 *
 * <p>A one-letter name ("X") is a variable, an axis or a mark far more often than a company. It matches only in
 * the case the name is written in, standing alone (not "x-axis", "3 X 4", "X.509", "Option X", "Mac OS X", nor as a
 * mark in a table body cell), and counts with a signal: the lead of an item or table row, an owned link, product
 * context or a possessive ("X Premium", "X's algorithm"), a parenthesis ("X (formerly Twitter)"), a verb after it
 * at the start of a sentence ("X offers ..."), an enumeration with an accepted mention, or another accepted mention
 * of the entity in the answer ("Twitter, now X"). A preposition is no signal: "post on X" reads as "focus on X".
 */
final class MentionMatcher {

    static final byte SEP_SPACE = 0, SEP_DOT = 1, SEP_HYPHEN = 2, SEP_LITERAL = 3;

    /** One compiled name or alias. */
    static final class Alias {
        final int entity;
        final String[] atoms;
        final byte[] sepKind;
        final String[] sepLiteral;
        /** The punctuation before the first atom and after the last one, as written: "." of ".NET", "++" of "C++". */
        final String prefix;
        final String suffix;
        final boolean common;
        final boolean alwaysCapitalised;
        /** Only its common words make it ambiguous, punctuation makes it distinctive: written with its capital. */
        final boolean needsCapital;
        /** A one-letter name ("X", "R"), written exactly as the name writes it; 0 for any other name. */
        final char letter;
        /** How many characters the name has besides its atoms' letters: the more specific name is tried first. */
        final int literalLength;

        Alias(int entity, String[] atoms, byte[] sepKind, String[] sepLiteral, String prefix, String suffix,
              boolean common, boolean alwaysCap, boolean needsCapital, char letter) {
            this.entity = entity;
            this.atoms = atoms;
            this.sepKind = sepKind;
            this.sepLiteral = sepLiteral;
            this.prefix = prefix;
            this.suffix = suffix;
            this.common = common;
            this.alwaysCapitalised = alwaysCap;
            this.needsCapital = needsCapital;
            this.letter = letter;
            int n = prefix.length() + suffix.length();
            for (String sep : sepLiteral) {
                n += sep == null ? 1 : sep.length();
            }
            this.literalLength = n;
        }
    }

    /** A mention found in the text. */
    static final class Mention {
        final int entity;
        final int start;
        final int end;
        final Alias alias;
        final int firstAtom;
        final int lastAtom;
        boolean accepted;
        boolean capitalised;
        /** Accepted only because a verb follows the capitalised name at the start of a sentence. */
        boolean weak;

        Mention(int entity, int start, int end, Alias alias, int firstAtom, int lastAtom) {
            this.entity = entity;
            this.start = start;
            this.end = end;
            this.alias = alias;
            this.firstAtom = firstAtom;
            this.lastAtom = lastAtom;
        }
    }

    /** Words right after an ambiguous name that show a product is meant, whatever the case ("close crm"). */
    private static final Set<String> STRONG_CONTEXT = Set.of("crm", "app", "apps", "software", "platform", "api",
            "saas", "suite");

    /** Words right after a capitalised ambiguous name that show a product is meant ("Box Business"). */
    private static final Set<String> PRODUCT_CONTEXT = Set.of("crm", "app", "apps", "software", "platform", "api",
            "saas", "suite", "pricing", "plan", "plans", "integration", "integrations", "users", "user",
            "customers", "dashboard", "pipeline", "pipelines", "automation", "automations", "interface", "workspace",
            "workspaces", "template", "templates", "account", "accounts", "business", "enterprise", "starter", "pro",
            "plus", "premium", "essentials", "professional", "basic", "ai", "mobile", "desktop", "sync", "drive",
            "storage", "notes", "docs", "database", "databases", "board", "boards", "calendar", "mail", "sign",
            "shuttle", "team", "teams", "free", "tier", "subscription", "marketplace", "extension", "website",
            "integrates", "connects", "features", "reviews", "support", "sales", "search", "browser", "relay",
            "wiki", "projects", "forms", "views", "reports", "reporting");
    /** Plans and tiers, capitalised right after the name: "Apple Music Family", "Travel Guard Deluxe", "Tidal Max". */
    private static final Set<String> PLAN_NAMES = Set.of("family", "duo", "individual", "student", "deluxe",
            "standard", "lite", "unlimited", "max", "ultra");

    /** Verbs and auxiliaries that make a capitalised sentence-initial word the subject ("Copper integrates"). */
    private static final Set<String> PREDICATES = Set.of("is", "isn", "was", "wasn", "has", "hasn", "does", "doesn",
            "offers", "provides", "integrates", "supports", "includes", "lets", "allows", "gives", "focuses",
            "excels", "shines", "stands", "works", "costs", "starts", "remains", "targets", "combines", "feels",
            "tends", "comes", "keeps", "makes", "helps", "delivers", "stores", "syncs", "charges", "bundles", "fits",
            "suits", "leans", "wins", "beats", "lacks", "struggles", "requires", "needs", "uses", "runs",
            "positions", "markets", "sells", "specializes", "specialises", "emphasizes", "emphasises", "caters",
            "appeals", "pairs", "handles", "plays", "tracks", "connects", "automates", "pioneered", "launched",
            "added", "introduced", "released", "recently", "outperforms", "edges", "trails", "lags", "ranks",
            "scores", "offered", "provided", "became", "shares", "centers", "centres", "bills", "prices");

    private static final Set<String> MODALS = Set.of("can", "could", "may", "might", "will", "would", "should",
            "must");
    /** A modal verb after these shows nothing: "You can try..." is the reader, not You.com. */
    private static final Set<String> PRONOUNS = Set.of("i", "you", "we", "they", "it", "he", "she", "this", "that",
            "these", "those", "one", "all", "each", "both", "some", "any", "everyone", "anyone");

    private static final Set<String> ADVERBS = Set.of("also", "still", "now", "really", "recently", "even",
            "actually", "generally", "typically", "clearly", "arguably", "definitely", "certainly", "only",
            "usually", "mostly", "largely", "primarily", "mainly", "already");

    private static final Pattern ENUMERATION_GAP = Pattern.compile(
            "(?:,|/|&|\\+|and|or|,\\s*and|,\\s*or|and/or|vs\\.?|versus|v\\.?|,\\s*plus|plus|nor|,\\s*nor)");

    private static final Pattern REFUSAL = Pattern.compile(
            "\\b(?:i|we)\\s*(?:do not|don't|dont|doesn't)\\s+have\\s+(?:(?:any|much|specific|reliable|detailed|enough|"
                    + "current|up-to-date|verified|concrete|solid|real|trustworthy)\\s+){0,3}"
                    + "(?:information|info|details|data|knowledge|insight)\\s+(?:about|on|regarding|for|of)\\b"
                    + "|\\bi\\s*(?:am|'m)\\s+(?:not|un)\\s*(?:familiar|aware)\\b"
                    + "|\\b(?:i|we)\\s*(?:could not|couldn't|can't|cannot|can not|was unable to|were unable to|"
                    + "am unable to|'m unable to|wasn't able to|am not able to|'m not able to)\\s+"
                    + "(?:find|locate|verify|confirm)\\s+(?:any\\s+|much\\s+|reliable\\s+|specific\\s+)*"
                    + "(?:information|info|anything|details|data|record|records|mention|evidence|reference)\\b"
                    + "|\\b(?:i|we)\\s+have\\s+no\\s+(?:(?:reliable|specific|detailed|current|verified)\\s+)?"
                    + "(?:information|info|details|data|knowledge|record|records)\\b"
                    + "|\\bno\\s+(?:reliable\\s+|specific\\s+|verifiable\\s+)?information\\s+(?:is\\s+)?"
                    + "(?:available\\s+)?(?:about|on|regarding)\\b"
                    + "|\\bi\\s*(?:do not|don't|dont)\\s+know\\s+(?:much\\s+|anything\\s+)?(?:about|of)\\b"
                    + "|\\bi\\s*(?:do not|don't)\\s+recogni[sz]e\\b"
                    + "|\\b(?:isn't|is not|wasn't|was not)\\s+(?:in|part of|covered by)\\s+my\\s+(?:training|knowledge)"
                    + "|\\bmy\\s+(?:training\\s+data|knowledge(?:\\s+base)?)\\s+(?:doesn't|does not)\\s+"
                    + "(?:include|cover|contain|mention)\\b"
                    + "|\\bi\\s*(?:can't|cannot|can not|am unable to|'m unable to|won't|am not able to|'m not able to)"
                    + "\\s+(?:help|assist)\\s+with\\b"
                    + "|\\bnot\\s+(?:a\\s+)?(?:company|product|tool|brand|service|name)s?\\s+(?:that\\s+)?i\\s*(?:am|'m)"
                    + "\\s+(?:familiar|aware)");

    private static final Pattern CONTRAST = Pattern.compile("\\b(?:but|however|although|though|whereas|while)\\b|;");

    private final NameIndex index;
    private final List<List<String>> entityDomains;

    MentionMatcher(List<TrackedEntity> entities) {
        List<Alias> aliases = new ArrayList<>();
        List<List<String>> domains = new ArrayList<>();
        for (int e = 0; e < entities.size(); e++) {
            TrackedEntity entity = entities.get(e);
            Set<String> seen = new HashSet<>();
            List<String> names = new ArrayList<>();
            names.add(entity.name());
            names.addAll(entity.aliases());
            for (String name : names) {
                if (name == null || name.isBlank() || !seen.add(name.strip().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                Alias alias = compile(e, name.strip());
                if (alias != null) {
                    aliases.add(alias);
                }
            }
            List<String> owned = new ArrayList<>();
            for (String d : entity.domains()) {
                String n = Domains.normaliseDomain(d);
                if (!n.isEmpty()) {
                    owned.add(n);
                }
            }
            domains.add(List.copyOf(owned));
        }
        this.index = new NameIndex(aliases);
        this.entityDomains = List.copyOf(domains);
    }

    private static Alias compile(int entity, String name) {
        List<String> atoms = new ArrayList<>();
        List<String> seps = new ArrayList<>();
        int i = 0;
        int n = name.length();
        int firstStart = -1;
        int lastEnd = -1;
        while (i < n) {
            if (!Character.isLetterOrDigit(name.charAt(i))) {
                i++;
                continue;
            }
            int s = i;
            while (i < n && Character.isLetterOrDigit(name.charAt(i))) {
                i++;
            }
            if (lastEnd >= 0) {
                seps.add(name.substring(lastEnd, s));
            } else {
                firstStart = s;
            }
            atoms.add(name.substring(s, i).toLowerCase(Locale.ROOT));
            lastEnd = i;
        }
        if (atoms.isEmpty()) {
            return null; // "+++" has no word to find it by
        }
        String prefix = name.substring(0, firstStart);
        String suffix = name.substring(lastEnd);
        boolean distinctive = !prefix.isEmpty() || hasDistinctivePunctuation(suffix);
        byte[] kinds = new byte[seps.size()];
        String[] literals = new String[seps.size()];
        boolean dotted = false;
        for (int k = 0; k < seps.size(); k++) {
            String sep = seps.get(k);
            if (sep.isBlank()) {
                kinds[k] = SEP_SPACE;
            } else if (sep.equals(".")) {
                kinds[k] = SEP_DOT;
                dotted = true;
            } else if (sep.equals("-")) {
                kinds[k] = SEP_HYPHEN;
            } else {
                kinds[k] = SEP_LITERAL;
                literals[k] = sep.strip();
                distinctive |= hasDistinctivePunctuation(sep);
            }
        }
        boolean commonWords = true;
        boolean alwaysCap = false;
        for (String a : atoms) {
            boolean capWord = WordLists.ALWAYS_CAPITALISED.contains(a);
            alwaysCap |= capWord;
            if (!(WordLists.isCommon(a) || capWord)) {
                commonWords = false;
            }
        }
        char letter = atoms.size() == 1 && lastEnd - firstStart == 1 && !distinctive ? name.charAt(firstStart) : 0;
        if (letter != 0) {
            // "X": a letter is a variable, an axis, a mark in a table or part of another name far more often
            return new Alias(entity, atoms.toArray(new String[0]), kinds, literals, prefix, suffix, true, true, false,
                    letter);
        }
        // three words or more ("monday work management") are a name, not a phrase English uses
        boolean common = !dotted && !distinctive && atoms.size() < 3 && commonWords;
        boolean needsCapital = distinctive && commonWords && Character.isUpperCase(name.charAt(firstStart));
        return new Alias(entity, atoms.toArray(new String[0]), kinds, literals, prefix, suffix, common,
                common && alwaysCap, needsCapital, (char) 0);
    }

    /**
     * Punctuation English does not put between or after its words: "++", "&", "*", "#", quotes, brackets. Sentence
     * punctuation, apostrophes and hyphens do not make a name distinctive ("Go!" is still the word "go").
     */
    private static boolean hasDistinctivePunctuation(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!Character.isWhitespace(c) && c != '\u00a0' && ".!?,;:'’-".indexOf(c) < 0) {
                return true;
            }
        }
        return false;
    }

    List<String> domainsOf(int entity) {
        return entityDomains.get(entity);
    }

    /** All accepted mentions, in text order; at most one entity per text span (the longest alias wins). */
    List<Mention> find(TextLayout t) {
        List<Mention> candidates = new ArrayList<>();
        NameIndex.Occurrences found = index.find(t);
        int taken = 0;
        int lastTaken = -1;
        for (int i = 0; found != null && i < t.atomCount; i++) {
            if (i <= lastTaken) {
                continue;
            }
            for (int o = found.head[i]; o >= 0; o = found.next[o]) {
                Mention m = firstSpelling(t, i, found.group[o], taken);
                if (m != null) {
                    candidates.add(m);
                    taken = m.end;
                    lastTaken = m.lastAtom;
                    break;
                }
            }
        }
        if (candidates.isEmpty()) {
            return candidates;
        }
        int entityCount = entityDomains.size();
        boolean pending = false;
        boolean letters = false;
        for (Mention m : candidates) {
            m.accepted = !m.alias.common || hasSignal(t, m);
            pending |= !m.accepted && m.capitalised && (!m.alias.alwaysCapitalised || m.alias.letter != 0);
            letters |= !m.accepted && m.alias.letter != 0;
        }
        if (pending) {
            acceptEnumerations(t, candidates);
            acceptSiblingLeads(t, candidates);
        }
        if (letters) {
            acceptLettersOfNamedEntities(candidates, entityCount);
        }
        dropWeakWhereTheWordIsCommon(candidates, entityCount);
        keepNamesInOneSentence(t, candidates);
        List<Mention> out = new ArrayList<>(candidates.size());
        int cachedSentence = -2;
        Refusals refusals = null;
        for (Mention m : candidates) {
            if (!m.accepted) {
                continue;
            }
            int s = t.sentenceOf(m.start);
            if (s != cachedSentence) {
                cachedSentence = s;
                refusals = s >= 0 && mayRefuse(t, s) ? Refusals.of(t, s) : null;
            }
            if (refusals == null || !refusals.cover(m.start - t.sentStart[s])) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * The first alias of the group, in the matcher's order, whose spelling is the text's at atom i: its separators,
     * its leading punctuation (not reaching back before floor) and trailing punctuation, whole-word boundaries, its
     * capital and a letter's standing. The group's words are there (the index found them).
     */
    private static Mention firstSpelling(TextLayout t, int i, NameIndex.Group g, int floor) {
        int last = i + g.atoms - 1;
        long spaces = 0;
        long spacedHyphens = 0;
        long spacedDots = 0;
        for (int j = 0; j < g.atoms - 1 && j < 64; j++) {
            long bit = 1L << j;
            if (((g.spaceGaps | g.dotGaps) & bit) == 0) {
                continue;
            }
            int s = t.atomEnd[i + j];
            int e = t.atomStart[i + j + 1];
            boolean bare = e - s == 1 && (t.text.charAt(s) == '-' || t.text.charAt(s) == '.');
            if ((g.dotGaps & bit) != 0) {
                spacedDots |= bare ? 0 : bit;
            } else if (!bare) {
                if (isSpace(t.text.charAt(s)) && isSpace(t.text.charAt(e - 1)) && allSpace(t.text, s, e)) {
                    spaces |= bit;
                } else {
                    spacedHyphens |= bit;
                }
            }
        }
        int[] prefixStart = affixes(t, g.prefixes, g.longestPrefix, t.atomStart[i], floor, -1);
        int[] suffixEnd = affixes(t, g.suffixes, g.longestSuffix, t.atomEnd[last], t.length, 1);
        boolean capitalised = Character.isUpperCase(t.text.charAt(t.atomStart[i]));
        int best = Integer.MAX_VALUE;
        int bestStart = 0;
        int bestEnd = 0;
        for (int p = 0; p < prefixStart.length; p++) {
            if (prefixStart[p] < 0) {
                continue;
            }
            for (int x = 0; x < suffixEnd.length; x++) {
                int[] members = suffixEnd[x] < 0 ? null : g.byAffixes.get(NameIndex.Group.affixKey(p, x));
                if (members == null || members[0] >= best
                        || !boundaryOk(t, prefixStart[p], suffixEnd[x], g.aliases[members[0]])) {
                    continue;
                }
                for (int k : members) {
                    if (k >= best) {
                        break;
                    }
                    Alias alias = g.aliases[k];
                    boolean separators = g.manyAtoms ? separatorsOk(t, i, alias)
                            : (g.refusesSpaces[k] & spaces) == 0 && (g.refusesSpacedHyphen[k] & spacedHyphens) == 0
                            && (g.refusesSpacedDot[k] & spacedDots) == 0;
                    if (separators && !(alias.needsCapital && !capitalised)
                            && (alias.letter == 0 || letterStandsAlone(t, i, alias.letter))) {
                        best = k;
                        bestStart = prefixStart[p];
                        bestEnd = suffixEnd[x];
                        break;
                    }
                }
            }
        }
        if (best == Integer.MAX_VALUE) {
            return null;
        }
        Alias alias = g.aliases[best];
        Mention m = new Mention(alias.entity, bestStart, bestEnd, alias, i, last);
        m.capitalised = capitalised;
        return m;
    }

    private static boolean allSpace(String text, int s, int e) {
        for (int k = s; k < e; k++) {
            if (!isSpace(text.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Which of the group's leading (step -1, reading back from pos to floor) or trailing (step 1, reading on to limit)
     * punctuations the text has next to the name, as {@link #literalBefore} and {@link #literalAfter} read them: a
     * space of the punctuation stands for one to three spaces. Indexed by affix id: where the name with that affix
     * starts (or ends), or -1.
     */
    private static int[] affixes(TextLayout t, Map<String, Integer> ids, int longest, int pos, int limit, int step) {
        int[] at = new int[ids.size()];
        Arrays.fill(at, -1);
        Integer none = ids.get("");
        if (none != null) {
            at[none] = pos;
        }
        StringBuilder read = new StringBuilder();
        int p = pos;
        while (read.length() < longest && (step < 0 ? p > limit : p < limit)) {
            char c = t.text.charAt(step < 0 ? p - 1 : p);
            if (isSpace(c)) {
                int q = p;
                while ((step < 0 ? q > limit : q < limit) && Math.abs(p - q) < 3
                        && isSpace(t.text.charAt(step < 0 ? q - 1 : q))) {
                    q += step;
                }
                p = q;
                read.append(' ');
                Integer id = ids.get(read.toString());
                if (id != null) {
                    at[id] = p;
                }
                if ((step < 0 ? p > limit : p < limit) && isSpace(t.text.charAt(step < 0 ? p - 1 : p))) {
                    break; // a fourth space: no punctuation goes on past it
                }
                continue;
            }
            if (TextLayout.isLetterOrDigit(c)) {
                break;
            }
            read.append(foldQuote(c));
            p += step;
            Integer id = ids.get(read.toString());
            if (id != null) {
                at[id] = p;
            }
        }
        return at;
    }

    /** The alias's words are there from atom i on (the index found them); its separators must be spelt its way. */
    private static boolean separatorsOk(TextLayout t, int i, Alias alias) {
        for (int j = 1; j < alias.atoms.length; j++) {
            if (!separatorOk(t.text, t.atomEnd[i + j - 1], t.atomStart[i + j], alias.sepKind[j - 1],
                    alias.sepLiteral[j - 1])) {
                return false;
            }
        }
        return true;
    }

    static boolean separatorOk(String text, int s, int e, byte kind, String literal) {
        int len = e - s;
        switch (kind) {
            case SEP_DOT:
                return len == 1 && text.charAt(s) == '.';
            case SEP_SPACE:
            case SEP_HYPHEN:
                if (len == 1 && text.charAt(s) == '-') {
                    return true;
                }
                if (len < 1 || len > 3) {
                    return false;
                }
                for (int k = s; k < e; k++) {
                    if (!isSpace(text.charAt(k))) {
                        return false;
                    }
                }
                return true;
            default:
                // spaces around the punctuation are free ("AT & T"), the punctuation itself is not
                while (s < e && isSpace(text.charAt(s))) {
                    s++;
                }
                while (e > s && isSpace(text.charAt(e - 1))) {
                    e--;
                }
                return literalAfter(text, s, e, literal) == e;
        }
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u00a0';
    }

    /** Curly quotes and apostrophes read as straight ones: answers use both for the same name. */
    static char foldQuote(char c) {
        switch (c) {
            case '’': case '‘': case '′':
                return '\'';
            case '“': case '”': case '″': case '„':
                return '"';
            default:
                return c;
        }
    }

    /**
     * The end of the literal written at text[from, ...) within limit, or -1. A space in the literal stands for one
     * to three spaces of the text.
     */
    static int literalAfter(String text, int from, int limit, String literal) {
        int p = from;
        int k = 0;
        while (k < literal.length()) {
            char c = literal.charAt(k);
            if (isSpace(c)) {
                while (k < literal.length() && isSpace(literal.charAt(k))) {
                    k++;
                }
                int s = p;
                while (p < limit && p - s < 3 && isSpace(text.charAt(p))) {
                    p++;
                }
                if (p == s) {
                    return -1;
                }
                continue;
            }
            if (p >= limit || foldQuote(text.charAt(p)) != foldQuote(c)) {
                return -1;
            }
            p++;
            k++;
        }
        return p;
    }

    /** The start of the literal written right before text position to, not before floor, or -1. */
    static int literalBefore(String text, int floor, int to, String literal) {
        int p = to;
        int k = literal.length();
        while (k > 0) {
            char c = literal.charAt(k - 1);
            if (isSpace(c)) {
                while (k > 0 && isSpace(literal.charAt(k - 1))) {
                    k--;
                }
                int e = p;
                while (p > floor && e - p < 3 && isSpace(text.charAt(p - 1))) {
                    p--;
                }
                if (p == e) {
                    return -1;
                }
                continue;
            }
            if (p <= floor || foldQuote(text.charAt(p - 1)) != foldQuote(c)) {
                return -1;
            }
            p--;
            k--;
        }
        return p;
    }

    /**
     * A name is a whole word: no letter or digit on either side, whatever its own first and last characters are,
     * so ".NET" is not in "ASP.NET" and "C++" not in "C++11". Never inside a URL, an e-mail address, a dotted name
     * ("hubspot.com") or a handle, and never a shorter name of a longer one: "C" is not in "C++" or "C#", "C++" not
     * in "C+++".
     */
    private static boolean boundaryOk(TextLayout t, int start, int end, Alias alias) {
        if (t.isMasked(start, end)) {
            return false;
        }
        String text = t.text;
        if (start > 0) {
            char c = text.charAt(start - 1);
            if (c == '@' || c == '_' || c == '\\' || TextLayout.isLetterOrDigit(c)) {
                return false;
            }
            if (c == '.' && start > 1 && TextLayout.isLetterOrDigit(text.charAt(start - 2))) {
                return false;
            }
            if (!alias.prefix.isEmpty() && c == text.charAt(start)) {
                return false;
            }
        }
        if (end < t.length) {
            char d = text.charAt(end);
            if (d == '@' || d == '_' || d == '+' || d == '#' || TextLayout.isLetterOrDigit(d)) {
                return false;
            }
            if (d == '.' && end + 1 < t.length && TextLayout.isLetterOrDigit(text.charAt(end + 1))) {
                return false;
            }
            if (!alias.suffix.isEmpty() && d == text.charAt(end - 1) && ".!?,;:)]}\"'”’".indexOf(d) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Words before a letter that make it a placeholder or part of another name ("Option X", "feature X"). */
    private static final Set<String> LETTER_NAMERS = Set.of("option", "options", "product", "products", "company",
            "brand", "tool", "feature", "plan", "type", "version", "model", "series", "generation", "gen", "step",
            "vendor", "service", "platform", "app", "factor", "axis", "point", "variable", "column", "row", "size",
            "grade", "class", "level", "phase", "stage", "part", "section", "figure", "fig", "table", "item", "person",
            "user", "customer", "team", "project", "site", "website", "account", "os", "vitamin", "mr", "ms", "mrs",
            "dr", "route", "day", "hour", "year", "chapter", "appendix", "exhibit", "tier", "letter");

    /**
     * A one-letter name is written as the name writes it ("X", never "x"), stands between spaces, brackets, quotes,
     * markup or sentence punctuation (not "x-axis", "X-ray", "A/B/X", "3 X 4"), is not a mark in a table cell
     * ("| SSO | X | ✓ |"), and does not follow a word that makes it a placeholder or part of another name
     * ("Option X", "Generation X", "Mac OS X").
     */
    private static boolean letterStandsAlone(TextLayout t, int a, char letter) {
        String text = t.text;
        int s = t.atomStart[a];
        if (text.charAt(s) != letter) {
            return false;
        }
        if (s > 0 && " \t\u00a0\n([{\"'“‘*_`|>/".indexOf(text.charAt(s - 1)) < 0) {
            return false;
        }
        int e = s + 1;
        if (e < t.length) {
            char d = text.charAt(e);
            if (isApostrophe(d)) {
                // only the possessive "X's"
                if (!(e + 1 < t.length && text.charAt(e + 1) == 's'
                        && (e + 2 >= t.length || !TextLayout.isLetterOrDigit(text.charAt(e + 2))))) {
                    return false;
                }
            } else if (" \t\u00a0\r\n.,;:!?)]}\"”*_`|/".indexOf(d) < 0) {
                return false;
            } else if (d == '.' && e + 1 < t.length && !Character.isWhitespace(text.charAt(e + 1))
                    && text.charAt(e + 1) != '*') {
                return false; // "X.509", "X.Y"
            }
        }
        if (a > 0 && numberNextTo(t, a - 1, t.atomEnd[a - 1], s)
                || a + 1 < t.atomCount && numberNextTo(t, a + 1, e, t.atomStart[a + 1])) {
            return false;
        }
        int line = t.lineOf(s);
        if (t.kind[line] == TextLayout.TABLE && !(line + 1 < t.lineCount && t.kind[line + 1] == TextLayout.TABLE_SEP)
                && !(t.leadStart[line] <= s && s < t.leadEnd[line]) && wholeCell(t, line, s, e)) {
            return false;
        }
        int prev = a - 1;
        if (prev >= 0 && s - t.atomEnd[prev] == 1 && isSpace(text.charAt(s - 1))) {
            int ps = t.atomStart[prev];
            String w = t.atomLower(prev);
            if (LETTER_NAMERS.contains(w)) {
                return false;
            }
            if (Character.isUpperCase(text.charAt(ps)) && !sentenceInitial(t, ps) && !w.equals("i")) {
                return false;
            }
        }
        return true;
    }

    /** Atom b is a number with at most one space between it and the letter: "3 X 4", "X 2". */
    private static boolean numberNextTo(TextLayout t, int b, int gapStart, int gapEnd) {
        if (b < 0 || b >= t.atomCount || gapEnd - gapStart > 1
                || gapEnd - gapStart == 1 && !isSpace(t.text.charAt(gapStart))) {
            return false;
        }
        return isNumber(t, b);
    }

    private static boolean isNumber(TextLayout t, int b) {
        for (int k = t.atomStart[b]; k < t.atomEnd[b]; k++) {
            if (!Character.isDigit(t.text.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** text[s, e) is all a table cell holds, besides spaces and markup. */
    private static boolean wholeCell(TextLayout t, int line, int s, int e) {
        int a = s;
        while (a > t.lineStart[line] && " *_`".indexOf(t.text.charAt(a - 1)) >= 0) {
            a--;
        }
        int b = e;
        while (b < t.lineEnd[line] && " *_`".indexOf(t.text.charAt(b)) >= 0) {
            b++;
        }
        return (a == t.lineStart[line] || t.text.charAt(a - 1) == '|') && (b == t.lineEnd[line] || t.text.charAt(b) == '|');
    }

    // ---------------------------------------------------------------- common-word signals

    /** A capitalised word right before ("Smart Sync") makes the name part of another proper name. */
    private static boolean insideOtherName(TextLayout t, Mention m) {
        int prev = m.firstAtom - 1;
        if (prev < 0 || m.start - t.atomEnd[prev] != 1 || t.text.charAt(t.atomEnd[prev]) != ' ') {
            return false;
        }
        int ps = t.atomStart[prev];
        if (!Character.isUpperCase(t.text.charAt(ps)) || sentenceInitial(t, ps)) {
            return false;
        }
        String w = t.atomLower(prev);
        return !w.equals("i") && WordLists.isCommon(w);
    }

    private boolean hasSignal(TextLayout t, Mention m) {
        if (inOwnedLink(t, m) || leadIsName(t, m) || boldName(t, m)) {
            return true;
        }
        int next = m.lastAtom + 1;
        boolean possessive = false;
        if (next < t.atomCount && t.atomLower(next).equals("s") && t.atomStart[next] == m.end + 1
                && isApostrophe(t.text.charAt(m.end))) {
            possessive = true;
            next++;
        }
        String nextWord = wordAfter(t, next, possessive ? t.atomEnd[next - 1] : m.end);
        if (nextWord != null && STRONG_CONTEXT.contains(nextWord)) {
            return true;
        }
        if (m.alias.letter != 0) {
            // "X Premium", "X's algorithm", "X (formerly Twitter)"; an enumeration or another mention may add it later
            if (nextWord != null && PRODUCT_CONTEXT.contains(nextWord) || possessive || parenthesisAfter(t, m.end)) {
                return true;
            }
            if (!sentenceInitial(t, m.start)) {
                return false;
            }
            if (nextWord != null && ADVERBS.contains(nextWord)) {
                nextWord = wordAfter(t, next + 1, t.atomEnd[next]);
            }
            // "X offers ...", but not "X marks the spot"
            m.weak = nextWord != null && PREDICATES.contains(nextWord);
            return m.weak;
        }
        if (!m.capitalised) {
            return false;
        }
        if (m.alias.alwaysCapitalised) {
            return weekdaySignal(t, m, possessive, next, nextWord);
        }
        int line = t.lineOf(m.start);
        boolean initial = sentenceInitial(t, m.start);
        boolean titleCase = isTitleCaseLine(t, line, m);
        if (!initial && !titleCase && !insideOtherName(t, m)) {
            return true;
        }
        if (nextWord != null && (PRODUCT_CONTEXT.contains(nextWord) || planName(t, next, nextWord))) {
            return true;
        }
        if (titleCase) {
            return false;
        }
        if (possessive) {
            return true;
        }
        if (parenthesisAfter(t, m.end)) {
            return true;
        }
        if (nextWord != null && ADVERBS.contains(nextWord)) {
            nextWord = wordAfter(t, next + 1, t.atomEnd[next]);
        }
        // "Copper integrates with...", "Box can get expensive": only a sentence's grammar says a company is meant
        m.weak = nextWord != null && (PREDICATES.contains(nextWord)
                || MODALS.contains(nextWord) && !PRONOUNS.contains(m.alias.atoms[0]));
        return m.weak;
    }

    /** Verbs whose object is a product being recommended or advised against: "I recommend Monday", "Avoid Monday". */
    private static final Set<String> RECOMMENDING = Set.of("recommend", "recommends", "recommended", "recommending",
            "suggest", "suggests", "try", "trying", "tried", "use", "uses", "using", "choose", "chooses", "choosing",
            "pick", "picking", "picked", "chose", "avoid", "avoiding", "consider", "considering", "prefer", "adopt",
            "adopting", "evaluate", "evaluating", "pilot", "trial");
    /** Two-word verbs that do the same: "go with Monday", "switch to Monday". */
    private static final Set<String> RECOMMENDING_PHRASES = Set.of("go with", "going with", "went with", "switch to",
            "switching to", "switched to", "move to", "moving to", "migrate to", "migrating to", "opt for",
            "stick with", "start with", "check out", "look at", "settle on", "standardize on", "standardise on");
    /** Words before a weekday or month that make it a date: "on Monday", "every Monday", "the first Monday". */
    private static final Set<String> DATE_BEFORE = Set.of("on", "every", "next", "last", "by", "until", "till",
            "since", "this", "each", "due", "first", "second", "third", "fourth", "fifth", "final", "following",
            "before", "after", "early", "late", "mid", "past", "previous", "coming", "upcoming");
    /** Words right after a weekday or month that make it a time: "Monday morning", "Monday meetings". */
    private static final Set<String> DATE_AFTER = Set.of("morning", "mornings", "afternoon", "afternoons",
            "evening", "evenings", "night", "nights", "meeting", "meetings", "standup", "standups", "stand",
            "deadline", "deadlines", "lunch", "holiday", "holidays", "blues", "motivation", "noon", "midnight");
    /** After "Monday is", a date: "Monday is a public holiday", "Monday is the best day to post". */
    private static final Set<String> DATE_NOUNS = Set.of("day", "days", "holiday", "weekday", "deadline", "morning",
            "date", "week", "weekend", "off");
    /** "Monday to Friday", "Friday or Monday". */
    private static final Set<String> RANGE = Set.of("to", "through", "thru", "till", "until", "and", "or");

    /**
     * A name English capitalises anyway ("Monday") is the product when it is recommended or advised against ("I
     * recommend Monday", "Avoid Monday:", "go with Monday") or when a verb a product takes follows it ("Monday is",
     * "Monday offers"); never when it reads as a date ("on Monday", "every Monday", "Monday morning", "Monday to
     * Friday", "Monday is a holiday").
     */
    private static boolean weekdaySignal(TextLayout t, Mention m, boolean possessive, int next, String nextWord) {
        String before = wordBefore(t, m.firstAtom - 1, m.start);
        String beforeThat = before == null ? null : wordBefore(t, m.firstAtom - 2, t.atomStart[m.firstAtom - 1]);
        boolean dateBefore = before != null && (DATE_BEFORE.contains(before) || isDateWord(before)
                || RANGE.contains(before) && beforeThat != null && isDateWord(beforeThat));
        String afterThat = nextWord == null || next + 1 >= t.atomCount ? null
                : wordAfter(t, next + 1, t.atomEnd[next]);
        boolean dateAfter = nextWord != null && (DATE_AFTER.contains(nextWord) || isDateWord(nextWord)
                || RANGE.contains(nextWord) && afterThat != null && isDateWord(afterThat)
                || nextWord.equals("at") && afterThat != null && Character.isDigit(afterThat.charAt(0))
                || isNumber(t, next)) || dateFollowsComma(t, m.end);
        if (dateBefore || dateAfter) {
            return false;
        }
        if (possessive && nextWord != null && PRODUCT_CONTEXT.contains(nextWord)) {
            return true;
        }
        if (before != null && (RECOMMENDING.contains(before)
                || beforeThat != null && RECOMMENDING_PHRASES.contains(beforeThat + " " + before))) {
            return true;
        }
        int verb = next;
        if (nextWord != null && ADVERBS.contains(nextWord)) {
            verb = next + 1;
            nextWord = wordAfter(t, verb, t.atomEnd[next]);
        }
        if (nextWord == null || possessive || !PREDICATES.contains(nextWord)) {
            return false;
        }
        if (nextWord.equals("is") || nextWord.equals("was")) {
            // "Monday is a public holiday": a date noun in the next few words of the clause
            int sentence = t.sentenceOf(m.start);
            for (int a = verb + 1; a <= verb + 5 && a < t.atomCount && t.sentenceOf(t.atomStart[a]) == sentence; a++) {
                if (DATE_NOUNS.contains(t.atomLower(a))) {
                    return false;
                }
            }
        }
        m.weak = true;
        return true;
    }

    private static boolean isDateWord(String word) {
        return WordLists.ALWAYS_CAPITALISED.contains(word) && !word.equals("i") && !word.equals("english");
    }

    /** "Monday, March 3" or "Monday, 3 March": a date after a comma. */
    private static boolean dateFollowsComma(TextLayout t, int end) {
        if (end + 1 >= t.length || t.text.charAt(end) != ',') {
            return false;
        }
        int a = t.atomAtOrAfter(end);
        return a < t.atomCount && t.atomStart[a] - end <= 2
                && (isNumber(t, a) || isDateWord(t.atomLower(a)));
    }

    /** The atom at index prev when only spaces or bold/italic markers separate it from pos on the same line. */
    private static String wordBefore(TextLayout t, int prev, int pos) {
        if (prev < 0) {
            return null;
        }
        int e = t.atomEnd[prev];
        if (pos - e > 4 || pos <= e) {
            return null;
        }
        for (int k = e; k < pos; k++) {
            char c = t.text.charAt(k);
            if (c != ' ' && c != '*' && c != '_' && c != '\u00a0') {
                return null;
            }
        }
        return t.atomLower(prev);
    }

    /** A parenthesis follows the name: "Close (the CRM)". */
    private static boolean parenthesisAfter(TextLayout t, int after) {
        while (after < t.length && t.text.charAt(after) == ' ') {
            after++;
        }
        return after < t.length && t.text.charAt(after) == '(';
    }

    private static boolean isApostrophe(char c) {
        return c == '\'' || c == '’';
    }

    /**
     * The name in bold of its own, capitalised: "Also worth a quote: **Hippo**, whose policies...". Writers bold the
     * products they name; a common word is not bolded on its own in the middle of prose.
     */
    private static boolean boldName(TextLayout t, Mention m) {
        return m.capitalised && m.start >= 2 && m.end + 2 <= t.length
                && (t.text.startsWith("**", m.start - 2) && t.text.startsWith("**", m.end)
                || t.text.startsWith("__", m.start - 2) && t.text.startsWith("__", m.end))
                && (m.start == 2 || t.text.charAt(m.start - 3) != '*' && t.text.charAt(m.start - 3) != '_');
    }

    /** The word at atom {@code a} ({@code lower}) is a plan's name written as one: "Family", not "family". */
    private static boolean planName(TextLayout t, int a, String lower) {
        return PLAN_NAMES.contains(lower) && Character.isUpperCase(t.text.charAt(t.atomStart[a]));
    }

    /** The atom at index next when only spaces or a hyphen separate it from pos on the same line. */
    private static String wordAfter(TextLayout t, int next, int pos) {
        if (next >= t.atomCount) {
            return null;
        }
        int s = t.atomStart[next];
        if (s - pos > 3) {
            return null;
        }
        for (int k = pos; k < s; k++) {
            char c = t.text.charAt(k);
            if (c != ' ' && c != '-' && c != '\u00a0') {
                return null;
            }
        }
        return t.atomLower(next);
    }

    /** Start of a line, sentence, cell or quote: a capital letter there is just English. */
    static boolean sentenceInitial(TextLayout t, int pos) {
        String text = t.text;
        int j = pos - 1;
        while (j >= 0) {
            char c = text.charAt(j);
            if (c == '\n') {
                return true;
            }
            if (Character.isWhitespace(c) || "*_#>\"'“”‘’([`~•·+|".indexOf(c) >= 0
                    || Character.getType(c) == Character.OTHER_SYMBOL || Character.isSurrogate(c)
                    || c == '\uFE0F') {
                j--;
                continue;
            }
            break;
        }
        if (j < 0) {
            return true;
        }
        char c = text.charAt(j);
        if (c == '-' ) {
            // a bullet marker "- " at the start of the line, or a dash inside the sentence
            int k = j - 1;
            while (k >= 0 && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) {
                k--;
            }
            return k < 0 || text.charAt(k) == '\n';
        }
        return ".!?:;".indexOf(c) >= 0;
    }

    /** Headings and bold lines in Title Case capitalise every word: there a capital is no signal. */
    private static boolean isTitleCaseLine(TextLayout t, int line, Mention m) {
        byte kind = t.kind[line];
        if (kind != TextLayout.HEADING && kind != TextLayout.BOLD) {
            return false;
        }
        int first = t.atomAtOrAfter(t.lineStart[line]);
        int words = 0;
        int caps = 0;
        for (int a = first; a < t.atomCount && t.atomStart[a] < t.lineEnd[line]; a++) {
            if (a >= m.firstAtom && a <= m.lastAtom) {
                continue;
            }
            String w = t.atomLower(a);
            if (w.length() >= 4 && WordLists.isCommon(w)) {
                words++;
                if (Character.isUpperCase(t.text.charAt(t.atomStart[a]))) {
                    caps++;
                }
            }
        }
        return words >= 2 && caps * 10 >= words * 6;
    }

    private boolean inOwnedLink(TextLayout t, Mention m) {
        List<String> owned = entityDomains.get(m.entity);
        if (owned.isEmpty()) {
            return false;
        }
        for (TextLayout.Link link : t.links) {
            if (link.textStart() <= m.start && m.end <= link.textEnd()) {
                String host = Domains.host(link.url());
                for (String d : owned) {
                    if (Domains.within(host, d)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The mention is the whole lead of an item, heading, bold line or table cell ("- Close: ...", "| Box |"). */
    static boolean leadIsName(TextLayout t, Mention m) {
        int line = t.lineOf(m.start);
        if (!t.isItemLine(line)) {
            return false;
        }
        int ls;
        int le;
        if (t.kind[line] == TextLayout.TABLE) {
            int a = m.start;
            while (a > t.lineStart[line] && (t.text.charAt(a - 1) != '|' || t.masked.get(a - 1))) {
                a--;
            }
            int b = m.end;
            while (b < t.lineEnd[line] && (t.text.charAt(b) != '|' || t.masked.get(b))) {
                b++;
            }
            ls = a;
            le = b;
        } else {
            ls = t.leadStart[line];
            le = t.leadEnd[line];
            if (ls < 0 || m.start < ls || m.start > le) {
                return false;
            }
        }
        if (skipMarkup(t, ls, le) != m.start) {
            return false;
        }
        int p = m.end;
        if (p + 1 < le && isApostrophe(t.text.charAt(p)) && (t.text.charAt(p + 1) == 's')) {
            p += 2;
        }
        while (p < le) {
            char c = t.text.charAt(p);
            if (c == ' ' || c == '*' || c == '_' || c == '`' || c == ']' || c == ':' || c == '.' || t.masked.get(p)) {
                p++;
            } else {
                break;
            }
        }
        if (p >= le || t.text.charAt(p) == '(') {
            return true;
        }
        int next = t.atomAtOrAfter(p);
        if (next < t.atomCount && t.atomStart[next] == p && (PRODUCT_CONTEXT.contains(t.atomLower(next))
                || planName(t, next, t.atomLower(next)))) {
            return true;
        }
        return modelAfter(t, next, le);
    }

    /** Longest model name after a maker in a lead: "Trek Allant+ 7", "Gazelle Ultimate C380+". */
    private static final int MODEL_WORDS = 3;

    /**
     * The rest of the lead is a model name: at most three words, each capitalised or a number, one of them with a
     * digit or no common word ("Allant+ 7", "Ultimate C380+"); "Close Reading Tips" is a title.
     */
    private static boolean modelAfter(TextLayout t, int a, int le) {
        int words = 0;
        boolean model = false;
        for (; a < t.atomCount && t.atomStart[a] < le; a++) {
            char c = t.text.charAt(t.atomStart[a]);
            if (++words > MODEL_WORDS || !Character.isUpperCase(c) && !Character.isDigit(c)) {
                return false;
            }
            for (int i = t.atomStart[a]; i < t.atomEnd[a] && !model; i++) {
                model = Character.isDigit(t.text.charAt(i));
            }
            model |= !WordLists.isCommon(t.atomLower(a));
        }
        return words > 0 && model;
    }

    static int skipMarkup(TextLayout t, int p, int e) {
        while (p < e) {
            char c = t.text.charAt(p);
            if (c == ' ' || c == '*' || c == '_' || c == '`' || c == '[' || c == '"' || c == '“' || c == '\'') {
                p++;
            } else {
                break;
            }
        }
        return p;
    }

    /**
     * "Block-level sync uploads... **Drawbacks:** Sync struggles with large files": when the answer itself uses the
     * name as an ordinary lowercase word, a capital at the start of a sentence followed by a verb does not show that
     * the company is meant, unless another mention of the entity does.
     */
    private static void dropWeakWhereTheWordIsCommon(List<Mention> candidates, int entityCount) {
        boolean[] strong = new boolean[entityCount];
        boolean[] lowercaseWord = new boolean[entityCount];
        boolean anyWeak = false;
        for (Mention m : candidates) {
            if (m.accepted && !m.weak) {
                strong[m.entity] = true;
            }
            if (!m.accepted && !m.capitalised) {
                lowercaseWord[m.entity] = true;
            }
            anyWeak |= m.accepted && m.weak;
        }
        if (!anyWeak) {
            return;
        }
        for (Mention m : candidates) {
            if (m.accepted && m.weak && !strong[m.entity] && lowercaseWord[m.entity]) {
                m.accepted = false;
            }
        }
    }

    /** Once the answer has named the entity otherwise, each of its one-letter names counts ("Twitter, now X"). */
    private static void acceptLettersOfNamedEntities(List<Mention> candidates, int entityCount) {
        boolean[] named = new boolean[entityCount];
        for (Mention m : candidates) {
            named[m.entity] |= m.accepted;
        }
        for (Mention m : candidates) {
            if (!m.accepted && m.alias.letter != 0 && named[m.entity]) {
                m.accepted = true;
            }
        }
    }

    /**
     * Sentence punctuation that is part of a name ("Yahoo! Mail", "J.P. Morgan") ends no sentence: the layout splits
     * its sentences again around the accepted names that hold some.
     */
    private static void keepNamesInOneSentence(TextLayout t, List<Mention> candidates) {
        boolean split = false;
        for (Mention m : candidates) {
            int s = m.accepted ? t.sentenceOf(m.start) : -1;
            // a sentence ends inside the name or right after it, and another one follows on the line
            split |= s >= 0 && t.sentEnd[s] <= m.end && s + 1 < t.sentCount && t.sentLine[s + 1] == t.sentLine[s];
        }
        if (!split) {
            return;
        }
        BitSet inside = null;
        for (Mention m : candidates) {
            if (!m.accepted) {
                continue;
            }
            for (int k = m.start; k < m.end; k++) {
                char c = t.text.charAt(k);
                if (c == '.' || c == '!' || c == '?') {
                    if (inside == null) {
                        inside = new BitSet();
                    }
                    inside.set(k);
                }
            }
        }
        if (inside != null) {
            t.splitSentences(inside);
        }
    }

    /** "Close, Copper and Attio": an ambiguous capitalised name next to an accepted one is accepted too. */
    private static void acceptEnumerations(TextLayout t, List<Mention> candidates) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < candidates.size(); i++) {
                Mention m = candidates.get(i);
                if (m.accepted || !m.capitalised || m.alias.alwaysCapitalised && m.alias.letter == 0) {
                    continue;
                }
                boolean left = i > 0 && candidates.get(i - 1).accepted
                        && enumerationGap(t, candidates.get(i - 1).end, m.start);
                boolean right = i + 1 < candidates.size() && candidates.get(i + 1).accepted
                        && enumerationGap(t, m.end, candidates.get(i + 1).start);
                if (left || right) {
                    m.accepted = true;
                    changed = true;
                }
            }
        }
    }

    /**
     * "### 2. Ring Spotlight Cam Pro" among "### 1. Arlo Pro 5S 2K", "### 3. Nest Cam": a capitalised name that opens
     * an item's lead is the option when a sibling item (same kind of line, same level or indent) opens with an
     * accepted name. Labels ("**Budget:**") and table cells are not leads of options.
     */
    private static void acceptSiblingLeads(TextLayout t, List<Mention> candidates) {
        int[] leads = new int[candidates.size()];
        for (int i = 0; i < leads.length; i++) {
            leads[i] = opensOptionLead(t, candidates.get(i));
        }
        for (int i = 0; i < leads.length; i++) {
            Mention m = candidates.get(i);
            int line = leads[i];
            if (m.accepted || line < 0 || !m.capitalised || m.alias.alwaysCapitalised && m.alias.letter == 0) {
                continue;
            }
            for (int j = 0; j < leads.length; j++) {
                int l2 = leads[j];
                if (candidates.get(j).accepted && l2 >= 0 && l2 != line && t.kind[l2] == t.kind[line]
                        && t.level[l2] == t.level[line] && t.indent[l2] == t.indent[line]) {
                    m.accepted = true;
                    break;
                }
            }
        }
    }

    /**
     * The line whose title the mention opens: a heading's, or a list item's or line's lead that bold or a separator
     * ends ("**Ring Stick Up Cam**", "Ring — simple"); -1 when it opens none, a label ("**Best for:**") or a
     * sentence ("- Level the bracket first").
     */
    private static int opensOptionLead(TextLayout t, Mention m) {
        int line = t.lineOf(m.start);
        byte k = t.kind[line];
        if (k != TextLayout.NUM && k != TextLayout.BULLET && k != TextLayout.HEADING && k != TextLayout.BOLD
                || t.labelLead[line] || t.leadStart[line] < 0) {
            return -1;
        }
        if (k != TextLayout.HEADING && t.leadStartOnly[line]) {
            return -1;
        }
        // a lead starts after the line's number ("### 2. Ring ...": TextLayout.numberPrefix)
        return skipMarkup(t, t.leadStart[line], t.leadEnd[line]) == m.start ? line : -1;
    }

    private static boolean enumerationGap(TextLayout t, int s, int e) {
        if (e - s > 16 || e < s) {
            return false;
        }
        String gap = t.text.substring(s, e).replace("*", "").replace("_", "").strip().toLowerCase(Locale.ROOT);
        if (gap.startsWith("'s") || gap.startsWith("’s")) {
            gap = gap.substring(2).strip();
        }
        return ENUMERATION_GAP.matcher(gap).matches();
    }

    // ---------------------------------------------------------------- refusals

    /**
     * A mention inside a sentence that says the assistant knows nothing about it ("I'm not familiar with Foo")
     * is no mention. A contrast ("..., but HubSpot is ...") ends the refusal's reach.
     */
    private record Refusals(String sentence, int[] starts) {

        /** The refusals of sentence s, or null when it has none. */
        static Refusals of(TextLayout t, int s) {
            String sentence = t.text.substring(t.sentStart[s], t.sentEnd[s]).toLowerCase(Locale.ROOT)
                    .replace('’', '\'');
            Matcher r = REFUSAL.matcher(sentence);
            int[] starts = new int[2];
            int n = 0;
            while (r.find()) {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = r.start();
            }
            return n == 0 ? null : new Refusals(sentence, Arrays.copyOf(starts, n));
        }

        /** A refusal in the same contrast-delimited part of the sentence as offset rel. */
        boolean cover(int rel) {
            int[] bounds = contrastBounds(sentence, rel);
            for (int start : starts) {
                if (start >= bounds[0] && start < bounds[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every refusal pattern holds one of these stems: most sentences are ruled out without the regex. */
    private static final String[] REFUSAL_STEMS = {"info", "familiar", "aware", "find", "locate", "verif", "confirm",
            "know", "recogni", "training", "help", "assist", "detail", "data", "record", "insight", "anything",
            "evidence", "mention", "reference"};

    private static boolean mayRefuse(TextLayout t, int s) {
        if (!mayBeFirstPerson(t, t.sentStart[s], t.sentEnd[s])) {
            return false;
        }
        String sentence = t.text.substring(t.sentStart[s], t.sentEnd[s]).toLowerCase(Locale.ROOT);
        for (String stem : REFUSAL_STEMS) {
            if (sentence.contains(stem)) {
                return true;
            }
        }
        return false;
    }

    /** What can follow "I" or "we" in a refusal: do not, am, 'm, could, can, was, were, have, won't. */
    private static final String[] AFTER_SUBJECT = {"do", "am", "'m", "co", "ca", "wa", "we", "ha", "wo"};

    /**
     * Every refusal pattern holds, at the start of a word, "i" or "we" followed by one of {@link #AFTER_SUBJECT}, or
     * "my", "no" or "not" followed by a space: a look at the first letters of the sentence's words rules out
     * nearly every sentence of a product answer without lowercasing it or running the regex.
     */
    private static boolean mayBeFirstPerson(TextLayout t, int from, int to) {
        String text = t.text;
        for (int a = t.atomAtOrAfter(from); a < t.atomCount && t.atomStart[a] < to; a++) {
            int k = t.atomStart[a];
            char c = fold(text.charAt(k));
            int after;
            if (c == 'i') {
                after = k + 1;
            } else if (c == 'w' && k + 1 < to && fold(text.charAt(k + 1)) == 'e') {
                after = k + 2;
            } else if ((c == 'm' || c == 'n') && k + 2 < to && fold(text.charAt(k + 1)) == (c == 'm' ? 'y' : 'o')) {
                int j = k + 2;
                if (c == 'n' && fold(text.charAt(j)) == 't') {
                    j++;
                }
                if (j < to && isRegexSpace(text.charAt(j))) {
                    return true;
                }
                continue;
            } else {
                continue;
            }
            while (after < to && isRegexSpace(text.charAt(after))) {
                after++;
            }
            if (after + 1 < to) {
                char x = fold(text.charAt(after));
                char y = fold(text.charAt(after + 1));
                for (String next : AFTER_SUBJECT) {
                    if (x == next.charAt(0) && y == next.charAt(1)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** ASCII lowercase, curly apostrophe as straight: the only folding that can produce these letters. */
    private static char fold(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c == '’' ? '\'' : c;
    }

    /** The regex's \s: ASCII whitespace only. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** The part of the sentence around rel between contrast markers. */
    private static int[] contrastBounds(String sentence, int rel) {
        int from = 0;
        int to = sentence.length();
        Matcher c = CONTRAST.matcher(sentence);
        while (c.find()) {
            if (c.start() <= rel) {
                from = c.start();
            } else {
                to = c.start();
                break;
            }
        }
        return new int[]{from, to};
    }
}
