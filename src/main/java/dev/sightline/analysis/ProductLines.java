package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Product lines an answer names after their maker ("Hoka Clifton 9", "Kia EV3") and then alone ("the Clifton 9 is
 * lighter than the Cloudmonster 2"): what is said of the line is said of the maker. Only for tone; these references
 * are no mentions.
 */
final class ProductLines {

    /** Words that follow many makers' names and name no line of their own: "Business", "Pro", "Cloud". */
    private static final Set<String> GENERIC = Set.of("pro", "plus", "max", "mini", "business", "teams", "team",
            "enterprise", "free", "premium", "standard", "basic", "online", "cloud", "original", "one", "personal",
            "family", "app", "apps", "plan", "plans", "account", "accounts", "edition", "series", "model", "models",
            "line", "range", "and", "or", "vs", "is", "are", "the", "a", "an", "of", "for", "in", "on", "with",
            "has", "offers", "was", "will", "can", "also", "its");

    private ProductLines() {
    }

    /** The mentions and, in text order among them, the references to product lines the answer named. */
    static List<MentionMatcher.Mention> withReferences(TextLayout t, List<MentionMatcher.Mention> mentions) {
        Map<String, Integer> makers = null;
        for (MentionMatcher.Mention m : mentions) {
            String key = lineAfter(t, m);
            if (key == null) {
                continue;
            }
            if (makers == null) {
                makers = new HashMap<>();
            }
            Integer known = makers.putIfAbsent(key, m.entity);
            if (known != null && known != m.entity) {
                makers.put(key, -1); // two makers' lines share the word: neither is meant
            }
        }
        if (makers == null) {
            return mentions;
        }
        List<MentionMatcher.Mention> out = null;
        int next = 0;
        for (int a = 0; a < t.atomCount; a++) {
            int s = t.atomStart[a];
            int e = t.atomEnd[a];
            char c = t.text.charAt(s);
            if (!Character.isUpperCase(c) && !Character.isDigit(c)) {
                continue; // every key starts so
            }
            Integer entity = makers.get(t.text.substring(s, e));
            if (entity == null || entity < 0 || t.masked.get(s)) {
                continue;
            }
            while (next < mentions.size() && mentions.get(next).end <= s) {
                next++;
            }
            boolean inside = next < mentions.size() && mentions.get(next).start <= s;
            boolean afterMaker = next > 0 && mentions.get(next - 1).entity == entity
                    && onlySpaces(t, mentions.get(next - 1).end, s);
            if (inside || afterMaker || WordLists.isCommon(t.atomLower(a)) && sentenceStart(t, s)) {
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(mentions);
            }
            out.add(new MentionMatcher.Mention(entity, s, e, null, a, a));
        }
        if (out == null) {
            return mentions;
        }
        out.sort((x, y) -> Integer.compare(x.start, y.start));
        return out;
    }

    /**
     * "Clifton" in "Hoka Clifton 9" or "Hoka's Clifton 9": a capitalised word or model code right after the maker's
     * name.
     */
    private static String lineAfter(TextLayout t, MentionMatcher.Mention m) {
        int p = m.end;
        char q = p + 2 < t.length ? t.text.charAt(p) : ' ';
        if ((q == '\'' || q == '’') && t.text.charAt(p + 1) == 's') {
            p += 2; // "De'Longhi's Magnifica S"
        }
        if (p + 1 >= t.length || t.text.charAt(p) != ' ') {
            return null;
        }
        int a = t.atomAtOrAfter(p);
        if (a >= t.atomCount || t.atomStart[a] != p + 1) {
            return null;
        }
        int s = t.atomStart[a];
        int e = t.atomEnd[a];
        char c = t.text.charAt(s);
        boolean letters = false;
        for (int i = s; i < e; i++) {
            letters |= Character.isLetter(t.text.charAt(i));
        }
        if (!letters || e - s < 2 || !(Character.isUpperCase(c) || Character.isDigit(c))
                || GENERIC.contains(t.atomLower(a)) || Lexicon.TABLE.get(t.text, s, e) != null
                && Lexicon.TABLE.get(t.text, s, e).weight != null) {
            return null;
        }
        return t.text.substring(s, e);
    }

    private static boolean onlySpaces(TextLayout t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.text.charAt(i) != ' ') {
                return false;
            }
        }
        return true;
    }

    /** A common word capitalised because it opens a sentence or a line is no product line. */
    private static boolean sentenceStart(TextLayout t, int pos) {
        int s = t.sentenceOf(pos);
        if (s < 0) {
            return true;
        }
        int p = t.sentStart[s];
        while (p < pos && !TextLayout.isLetterOrDigit(t.text.charAt(p))) {
            p++;
        }
        return p == pos;
    }
}
