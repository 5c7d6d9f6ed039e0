package dev.sightline.provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.sightline.values.Citation;

/**
 * Removes credentials from what a provider sends back before any of it is stored, logged or cut short. A key is
 * found in any letter case and also where a JSON string spells a character as a {@code \}{@code uXXXX} escape,
 * so an echo that decodes to the key is caught in the raw body too. Keys shorter than {@value #MIN_LENGTH}
 * characters (a placeholder such as Ollama's {@code ollama}) are not secrets worth protecting, and scrubbing them
 * would blank ordinary words out of answers.
 */
public final class Scrubber {

    public static final String MASK = "***";
    static final int MIN_LENGTH = 8;
    private static final Scrubber NONE = new Scrubber(new Key[0]);
    private static final Map<Secret, Scrubber> SINGLE = new ConcurrentHashMap<>();

    /** The keys, longest first (a key that contains another is masked whole). */
    private final Key[] keys;
    /**
     * The ASCII characters a key may start at (its first character in either case, or a JSON escape's backslash):
     * most characters of a body are ruled out by one lookup instead of a test per key (the scan was 7% of the app's
     * CPU in the overhead bench, more than decoding the JSON it scanned).
     */
    private final boolean[] startsAscii = new boolean[128];

    /** A key's characters in lower and in upper case. */
    private record Key(char[] lower, char[] upper) {
        static Key of(String key) {
            char[] lower = new char[key.length()];
            char[] upper = new char[key.length()];
            for (int i = 0; i < key.length(); i++) {
                lower[i] = Character.toLowerCase(key.charAt(i));
                upper[i] = Character.toUpperCase(key.charAt(i));
            }
            return new Key(lower, upper);
        }

        boolean mayStartWith(char c) {
            return c == lower[0] || c == upper[0] || c == '\\';
        }

        boolean same(char c, int at) {
            return c == lower[at] || c == upper[at];
        }
    }

    private Scrubber(Key[] keys) {
        this.keys = keys;
        for (Key k : keys) {
            for (char c : new char[] {k.lower()[0], k.upper()[0], '\\'}) {
                if (c < 128) {
                    startsAscii[c] = true;
                }
            }
        }
    }

    /** Whether a key may start at a character (one lookup for ASCII). */
    private boolean mayStart(char c) {
        if (c < 128) {
            return startsAscii[c];
        }
        for (Key key : keys) {
            if (key.mayStartWith(c)) {
                return true;
            }
        }
        return false;
    }

    public static Scrubber of(Collection<Secret> secrets) {
        List<Key> keys = new ArrayList<>();
        for (Secret s : secrets) {
            if (s != null && s.reveal().length() >= MIN_LENGTH) {
                keys.add(Key.of(s.reveal()));
            }
        }
        if (keys.isEmpty()) {
            return NONE;
        }
        keys.sort((a, b) -> b.lower().length - a.lower().length);
        return new Scrubber(keys.toArray(new Key[0]));
    }

    /** For one key (the codecs' own defence); built once per key. */
    public static Scrubber of(Secret secret) {
        return secret == null || secret.reveal().length() < MIN_LENGTH ? NONE
                : SINGLE.computeIfAbsent(secret, s -> of(List.of(s)));
    }

    /** One pass over the text; a text without a key comes back as it is, without a copy. */
    public String scrub(String text) {
        if (keys.length == 0 || text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (!mayStart(c)) {
                i++;
                continue;
            }
            int end = -1;
            for (Key key : keys) {
                if (key.mayStartWith(c)) {
                    end = matchAt(text, i, key);
                    if (end > 0) {
                        break;
                    }
                }
            }
            if (end < 0) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, i).append(MASK);
            copied = end;
            i = end;
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    public Map<String, List<String>> scrub(Map<String, List<String>> headers) {
        if (keys.length == 0) {
            return headers;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, v.stream().map(this::scrub).toList()));
        return out;
    }

    /**
     * Every text field of a decoded reply: answers assembled from parts can hold a key no single part held. A reply
     * without a key comes back as it is, the same instance (each text is compared by identity: {@link #scrub(String)}
     * returns a text without a key itself).
     */
    public ProviderResult scrub(ProviderResult r) {
        if (keys.length == 0) {
            return r;
        }
        if (!r.isOk()) {
            ProviderFailure f = r.failure();
            String code = scrub(f.code());
            String message = scrub(f.message());
            return code == f.code() && message == f.message() ? r
                    : ProviderResult.failed(new ProviderFailure(f.type(), f.httpStatus(), code, message,
                            f.retryAfter()));
        }
        Answer a = r.answer();
        List<Citation> citations = a.citations().stream().map(this::scrub).toList();
        boolean same = true;
        for (int i = 0; i < citations.size(); i++) {
            same &= citations.get(i) == a.citations().get(i);
        }
        String text = scrub(a.text());
        String modelServed = scrub(a.modelServed());
        String requestId = scrub(a.providerRequestId());
        String finishReason = scrub(a.finishReason());
        if (same && text == a.text() && modelServed == a.modelServed() && requestId == a.providerRequestId()
                && finishReason == a.finishReason()) {
            return r;
        }
        return ProviderResult.ok(new Answer(text, citations, a.modelRequested(), modelServed, a.tokensIn(),
                a.tokensOut(), a.searchCalls(), requestId, finishReason, a.latencyMs(), a.costUsd()));
    }

    private Citation scrub(Citation c) {
        String url = scrub(c.url());
        String title = scrub(c.title());
        String domain = scrub(c.domain());
        String source = scrub(c.source());
        return url == c.url() && title == c.title() && domain == c.domain() && source == c.source() ? c
                : new Citation(url, title, domain, source);
    }

    /**
     * Where the key ends if it starts at {@code i} (-1: it does not): each of its characters in either case, or as
     * a JSON escape ({@code \\u0073}, {@code \\/}).
     */
    private static int matchAt(String t, int i, Key key) {
        int j = i;
        for (int k = 0; k < key.lower().length; k++) {
            if (j >= t.length()) {
                return -1;
            }
            char c = t.charAt(j);
            if (key.same(c, k)) {
                j++;
            } else if (c == '\\' && j + 1 < t.length() && t.charAt(j + 1) == '/' && key.lower()[k] == '/') {
                j += 2;
            } else if (c == '\\' && j + 5 < t.length() && t.charAt(j + 1) == 'u' && key.same(hex(t, j + 2), k)) {
                j += 6;
            } else {
                return -1;
            }
        }
        return j;
    }

    /** The character four hex digits at {@code at} spell, or U+FFFF when they are not hex digits. */
    private static char hex(String t, int at) {
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(t.charAt(k), 16);
            if (d < 0) {
                return '\uFFFF';
            }
            v = v * 16 + d;
        }
        return (char) v;
    }
}
