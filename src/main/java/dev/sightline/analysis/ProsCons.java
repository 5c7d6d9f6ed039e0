package dev.sightline.analysis;

import java.util.Set;

/**
 * The pros and cons sections of one answer: what follows a "Pros:" or "Cons:" label ("Drawbacks", "Where it falls
 * short", "What we like"...), on the label's line and in the lines it heads. Every point there is a strength or a
 * weakness, whether or not the sentiment lexicon knows its words ("Cons: narrow toe box").
 */
final class ProsCons {

    static final byte NONE = 0, PROS = 1, CONS = -1;

    private static final Set<String> PROS_WORDS = Set.of("pros", "pro", "strengths", "strength", "advantages",
            "advantage", "upsides", "upside", "positives", "likes", "shines", "benefits", "love", "loved", "vorteile",
            "stärken", "voordelen", "pluspunten");
    private static final Set<String> CONS_WORDS = Set.of("cons", "con", "weaknesses", "weakness", "drawbacks",
            "drawback", "downsides", "downside", "limitations", "limitation", "disadvantages", "negatives",
            "complaints", "complaint", "shortcomings", "caveats", "caveat", "concerns", "dislike", "dislikes",
            "avoid", "tradeoffs", "gripes", "minuses", "nachteile", "schwächen", "nadelen", "minpunten");
    /** Words that make a label only after or before another: "falls short", "watch out", "trade-offs", "we like". */
    private static final Set<String> FALL = Set.of("falls", "fall", "comes", "come");
    private static final Set<String> LIKERS = Set.of("we", "i", "users", "reviewers", "people", "customers");
    /** Longest label: "What we don't like", "Where it falls short". */
    private static final int LABEL_WORDS = 5;

    /** Per line: the side of the section the line is in. */
    final byte[] side;
    /** Per line: where the section's text starts on it (after the label on the label's own line). */
    final int[] from;
    /** Per line: where the section's text ends on it (a label inside a paragraph reaches to its sentence's end). */
    final int[] until;

    ProsCons(TextLayout t) {
        side = new byte[t.lineCount];
        from = new int[t.lineCount];
        until = new int[t.lineCount];
        System.arraycopy(t.lineEnd, 0, until, 0, t.lineCount);
        int l = 0;
        while (l < t.lineCount) {
            int[] label = label(t, l);
            if (label == null) {
                l++;
                continue;
            }
            byte s = (byte) label[0];
            side[l] = s;
            from[l] = label[1];
            boolean inline = hasWords(t, label[1], t.lineEnd[l]);
            if (inline && t.kind[l] == TextLayout.TEXT) {
                // "One caveat: VPN pricing changes constantly. ... Mullvad is worth considering": the label heads
                // its sentence, not the rest of the paragraph
                int sentence = t.sentenceOf(label[1]);
                if (sentence >= 0) {
                    until[l] = t.sentEnd[sentence];
                }
                l++;
                continue;
            }
            boolean listItem = t.kind[l] == TextLayout.BULLET || t.kind[l] == TextLayout.NUM;
            int ind = t.indent[l];
            boolean paragraph = false;
            int m = l + 1;
            for (; m < t.lineCount; m++) {
                byte k = t.kind[m];
                if (k == TextLayout.BLANK) {
                    if (t.rule[m]) {
                        break;
                    }
                    paragraph = false;
                    continue;
                }
                if (k == TextLayout.HEADING || k == TextLayout.TABLE || k == TextLayout.TABLE_SEP
                        || label(t, m) != null || labelled(t, m)) {
                    break;
                }
                boolean item = k == TextLayout.BULLET || k == TextLayout.NUM;
                boolean keep;
                if (t.indent[m] > ind && !(t.kind[l] == TextLayout.HEADING && !item)) {
                    keep = true;
                } else if (item) {
                    keep = !listItem && !inline;
                } else {
                    // a paragraph right under "**Cons:**" and its continuation lines
                    keep = paragraph || !inline && m == nextNonBlank(t, l);
                }
                if (!keep) {
                    break;
                }
                paragraph = !item;
                side[m] = s;
                from[m] = t.lineStart[m];
            }
            l = Math.max(l + 1, m);
        }
    }

