package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.ahocorasick.trie.PayloadEmit;
import org.ahocorasick.trie.PayloadTrie;

/**
 * Where the names' words occur in an answer, in one pass whatever the names: each word and each gap between two words
 * becomes a symbol, and an Aho–Corasick automaton over the names' symbol sequences reports every occurrence. Names
 * whose words and separators read alike share a {@link Group}; the matcher checks each occurrence's exact spelling.
 */
final class NameIndex {

    /**
     * Names that are the same sequence of words and separator classes, in the order the matcher tries them, indexed
     * so that an occurrence costs what its text holds, not how many spellings of the same words there are: by their
     * leading and trailing punctuation, and by bit masks of the separators where spellings that read alike differ
     * ("a-b" or "a b" against "a - b"; "a.b" against "a . b").
     */
    static final class Group {
        final int atoms;
        final MentionMatcher.Alias[] aliases;
        /** Gaps whose class is SPACE, and whose class is DOT (bit j: between atoms j and j + 1). */
        final long spaceGaps, dotGaps;
        /**
         * Per alias, the gaps where it refuses bare spaces (its " - "), a spaced hyphen (its space or "-") or a spaced
         * dot (its ".").
         */
        final long[] refusesSpaces, refusesSpacedHyphen, refusesSpacedDot;
        /** Over 64 atoms the masks do not reach: each alias's separators are checked one by one. */
        final boolean manyAtoms;
        /** Leading punctuation as {@link NameIndex#canonicalLiteral} folds it, reversed; trailing punctuation folded. */
        final Map<String, Integer> prefixes, suffixes;
        final int longestPrefix, longestSuffix;
        /** (prefix id, suffix id) to the indexes of its aliases, in order. */
        final Map<Long, int[]> byAffixes;

        Group(int atoms, MentionMatcher.Alias[] aliases) {
            this.atoms = atoms;
            this.aliases = aliases;
            this.manyAtoms = atoms > 64;
            long spaces = 0;
            long dots = 0;
            refusesSpaces = new long[aliases.length];
            refusesSpacedHyphen = new long[aliases.length];
            refusesSpacedDot = new long[aliases.length];
            prefixes = new HashMap<>();
            suffixes = new HashMap<>();
            Map<Long, List<Integer>> affixes = new LinkedHashMap<>();
            int longestP = 0;
            int longestS = 0;
            for (int k = 0; k < aliases.length; k++) {
                MentionMatcher.Alias a = aliases[k];
                for (int j = 0; j < a.sepKind.length && j < 64; j++) {
                    long bit = 1L << j;
                    byte kind = a.sepKind[j];
                    String literal = kind == MentionMatcher.SEP_LITERAL ? canonicalLiteral(a.sepLiteral[j]) : null;
                    if (kind == MentionMatcher.SEP_SPACE || kind == MentionMatcher.SEP_HYPHEN) {
                        spaces |= bit;
                        refusesSpacedHyphen[k] |= bit;
                    } else if (kind == MentionMatcher.SEP_DOT) {
                        dots |= bit;
                        refusesSpacedDot[k] |= bit;
                    } else if ("-".equals(literal)) {
                        spaces |= bit;
                        refusesSpaces[k] |= bit;
                    } else if (".".equals(literal)) {
                        dots |= bit;
                    }
                }
                String prefix = new StringBuilder(canonicalLiteral(a.prefix)).reverse().toString();
                String suffix = canonicalLiteral(a.suffix);
                longestP = Math.max(longestP, prefix.length());
                longestS = Math.max(longestS, suffix.length());
                int p = prefixes.computeIfAbsent(prefix, x -> prefixes.size());
                int s = suffixes.computeIfAbsent(suffix, x -> suffixes.size());
                affixes.computeIfAbsent(affixKey(p, s), x -> new ArrayList<>()).add(k);
            }
            this.spaceGaps = spaces;
            this.dotGaps = dots;
            this.longestPrefix = longestP;
            this.longestSuffix = longestS;
            this.byAffixes = new HashMap<>();
            affixes.forEach((key, list) -> byAffixes.put(key, list.stream().mapToInt(Integer::intValue).toArray()));
        }

        static long affixKey(int prefix, int suffix) {
            return (long) prefix << 32 | suffix;
        }
    }

    /** A word no name has, or a gap no name can stand across: the automaton restarts there. */
    private static final char NONE = 0;
    /** Gaps a name's space or hyphen can match (1-3 spaces, "-", " - "), and gaps its dot can match (".", " . "). */
    private static final int SPACE = 1, DOT = 2, FIRST_ID = 3;
    /** Ids below this are one char; larger ones two: the first from the top of the char range, the second not NONE. */
    private static final int ONE_CHAR = 0xF000;

