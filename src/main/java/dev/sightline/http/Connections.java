package dev.sightline.http;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the HTTP server answering while clients hold connections open without finishing a request (slowloris,
 * half-open connections, bodies sent a byte at a time): a connection must send a whole request head within the header
 * timeout of opening or of its previous response, and the request's body within the body timeout of its head, plus a
 * second for every {@code body-min-rate} bytes received (an upload that keeps up with that rate is never cut); a
 * client address may hold a bounded number of connections; and when all connections are in use, the one that has
 * waited longest for a request head makes room, or else a body that lags the minimum rate by more than the header
 * timeout, so a client with a real request always gets in. What was refused or closed is logged as one summary line per interval, never a line per connection.
 */
final class Connections {

    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    private static final long SUMMARY_NANOS = 10_000_000_000L;

    private final HttpLimits limits;
    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final Map<HttpConnection, Conn> open = new IdentityHashMap<>();
    /** Connections with no request in progress, longest waiting first. */
    private final LinkedHashSet<Conn> waiting = new LinkedHashSet<>();
    /** Connections whose request's body is still arriving, longest first. */
    private final LinkedHashSet<Conn> reading = new LinkedHashSet<>();
    /**
     * Of those, the ones whose body lags the minimum rate by more than the header timeout, longest arriving first, as
     * the last sweep found them (whether a body is complete is asked of Vert.x outside this object's lock).
     */
    private final LinkedHashSet<Conn> slowBodies = new LinkedHashSet<>();
    private final Map<String, Integer> perClient = new HashMap<>();
    private final Summary summary = new Summary();
    private boolean sweeping;

    private static final class Conn {
        final HttpConnection connection;
        final String client;
        /** Whether it counts against its client's connections (not a trusted proxy's). */
        final boolean counted;
        long waitingSince = System.nanoTime();
        /** The request whose body is arriving (null: none), since when. */
        volatile HttpServerRequest body;
        volatile long bodySince;
        int inFlight;
        boolean gone;

        Conn(HttpConnection connection, String client, boolean counted) {
            this.connection = connection;
            this.client = client;
            this.counted = counted;
        }
    }

    Connections(HttpLimits limits) {
        this.limits = limits;
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.bodyTimeoutNanos = limits.bodyTimeout().toNanos();
    }

    /** Checks timed-out connections a few times per header timeout (and writes the summary line when due). */
    synchronized void sweepWith(Vertx vertx) {
        if (!sweeping) {
            sweeping = true;
            vertx.setPeriodic(Math.max(50, Math.min(1000, limits.headerTimeout().toMillis() / 4)), id -> sweep());
        }
    }

    /** The server's connection handler: admits, makes room, or closes at once. */
    void opened(HttpConnection c) {
        // a trusted proxy's connections carry many clients: no per-client limit for them (null), only the total
        String counted = limits.clients().ofConnection(c.remoteAddress());
        String client = counted != null ? counted : c.remoteAddress().hostAddress() + " (trusted proxy)";
        Conn conn = new Conn(c, client, counted != null);
        Conn evicted = null;
        String refused = null;
        synchronized (this) {
            if (conn.counted && perClient.getOrDefault(client, 0) >= limits.maxConnectionsPerClient()) {
                refused = "sightline.http.max-connections-per-client";
            } else if (open.size() >= limits.maxConnections()) {
                evicted = !waiting.isEmpty() ? waiting.iterator().next()
                        : slowBodies.isEmpty() ? null : slowBodies.iterator().next();
                if (evicted == null) {
                    refused = "sightline.http.max-connections";
                } else {
                    forget(evicted);
                }
            }
            if (refused == null) {
                open.put(c, conn);
                waiting.add(conn);
                if (conn.counted) {
                    perClient.merge(client, 1, Integer::sum);
                }
            }
        }
        if (refused != null) {
            summary.count(refused, client);
            c.close();
            return;
        }
        if (evicted != null) {
            summary.count("evicted to make room (sightline.http.max-connections)", evicted.client);
            evicted.connection.close();
        }
        c.closeHandler(v -> closed(conn));
    }

    /**
     * First handler of every request: the head has arrived, so the header timeout stops until the response; the
     * body timeout starts, unless the request has all of its body already.
     */
    void requestStarted(RoutingContext ctx) {
        Conn conn;
        HttpServerRequest request = ctx.request();
        boolean ended = request.isEnded();
        synchronized (this) {
            conn = open.get(request.connection());
            if (conn != null && !conn.gone) {
                conn.inFlight++;
                waiting.remove(conn);
                if (!ended) {
                    reading.remove(conn);
                    // the start first: a sweep that sees this request (volatile) sees its start too
                    conn.bodySince = System.nanoTime();
                    conn.body = request;
                    reading.add(conn);
                }
            }
        }
        if (conn != null) {
            ctx.addEndHandler(ar -> requestEnded(conn));
        }
    }

