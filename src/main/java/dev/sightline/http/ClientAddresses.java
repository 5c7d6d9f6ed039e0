package dev.sightline.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;

/**
 * Who a request comes from, for the limits kept per client (failed authentications, connections) and for the logs.
 * Without {@code sightline.http.trusted-proxies} it is the connection's peer and {@code X-Forwarded-For} is ignored
 * (anybody can write one). Behind a reverse proxy every connection comes from the proxy, so one client guessing tokens
 * would have every user of the proxy refused: with the proxy's addresses or ranges listed there, a request whose peer
 * is one of them comes from the address the proxy wrote in {@code X-Forwarded-For}, read from the right (the entry
 * the nearest proxy appended) past any further trusted proxies; entries further left were written by the client and
 * are never believed. An IPv6 client counts by its /64, which one subscriber is routinely given whole.
 */
public final class ClientAddresses {

    public static final String SETTING = "sightline.http.trusted-proxies";
    /** Entries of X-Forwarded-For looked at, at most (the header's size is bounded too). */
    private static final int MAX_HOPS = 32;

    private final List<IpSubnetFilterRule> trusted;

    private ClientAddresses(List<IpSubnetFilterRule> trusted) {
        this.trusted = trusted;
    }

    /** Reads {@value #SETTING}: addresses and CIDR ranges, comma-separated (empty: trust no proxy). */
    public static ClientAddresses from(Config c) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String entry : c.string(SETTING, "").split(",")) {
            String e = entry.strip();
            if (!e.isEmpty()) {
                rules.add(rule(e));
            }
        }
        return new ClientAddresses(List.copyOf(rules));
    }

    private static IpSubnetFilterRule rule(String entry) {
        int slash = entry.indexOf('/');
        InetAddress address = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (address == null) {
            throw new ConfigException("Invalid setting " + SETTING + ": '" + entry
                    + "' is not an IP address or range (a host name is not allowed: name the proxy's address)");
        }
        int bits = address instanceof Inet6Address ? 128 : 32;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException ex) {
                prefix = -1;
            }
            if (prefix < 1 || prefix > bits) {
                throw new ConfigException("Invalid setting " + SETTING + ": '" + entry + "' has a prefix length outside 1-"
                        + bits + (prefix == 0 ? " (a /0 would trust every address: anybody could name any client)" : ""));
            }
        }
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }

    /** The client a request comes from, as a key of the per-client limits and for the logs. */
    public String of(HttpServerRequest request) {
        InetAddress peer = address(request.remoteAddress());
        if (peer == null) {
            return "?";
        }
        if (!trusts(peer)) {
            return key(peer);
        }
        return key(forwardedClient(peer, request.headers().getAll("X-Forwarded-For")));
    }

    /**
     * The client of a connection, for the connections it may hold: null for a trusted proxy, whose connections carry
     * many clients (limit those at the proxy).
     */
    String ofConnection(SocketAddress remote) {
        InetAddress peer = address(remote);
        if (peer == null) {
            return "?";
        }
        return trusts(peer) ? null : key(peer);
    }

    /**
     * The client behind a trusted peer: the rightmost entry of X-Forwarded-For that is not itself a trusted proxy.
     * An entry that is no address ends the walk at the hop that wrote it (that proxy is as far as anything is known).
     */
    InetAddress forwardedClient(InetAddress peer, List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String h : headers) {
            for (String part : h.split(",")) {
                hops.add(part.strip());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1, seen = 0; i >= 0 && seen < MAX_HOPS && trusts(client); i--, seen++) {
            InetAddress hop = literal(withoutPort(hops.get(i)));
            if (hop == null) {
                break;
            }
            client = hop;
        }
        return client;
    }

    private boolean trusts(InetAddress a) {
        InetSocketAddress s = new InetSocketAddress(a, 0);
        for (IpSubnetFilterRule r : trusted) {
            if (r.matches(s)) {
                return true;
            }
        }
        return false;
    }

    /** {@code 203.0.113.7}, {@code 203.0.113.7:4711}, {@code [2001:db8::1]:4711} or {@code 2001:db8::1}. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    /** An IP literal, never looked up by name (null: not one). */
    private static InetAddress literal(String s) {
        return s.isEmpty() ? null : NetUtil.createInetAddressFromIpAddressString(s);
    }

    private static InetAddress address(SocketAddress remote) {
        return remote == null || remote.hostAddress() == null ? null : literal(remote.hostAddress());
    }

    /**
     * The key a client is counted by: an IPv4 address (also one written as IPv4-mapped IPv6) as itself, an IPv6
     * address by its /64 ({@code 2001:db8:1:2::/64}), the loopback {@code ::1} as itself.
     */
    static String key(InetAddress a) {
        if (!(a instanceof Inet6Address) || a.isLoopbackAddress()) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            out.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
        }
        return out.append(":/64").toString();
    }
}
