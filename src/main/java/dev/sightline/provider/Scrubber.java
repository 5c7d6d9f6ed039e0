package dev.sightline.provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

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
    private static final Scrubber NONE = new Scrubber(null);
    private static final Map<Secret, Scrubber> SINGLE = new ConcurrentHashMap<>();

    private final Pattern pattern;

    private Scrubber(Pattern pattern) {
        this.pattern = pattern;
    }

    public static Scrubber of(Collection<Secret> secrets) {
        List<String> alternatives = new ArrayList<>();
        for (Secret s : secrets) {
            if (s != null && s.reveal().length() >= MIN_LENGTH) {
                alternatives.add(spelled(s.reveal()));
            }
        }
        if (alternatives.isEmpty()) {
            return NONE;
        }
        // longest first, so a key that contains another is masked whole
        alternatives.sort((a, b) -> b.length() - a.length());
        return new Scrubber(Pattern.compile(String.join("|", alternatives)));
    }

    /** For one key (the codecs' own defence); built once per key. */
    public static Scrubber of(Secret secret) {
        return secret == null || secret.reveal().length() < MIN_LENGTH ? NONE
                : SINGLE.computeIfAbsent(secret, s -> of(List.of(s)));
    }

    public String scrub(String text) {
        if (pattern == null || text == null || text.isEmpty()) {
            return text;
        }
        return pattern.matcher(text).replaceAll(MASK);
    }

    public Map<String, List<String>> scrub(Map<String, List<String>> headers) {
        if (pattern == null) {
            return headers;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, v.stream().map(this::scrub).toList()));
        return out;
    }

    /** Every text field of a decoded reply: answers assembled from parts can hold a key no single part held. */
    public ProviderResult scrub(ProviderResult r) {
        if (pattern == null) {
            return r;
        }
        if (!r.isOk()) {
            ProviderFailure f = r.failure();
            return ProviderResult.failed(new ProviderFailure(f.type(), f.httpStatus(), scrub(f.code()),
                    scrub(f.message()), f.retryAfter()));
        }
        Answer a = r.answer();
        List<Citation> citations = a.citations().stream().map(c -> new Citation(scrub(c.url()), scrub(c.title()),
                scrub(c.domain()), scrub(c.source()))).toList();
        return ProviderResult.ok(new Answer(scrub(a.text()), citations, a.modelRequested(), scrub(a.modelServed()),
                a.tokensIn(), a.tokensOut(), a.searchCalls(), scrub(a.providerRequestId()), scrub(a.finishReason()),
                a.latencyMs(), a.costUsd()));
    }

    /** A regex for the key in any case, each character also as a JSON {@code \}{@code uXXXX} escape. */
    private static String spelled(String key) {
        StringBuilder sb = new StringBuilder("(?:");
        key.codePoints().forEach(cp -> {
            sb.append("(?:");
            String lower = Character.toString(Character.toLowerCase(cp));
            String upper = Character.toString(Character.toUpperCase(cp));
            sb.append(Pattern.quote(lower));
            if (!upper.equals(lower)) {
                sb.append('|').append(Pattern.quote(upper));
            }
            for (String form : lower.equals(upper) ? List.of(lower) : List.of(lower, upper)) {
                for (char c : form.toCharArray()) {
                    // the escape of one UTF-16 unit; a supplementary character is two escapes in JSON
                    if (form.length() == 1) {
                        sb.append("|\\\\u(?i:").append(String.format("%04x", (int) c)).append(')');
                    }
                }
            }
            if (cp == '/') {
                sb.append("|\\\\/");
            }
            sb.append(')');
        });
        return sb.append(')').toString();
    }
}