    private synchronized void requestEnded(Conn conn) {
        if (conn.gone) {
            return;
        }
        conn.body = null;
        reading.remove(conn);
        slowBodies.remove(conn);
        if (--conn.inFlight == 0) {
            conn.waitingSince = System.nanoTime();
            waiting.add(conn);
        }
    }

    private synchronized void closed(Conn conn) {
        if (!conn.gone) {
            forget(conn);
        }
    }

    /** Removes a connection from the books (it is closing or will be closed by the caller). */
    private void forget(Conn conn) {
        conn.gone = true;
        open.remove(conn.connection);
        waiting.remove(conn);
        reading.remove(conn);
        slowBodies.remove(conn);
        conn.body = null;
        if (conn.counted) {
            perClient.computeIfPresent(conn.client, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        java.util.List<Conn> expired = new java.util.ArrayList<>();
        java.util.List<Conn> bodies;
        synchronized (this) {
            for (Iterator<Conn> it = waiting.iterator(); it.hasNext(); ) {
                Conn c = it.next();
                if (now - c.waitingSince < headerTimeoutNanos) {
                    break;
                }
                expired.add(c);
            }
            expired.forEach(this::forget);
            bodies = new java.util.ArrayList<>(reading);
        }
        // each connection with the request that was checked: a verdict holds only while that is still its request
        Map<Conn, HttpServerRequest> complete = new IdentityHashMap<>();
        Map<Conn, HttpServerRequest> lateBodies = new IdentityHashMap<>();
        java.util.List<Conn> slow = new java.util.ArrayList<>();
        for (Conn c : bodies) {
            HttpServerRequest r = c.body;
            long since = c.bodySince;
            if (r == null || r.isEnded()) {
                complete.put(c, r);
                continue;
            }
            // the time it took, less what the bytes received would take at the minimum rate: an upload that keeps
            // up never lags, so it is neither cut nor evicted, however long it takes
            long lag = now - since - limits.creditNanos(r.bytesRead());
            if (lag >= bodyTimeoutNanos) {
                lateBodies.put(c, r);
            } else if (lag >= headerTimeoutNanos) {
                slow.add(c);
            }
        }
        java.util.List<Conn> late = new java.util.ArrayList<>();
        synchronized (this) {
            complete.forEach((c, r) -> {
                if (c.body == r) {
                    c.body = null;
                    reading.remove(c);
                    slowBodies.remove(c);
                }
            });
            lateBodies.forEach((c, r) -> {
                if (!c.gone && c.body == r) {
                    late.add(c);
                }
            });
            late.forEach(this::forget);
            slowBodies.clear();
            slow.stream().filter(c -> !c.gone && reading.contains(c)).forEach(slowBodies::add);
        }
        for (Conn c : expired) {
            summary.count("no request head within sightline.http.header-timeout", c.client);
            c.connection.close();
        }
        for (Conn c : late) {
            summary.count("request body slower than sightline.http.body-min-rate past sightline.http.body-timeout",
                    c.client);
            c.connection.close();
        }
        summary.logIfDue(now);
    }

    synchronized int open() {
        return open.size();
    }

    /** Counts per reason and client over an interval; one line when the interval is over. */
    private static final class Summary {
        private final Map<String, Integer> reasons = new java.util.TreeMap<>();
        private final Map<String, Integer> clients = new HashMap<>();
        private long since = System.nanoTime();

        synchronized void count(String reason, String client) {
            reasons.merge(reason, 1, Integer::sum);
            if (clients.size() < 10_000 || clients.containsKey(client)) {
                clients.merge(client, 1, Integer::sum);
            }
        }

        synchronized void logIfDue(long now) {
            if (now - since < SUMMARY_NANOS) {
                return;
            }
            if (!reasons.isEmpty()) {
                var top = clients.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                        .limit(3).map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
                LOG.warn("HTTP connections closed in the last {} s: {}; {} client addresses, most: {}",
                        (now - since) / 1_000_000_000L, reasons, clients.size(), String.join(", ", top));
                reasons.clear();
                clients.clear();
            }
            since = now;
        }
    }
}