    private final CharTable<Integer> words;
    private final Map<String, Integer> literals;
    private final PayloadTrie<Group> automaton;
    private final boolean empty;

    NameIndex(List<MentionMatcher.Alias> aliases) {
        Map<String, Integer> wordIds = new HashMap<>();
        Map<String, Integer> literalIds = new HashMap<>();
        int[] next = {FIRST_ID};
        Map<String, List<MentionMatcher.Alias>> byKey = new LinkedHashMap<>();
        StringBuilder key = new StringBuilder();
        for (MentionMatcher.Alias alias : aliases) {
            key.setLength(0);
            for (int j = 0; j < alias.atoms.length; j++) {
                if (j > 0) {
                    appendSymbol(key, separatorSymbol(alias.sepKind[j - 1], alias.sepLiteral[j - 1], literalIds, next));
                }
                appendSymbol(key, wordIds.computeIfAbsent(alias.atoms[j], w -> next[0]++));
            }
            byKey.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(alias);
        }
        PayloadTrie.PayloadTrieBuilder<Group> builder = PayloadTrie.builder();
        byKey.forEach((k, list) -> builder.addKeyword(k, group(list)));
        this.words = new CharTable<>(wordIds);
        this.literals = literalIds;
        this.automaton = builder.build();
        this.empty = byKey.isEmpty();
    }

