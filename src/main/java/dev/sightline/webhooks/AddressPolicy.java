package dev.sightline.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import org.apache.hc.client5.http.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.values.Text;

/**
 * Where webhooks may go. A host that resolves to a loopback, private, link-local, unique-local, shared (CGNAT) or
 * cloud metadata address is refused unless {@code sightline.webhooks.allow-private=true}. As the HTTP client's
 * resolver it decides on the addresses the connection is then made to, so a name cannot resolve to a public address
 * for the check and to a private one for the call.
 */
public final class AddressPolicy implements DnsResolver {

    private static final Logger LOG = LoggerFactory.getLogger(AddressPolicy.class);

    /** Thrown for a refused host; the delivery fails at once instead of being retried for a day. */
    public static final class RefusedAddressException extends UnknownHostException {
        public RefusedAddressException(String message) {
            super(message);
        }
    }

    private final boolean allowPrivate;

    public AddressPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] all = InetAddress.getAllByName(host);
        if (!allowPrivate) {
            for (InetAddress a : all) {
                String why = refusal(a);
                if (why != null) {
                    // the address itself only in the log: the reply would map a node's internal names for a caller
                    LOG.info("Webhook host {} resolves to {}, {} address: refused", Text.quote(host, 200),
                            a.getHostAddress(), why);
                    throw new RefusedAddressException("webhook host " + host + " resolves to " + why
                            + " address (allowed only with sightline.webhooks.allow-private=true)");
                }
            }
        }
        return all;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return resolve(host)[0].getCanonicalHostName();
    }

    /** Why an address may not receive webhooks ("a loopback"...), or null when it may. */
    public static String refusal(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "a loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return a.getHostAddress().equals("169.254.169.254") ? "a cloud metadata" : "a link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "a private";
        }
        if (a.isMulticastAddress()) {
            return "a multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            if (o0 == 100 && o1 >= 64 && o1 < 128) {
                return o1 == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200 ? "a cloud metadata" : "a shared";
            }
            if (o0 == 0 || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0)) {
                return "a reserved";
            }
        } else if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return (b[0] & 0xff) == 0xfd && (b[1] & 0xff) == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                        ? "a cloud metadata" : "a unique-local";
            }
            if (dev.sightline.fetch.AddressPolicy.reservedV6(b)) {
                return "a reserved";
            }
            byte[] v4 = dev.sightline.fetch.AddressPolicy.embeddedV4(b);
            if (v4 != null) {
                try {
                    return refusal(InetAddress.getByAddress(v4));
                } catch (UnknownHostException e) {
                    return "an unreadable";
                }
            }
        }
        return null;
    }
}
