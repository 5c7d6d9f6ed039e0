package dev.sightline.analysis;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Host names and registrable domains (public suffix list through Guava). */
public final class Domains {

    /**
     * Registrable domains by host. The public-suffix lookup costs more than everything else done for a citation,
     * and answers cite the same few hundred hosts over and over; the cap only guards against unbounded growth.
     */
    private static final Map<String, String> REGISTRABLE = new ConcurrentHashMap<>();
    private static final int REGISTRABLE_CACHE_SIZE = 20_000;

    private Domains() {
    }

    /** The lowercase host of a URL (scheme optional), without user info, port or trailing dot; "" if none. */
    public static String host(String url) {
        if (url == null) {
            return "";
        }
        String s = url.strip();
        int scheme = s.indexOf("://");
        if (scheme >= 0 && scheme < 12) {
            s = s.substring(scheme + 3);
        } else if (s.startsWith("//")) {
            s = s.substring(2);
        }
        int end = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?' || c == '#' || c == '\\') {
                end = i;
                break;
            }
        }
        s = s.substring(0, end);
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            return (close > 0 ? s.substring(0, close + 1) : s).toLowerCase(Locale.ROOT);
        }
        int colon = s.indexOf(':');
        if (colon >= 0) {
            s = s.substring(0, colon);
        }
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** A bare domain as configured or as a provider states it: "www.Close.com" -> "close.com". */
    static String normaliseDomain(String domain) {
        String h = host(domain);
        return h.startsWith("www.") ? h.substring(4) : h;
    }

    /**
     * The registrable domain ("blog.hubspot.com" -> "hubspot.com", "bbc.co.uk" stays); the host itself for IP
     * addresses, single-label or invalid hosts and hosts that are public suffixes.
     */
    public static String registrable(String host) {
        if (host == null || host.isEmpty()) {
            return "";
        }
        String known = REGISTRABLE.get(host);
        if (known != null) {
            return known;
        }
        String domain = lookUpRegistrable(host);
        if (REGISTRABLE.size() < REGISTRABLE_CACHE_SIZE) {
            REGISTRABLE.put(host, domain);
        }
        return domain;
    }

    private static String lookUpRegistrable(String host) {
        String h = host.startsWith("[") ? host : host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") || InetAddresses.isInetAddress(h)) {
            return h;
        }
        try {
            InternetDomainName name = InternetDomainName.from(h);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
        } catch (IllegalArgumentException | IllegalStateException invalid) {
            // not a valid domain name: the host is the best we have
        }
        return h.startsWith("www.") ? h.substring(4) : h;
    }

    /** True when host is domain or one of its subdomains. */
    static boolean within(String host, String domain) {
        if (host.isEmpty() || domain.isEmpty()) {
            return false;
        }
        return host.equals(domain) || (host.endsWith(domain) && host.charAt(host.length() - domain.length() - 1) == '.');
    }
}
