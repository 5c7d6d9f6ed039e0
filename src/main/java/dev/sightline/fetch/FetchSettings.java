package dev.sightline.fetch;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How the fetcher behaves ({@code sightline.fetch.*}).
 *
 * @param userAgent      the one User-Agent every request carries
 * @param productToken   the name robots.txt groups are matched against
 * @param perHost        requests at a time to one host on this node
 * @param maxConcurrent  requests at a time on this node, whatever their hosts
 * @param connectTimeout to open a connection
 * @param timeout        for one request, from sending it to the last byte of the body
 * @param allowPrivate   connect to private addresses too (tests only)
 * @param robotsTtl      how long a host's robots.txt is trusted
 * @param pinned         hosts reached at a fixed address and port whatever DNS says ({@code sightline.fetch.resolve},
 *                       like curl's --resolve); they skip the private-address check, being set by the operator
 * @param simulatedWeb   when set, the origin of the built-in simulator: every host is served by its simulated web
 *                       ({@code /web/<host><path>}), nothing is looked up or fetched from the network
 */
public record FetchSettings(String userAgent, String productToken, int perHost, int maxConcurrent,
                            Duration connectTimeout,
                            Duration timeout, boolean allowPrivate, Duration robotsTtl,
                            Map<String, InetSocketAddress> pinned, URI simulatedWeb) {

    /** Redirects followed per page, each one checked like the first request. */
    public static final int MAX_REDIRECTS = 5;
    /** Largest body read (after decompression). */
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    /** Largest robots.txt read (RFC 9309 asks crawlers to parse at least 500 KiB). */
    public static final int MAX_ROBOTS_BYTES = 512 * 1024;

    public FetchSettings {
        pinned = Map.copyOf(pinned);
    }

    public static String userAgent(String version, String contactUrl) {
        return "Sightline/" + version + (contactUrl == null || contactUrl.isBlank()
                ? " (page analysis)" : " (+" + contactUrl.strip() + ")");
    }
}