    /**
     * The aliases of a group in the order the matcher tries them: the longer written name first (the atoms are the
     * same), then in the order given. A name that spells its punctuation exactly as an earlier one can never win.
     */
    private static Group group(List<MentionMatcher.Alias> list) {
        List<MentionMatcher.Alias> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingInt((MentionMatcher.Alias a) -> -a.literalLength));
        Set<String> spellings = new HashSet<>();
        List<MentionMatcher.Alias> kept = new ArrayList<>();
        for (MentionMatcher.Alias a : sorted) {
            String spelling = a.prefix + '\0' + a.suffix + '\0' + Arrays.toString(a.sepKind) + '\0'
                    + Arrays.toString(a.sepLiteral) + '\0' + a.needsCapital + '\0' + (int) a.letter;
            if (spellings.add(spelling)) {
                kept.add(a);
            }
        }
        return new Group(sorted.get(0).atoms.length, kept.toArray(new MentionMatcher.Alias[0]));
    }

    /**
     * The groups that occur in the text, by the atom they start at: {@code next[e]} chains the occurrences of one
     * start from the most atoms to the fewest, {@code head[a]} is the first of atom a or -1.
     */
    static final class Occurrences {
        final int[] head;
        int[] next = new int[16];
        Group[] group = new Group[16];
        int count;

        Occurrences(int atoms) {
            head = new int[atoms];
            Arrays.fill(head, -1);
        }

        void add(int start, Group g) {
            if (count == next.length) {
                next = Arrays.copyOf(next, count * 2);
                group = Arrays.copyOf(group, count * 2);
            }
            // occurrences of one start arrive shortest first, as the automaton reaches their ends
            next[count] = head[start];
            group[count] = g;
            head[start] = count++;
        }
    }

    /** Every occurrence of a group in the text, or null when there is none. */
    Occurrences find(TextLayout t) {
        if (empty || t.atomCount == 0) {
            return null;
        }
        char[] symbols = new char[Math.max(16, t.atomCount * 3)];
        int[] atomAt = new int[symbols.length];
        int n = 0;
        int previous = -2; // the atom whose word ends the symbols so far, or not a neighbour
        for (int i = 0; i < t.atomCount; i++) {
            Integer id = t.atomAscii[i] ? words.getAscii(t.text, t.atomStart[i], t.atomEnd[i], t.atomHash[i])
                    : words.get(t.text, t.atomStart[i], t.atomEnd[i]);
            if (id == null) {
                if (n > 0 && symbols[n - 1] != NONE) {
                    atomAt[n] = -1;
                    symbols[n++] = NONE;
                }
                continue;
            }
            if (n + 5 > symbols.length) {
                symbols = Arrays.copyOf(symbols, symbols.length * 2);
                atomAt = Arrays.copyOf(atomAt, symbols.length);
            }
            if (previous == i - 1) {
                int gap = gapSymbol(t.text, t.atomEnd[i - 1], t.atomStart[i]);
                n = put(symbols, atomAt, n, gap, -1);
            }
            n = put(symbols, atomAt, n, id, i);
            previous = i;
        }
        Occurrences found = new Occurrences(t.atomCount);
        int[] starts = atomAt;
        automaton.parseText(new Chars(symbols, n), (PayloadEmit<Group> e) -> {
            int start = starts[e.getStart()];
            // a keyword that begins inside a two-char symbol is no occurrence
            if (start >= 0) {
                found.add(start, e.getPayload());
            }
            return true;
        });
        return found.count == 0 ? null : found;
    }

    private static int put(char[] symbols, int[] atomAt, int n, int id, int atom) {
        if (id == NONE) {
            if (symbols[n - 1] != NONE) {
                atomAt[n] = -1;
                symbols[n++] = NONE;
            }
            return n;
        }
        atomAt[n] = atom;
        if (id < ONE_CHAR) {
            symbols[n++] = (char) id;
        } else {
            symbols[n++] = (char) (ONE_CHAR + ((id - ONE_CHAR) >>> 15));
            atomAt[n] = -1;
            symbols[n++] = (char) (1 + ((id - ONE_CHAR) & 0x7FFF));
        }
        return n;
    }

    private static void appendSymbol(StringBuilder sb, int id) {
        if (id < ONE_CHAR) {
            sb.append((char) id);
        } else {
            sb.append((char) (ONE_CHAR + ((id - ONE_CHAR) >>> 15))).append((char) (1 + ((id - ONE_CHAR) & 0x7FFF)));
        }
    }

    /** A name's separator as a symbol: its exact spelling is checked on each occurrence. */
    private static int separatorSymbol(byte kind, String literal, Map<String, Integer> literalIds, int[] next) {
        if (kind == MentionMatcher.SEP_SPACE || kind == MentionMatcher.SEP_HYPHEN) {
            return SPACE;
        }
        if (kind == MentionMatcher.SEP_DOT) {
            return DOT;
        }
        String canonical = canonicalLiteral(literal);
        return canonical.equals("-") ? SPACE : canonical.equals(".") ? DOT
                : literalIds.computeIfAbsent(canonical, l -> next[0]++);
    }

    /**
     * The symbol of the gap text[s, e) between two words, by the classes a name's separator can match (see
     * {@link MentionMatcher#separatorOk}): spaces, a hyphen or a spaced hyphen; a dot or a spaced dot; or punctuation
     * with free spaces around it. NONE when no name's separator can match it.
     */
    private int gapSymbol(String text, int s, int e) {
        int len = e - s;
        if (len == 1) {
            char c = text.charAt(s);
            if (c == '-' || MentionMatcher.isSpace(c)) {
                return SPACE;
            }
            if (c == '.') {
                return DOT;
            }
        }
        int a = s;
        int b = e;
        while (a < b && MentionMatcher.isSpace(text.charAt(a))) {
            a++;
        }
        while (b > a && MentionMatcher.isSpace(text.charAt(b - 1))) {
            b--;
        }
        if (a == b) {
            return len <= 3 ? SPACE : NONE;
        }
        StringBuilder canonical = new StringBuilder(b - a);
        for (int k = a; k < b; k++) {
            char c = text.charAt(k);
            if (MentionMatcher.isSpace(c)) {
                int run = k;
                while (k + 1 < b && MentionMatcher.isSpace(text.charAt(k + 1))) {
                    k++;
                }
                if (k - run >= 3) {
                    return NONE; // a name's space stands for one to three
                }
                canonical.append(' ');
            } else {
                canonical.append(MentionMatcher.foldQuote(c));
            }
        }
        String literal = canonical.toString();
        if (literal.equals("-")) {
            return SPACE;
        }
        if (literal.equals(".")) {
            return DOT;
        }
        Integer id = literals.get(literal);
        return id == null ? NONE : id;
    }

    /** A name's literal separator as the text's gaps are read: quotes folded, a run of spaces as one. */
    private static String canonicalLiteral(String literal) {
        StringBuilder sb = new StringBuilder(literal.length());
        for (int k = 0; k < literal.length(); k++) {
            char c = literal.charAt(k);
            if (MentionMatcher.isSpace(c)) {
                if (sb.length() == 0 || sb.charAt(sb.length() - 1) != ' ') {
                    sb.append(' ');
                }
            } else {
                sb.append(MentionMatcher.foldQuote(c));
            }
        }
        return sb.toString();
    }

    /** The symbols as the automaton reads them, without a copy. */
    private record Chars(char[] symbols, int length) implements CharSequence {

        @Override
        public char charAt(int index) {
            return symbols[index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(symbols, start, end - start);
        }

        @Override
        public String toString() {
            return new String(symbols, 0, length);
        }
    }
}
