package dev.sightline.analysis;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A read-only map from lowercase words to values that is looked up with a range of the answer text, lowercased on
 * the fly, so that a lookup allocates nothing. The analyzer looks up every word of every answer; building a
 * lowercase String per word was its largest single cost. A curly apostrophe reads as a straight one.
 *
 * <p>Text outside ASCII takes the slow path: the range is lowercased with {@link Locale#ROOT} exactly as
 * {@link String#toLowerCase(Locale)} would, then looked up as a String.
 */
final class CharTable<V> {

    private final char[][] keys;
    private final int[] hashes;
    private final Object[] values;
    private final int mask;
    private final Map<String, V> slow;
    /** Per first ASCII letter or digit, a bit per key length (up to 63): most words are ruled out here. */
    private final long[] lengthsByFirst = new long[128];

    CharTable(Map<String, V> entries) {
        int cap = Integer.highestOneBit(Math.max(4, entries.size() * 3)) << 1;
        keys = new char[cap][];
        hashes = new int[cap];
        values = new Object[cap];
        mask = cap - 1;
        for (Map.Entry<String, V> e : entries.entrySet()) {
            String key = e.getKey();
            int slot = key.hashCode() & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            char first = key.isEmpty() ? 0 : key.charAt(0);
            if (first < 128) {
                // a key outside ASCII may be the lowercase of a text of another length ("İ" becomes two chars)
                boolean ascii = key.chars().allMatch(c -> c < 128);
                lengthsByFirst[first] |= ascii ? 1L << Math.min(63, key.length()) : -1L;
            }
            keys[slot] = key.toCharArray();
            hashes[slot] = key.hashCode();
            values[slot] = e.getValue();
        }
        slow = new HashMap<>(entries);
    }

    /** The value for text[from, to) lowercased, or null. */
    @SuppressWarnings("unchecked")
    V get(String text, int from, int to) {
        if (to <= from) {
            return slow.get("");
        }
        if (ruledOut(text, from, to)) {
            return null;
        }
        int h = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= 128) {
                if (c != '’') {
                    return slow.get(lower(text, from, to));
                }
                c = '\'';
            } else if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            h = 31 * h + c;
        }
        return probe(text, from, to, h);
    }

    /**
     * The value for an all-ASCII range whose lowercase hash the caller already has (a {@link TextLayout} atom).
     */
    V getAscii(String text, int from, int to, int lowerHash) {
        if (to <= from || ruledOut(text, from, to)) {
            return to <= from ? slow.get("") : null;
        }
        return probe(text, from, to, lowerHash);
    }

    private boolean ruledOut(String text, int from, int to) {
        char first = text.charAt(from);
        if (first >= 128) {
            return false;
        }
        if (first >= 'A' && first <= 'Z') {
            first += 32;
        }
        return (lengthsByFirst[first] & 1L << Math.min(63, to - from)) == 0;
    }

    @SuppressWarnings("unchecked")
    private V probe(String text, int from, int to, int h) {
        int len = to - from;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            char[] key = keys[slot];
            if (key == null) {
                return null;
            }
            if (hashes[slot] == h && key.length == len && sameLower(text, from, key)) {
                return (V) values[slot];
            }
        }
    }

    private static boolean sameLower(String text, int from, char[] key) {
        for (int k = 0; k < key.length; k++) {
            char c = text.charAt(from + k);
            if (c == '’') {
                c = '\'';
            } else if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != key[k]) {
                return false;
            }
        }
        return true;
    }

    /** text[from, to) lowercased with Locale.ROOT, curly apostrophes straightened. */
    static String lower(String text, int from, int to) {
        String s = text.substring(from, to).toLowerCase(Locale.ROOT);
        return s.indexOf('’') >= 0 ? s.replace('’', '\'') : s;
    }
}
