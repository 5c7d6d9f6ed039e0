package dev.sightline.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Which addresses the fetcher may connect to: public unicast ones only. Loopback, private (RFC 1918, unique local),
 * carrier-grade NAT, link-local (where cloud metadata services live), multicast, unspecified and reserved ranges are
 * refused, whatever name led to them; an IPv6 address that embeds an IPv4 one (mapped, compatible, NAT64, 6to4) is
 * judged by the IPv4 address it reaches.
 */
public final class AddressPolicy {

    private AddressPolicy() {
    }

    public static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            return !(o0 == 0                                  // "this network"
                    || (o0 == 100 && o1 >= 64 && o1 < 128)    // carrier-grade NAT (Alibaba's metadata service)
                    || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (o0 == 198 && (o1 == 18 || o1 == 19))  // benchmarking
                    || o0 >= 240);                            // reserved, broadcast
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return false;                                 // unique local fc00::/7 (AWS metadata fd00:ec2::254)
            }
            if (reservedV6(b)) {
                return false;
            }
            byte[] v4 = embeddedV4(b);
            if (v4 != null) {
                try {
                    return isPublic(InetAddress.getByAddress(v4));
                } catch (java.net.UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Names that mean this machine whatever DNS says (RFC 6761), refused before any lookup. */
    public static boolean isLocalName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("localhost.localdomain");
    }

    /**
     * The IPv4 address an IPv6 address reaches when it embeds one, which is then what must be public: IPv4-mapped
     * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d, SIIT, RFC 6145) and IPv4-compatible (::a.b.c.d), NAT64's
     * well-known prefix (64:ff9b::a.b.c.d, RFC 6052: on a host with NAT64 it reaches a.b.c.d) and 6to4
     * (2002:aabb:ccdd::/48, RFC 3056). Null when it embeds none.
     */
    public static byte[] embeddedV4(byte[] b) {
        if (b.length != 16) {
            return null;
        }
        boolean mapped = zeros(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        boolean translated = zeros(b, 0, 8) && b[8] == (byte) 0xff && b[9] == (byte) 0xff && zeros(b, 10, 12);
        boolean compatible = zeros(b, 0, 12) && (b[12] | b[13]) != 0;
        boolean nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && zeros(b, 4, 12);
        if (mapped || translated || compatible || nat64) {
            return java.util.Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return java.util.Arrays.copyOfRange(b, 2, 6);
        }
        return null;
    }

    /**
     * IPv6 ranges that are never a web site's and may lead inside: NAT64 local-use prefixes (64:ff9b:1::/48, where
     * the IPv4 address sits wherever the operator's prefix length puts it), Teredo (2001::/32, a tunnel to an IPv4
     * client), documentation (2001:db8::/32) and discard-only (100::/64) addresses, and the part of ::/96 that
     * embeds no IPv4 address anything could route to (::0.0.x.y: ::, ::1 and the like).
     */
    public static boolean reservedV6(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        int w0 = (b[0] & 0xff) << 8 | (b[1] & 0xff);
        int w1 = (b[2] & 0xff) << 8 | (b[3] & 0xff);
        int w2 = (b[4] & 0xff) << 8 | (b[5] & 0xff);
        int w3 = (b[6] & 0xff) << 8 | (b[7] & 0xff);
        return zeros(b, 0, 14)
                || (w0 == 0x0064 && w1 == 0xff9b && w2 == 0x0001)
                || (w0 == 0x2001 && w1 == 0x0000)
                || (w0 == 0x2001 && w1 == 0x0db8)
                || (w0 == 0x0100 && w1 == 0 && w2 == 0 && w3 == 0);
    }

    /** Whether {@code b[from, to)} are all zero. */
    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
