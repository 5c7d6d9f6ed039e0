package dev.sightline.analysis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.sightline.values.Citation;
import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

/**
 * The pages an answer cites: the provider's own list first (source "native", marker = 1-based position), then
 * markdown links and bare URLs of the text that the native list does not already hold (source "text"). A
 * Perplexity-style "[n]" marker points into the native list, so it adds no row. URLs are compared normalised:
 * scheme and host lowercased, "www." dropped, default port, fragment, tracking parameters and trailing slash
 * removed.
 */
final class CitationExtractor {

    private final List<TrackedEntity> entities;
    private final List<List<String>> domains;

    CitationExtractor(List<TrackedEntity> entities, List<List<String>> domains) {
        this.entities = entities;
        this.domains = domains;
    }

    List<CitedSource> extract(TextLayout t, List<Citation> nativeCitations) {
        List<CitedSource> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (nativeCitations != null) {
            for (int i = 0; i < nativeCitations.size(); i++) {
                Citation c = nativeCitations.get(i);
                if (c == null) {
                    continue;
                }
                String url = c.url() == null ? "" : c.url().strip();
                String host = c.domain() != null && !c.domain().isBlank()
                        ? Domains.normaliseDomain(c.domain()) : Domains.host(url);
                if (url.isEmpty() && host.isEmpty()) {
                    continue;
                }
                String key = url.isEmpty() ? "domain:" + host : normalise(url);
                if (!seen.add(key)) {
                    continue;
                }
                out.add(source(url, host, "native", i + 1));
            }
        }
        for (TextLayout.UrlSpan span : t.urls) {
            String url = span.url();
            String key = normalise(url);
            if (!seen.add(key)) {
                continue;
            }
            String host = Domains.host(url.regionMatches(true, 0, "www.", 0, 4) ? "https://" + url : url);
            if (host.isEmpty() || host.indexOf('.') < 0 && !host.equals("localhost")) {
                continue;
            }
            out.add(source(url, host, "text", null));
        }
        return out;
    }

    private CitedSource source(String url, String host, String source, Integer marker) {
        String h = host.startsWith("www.") ? host.substring(4) : host;
        String domain = Domains.registrable(h);
        for (EntityKind kind : new EntityKind[]{EntityKind.BRAND, EntityKind.COMPETITOR}) {
            for (int e = 0; e < entities.size(); e++) {
                if (entities.get(e).kind() != kind) {
                    continue;
                }
                for (String d : domains.get(e)) {
                    if (Domains.within(h, d)) {
                        Owner owner = kind == EntityKind.BRAND ? Owner.BRAND : Owner.COMPETITOR;
                        return new CitedSource(url, domain, owner, entities.get(e).name(), source, marker);
                    }
                }
            }
        }
        return new CitedSource(url, domain, Owner.OTHER, null, source, marker);
    }

    /** The form two URLs are compared in. */
    static String normalise(String url) {
        String u = url.strip();
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.startsWith("www.")) {
            u = "https://" + u;
            lower = "https://" + lower;
        }
        int scheme = lower.indexOf("://");
        String rest = scheme >= 0 ? u.substring(scheme + 3) : u;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int slash = indexOfAny(rest, "/?");
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        authority = authority.toLowerCase(Locale.ROOT);
        if (authority.startsWith("www.")) {
            authority = authority.substring(4);
        }
        if (authority.endsWith(":443") || authority.endsWith(":80")) {
            authority = authority.substring(0, authority.lastIndexOf(':'));
        }
        int q = path.indexOf('?');
        if (q >= 0) {
            StringBuilder kept = new StringBuilder();
            for (String param : path.substring(q + 1).split("&")) {
                String name = param.toLowerCase(Locale.ROOT);
                if (param.isEmpty() || name.startsWith("utm_") || name.startsWith("ref=") || name.startsWith("gclid")
                        || name.startsWith("fbclid")) {
                    continue;
                }
                kept.append(kept.length() == 0 ? '?' : '&').append(param);
            }
            path = path.substring(0, q) + kept;
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.startsWith("/?")) {
            path = path.substring(1);
        }
        return authority + path;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
