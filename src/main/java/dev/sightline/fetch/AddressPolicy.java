package dev.sightline.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Which addresses the fetcher may connect to: public unicast ones only. Loopback, private (RFC 1918, unique local),
 * carrier-grade NAT, link-local (where cloud metadata services live), multicast, unspecified and reserved ranges are
 * refused, whatever name led to them.
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
            if (isMappedOrCompatibleV4(b)) {
                try {
                    byte[] v4 = {b[12], b[13], b[14], b[15]};
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

    private static boolean isMappedOrCompatibleV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0 && (b[12] | b[13]) != 0);
    }
}