    /**
     * The side of a label or column header given its lowercase words one by one (prev is the word before, or
     * null): CONS as soon as one word says so, PROS when one does and none says CONS, NONE otherwise.
     */
    static byte side(String prev, String word, String next, byte sofar) {
        boolean cons = CONS_WORDS.contains(word)
                || word.equals("short") && prev != null && FALL.contains(prev)
                || word.equals("watch") && ("out".equals(next) || next == null)
                || word.equals("trade") && "offs".equals(next)
                || word.equals("like") && prev != null && (prev.equals("don't") || prev.equals("dont")
                        || prev.equals("t") || prev.equals("not"));
        if (cons) {
            return CONS;
        }
        boolean pros = PROS_WORDS.contains(word) || word.equals("like") && prev != null && LIKERS.contains(prev);
        return sofar == NONE && pros ? PROS : sofar;
    }

    /**
     * {side, end of the label} when line l is a pros or cons label: a heading of a few words, or a short lead
     * closed by a colon or bold ("**Cons:** pricey", "- Pros: cheap", "**Drawbacks**"); null otherwise.
     */
    private static int[] label(TextLayout t, int l) {
        byte k = t.kind[l];
        if (k == TextLayout.BLANK || k == TextLayout.TABLE || k == TextLayout.TABLE_SEP) {
            return null;
        }
        int p = t.contentStart[l];
        int e = t.lineEnd[l];
        int end;
        int labelEnd;
        if (k == TextLayout.HEADING) {
            end = e;
            labelEnd = e;
        } else {
            int close = boldClose(t, p, e);
            boolean bold = close >= 0;
            int colon = indexOf(t.text, ':', p, e);
            if (bold && close > p && close < e && (colon < 0 || colon > close || colon == close - 1)) {
                end = close;
                labelEnd = close + 2;
                if (colon < 0 || colon > close) {
                    // "**Pros**" alone, or "**Pros**: ..."
                    int r = labelEnd;
                    while (r < e && t.text.charAt(r) == ' ') {
                        r++;
                    }
                    if (r < e && t.text.charAt(r) != ':') {
                        return null;
                    }
                    labelEnd = r < e ? r + 1 : e;
                }
            } else if (colon > p && colon < e && colon - p <= 40) {
                end = colon;
                labelEnd = colon + 1;
                while (labelEnd < e && (t.text.charAt(labelEnd) == '*' || t.text.charAt(labelEnd) == '_')) {
                    labelEnd++;
                }
            } else {
                return null;
            }
        }
        byte s = NONE;
        int first = t.atomAtOrAfter(p);
        for (int a = first; a < t.atomCount && t.atomStart[a] < end; a++) {
            if (a - first >= LABEL_WORDS) {
                return null;
            }
            String next = a + 1 < t.atomCount && t.atomStart[a + 1] < end ? t.atomLower(a + 1) : null;
            s = side(a > first ? t.atomLower(a - 1) : null, t.atomLower(a), next, s);
        }
        return s == NONE ? null : new int[]{s, labelEnd};
    }

    /** Another kind of label ("**Best for:**", "**Verdict**") ends a section too. */
    private static boolean labelled(TextLayout t, int l) {
        if (t.kind[l] != TextLayout.BOLD) {
            return false;
        }
        int close = boldClose(t, t.contentStart[l], t.lineEnd[l]);
        return close > 0 && (close == t.lineEnd[l] - 2 || t.text.charAt(close - 1) == ':'
                || close + 2 < t.lineEnd[l] && t.text.charAt(close + 2) == ':');
    }

    /** Where the "**" or "__" opening at p closes on the line, or -1. */
    private static int boldClose(TextLayout t, int p, int e) {
        if (p + 2 > e) {
            return -1;
        }
        char c = t.text.charAt(p);
        if ((c != '*' && c != '_') || t.text.charAt(p + 1) != c) {
            return -1;
        }
        for (int i = p + 2; i + 1 < e; i++) {
            if (t.text.charAt(i) == c && t.text.charAt(i + 1) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(String text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean hasWords(TextLayout t, int from, int to) {
        int a = t.atomAtOrAfter(from);
        return a < t.atomCount && t.atomStart[a] < to;
    }

    private static int nextNonBlank(TextLayout t, int l) {
        int m = l + 1;
        while (m < t.lineCount && t.kind[m] == TextLayout.BLANK) {
            m++;
        }
        return m;
    }
}
