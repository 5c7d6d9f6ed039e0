package dev.sightline.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed authentications per client address. After {@code maxFailures} within {@code window}, the address must
 * wait before its next attempt (1 s, doubling with each further failure up to {@code maxWait}); while it waits,
 * its requests are answered 429 without looking at the token, so guessing tokens gets slower and slower. A valid
 * token does not clear the count (one's own token must not buy more guesses at others'). Logged as one line per
 * failure at a sampled rate: the 1st, 2nd, 4th, 8th... attempt of an address in its window, each line with the
 * counts so far, so a flood of wrong tokens shows in the log without filling it.
 */
public final class AuthFailures {

    private static final Logger LOG = LoggerFactory.getLogger(AuthFailures.class);
    /** Addresses remembered at most; the least recently seen is forgotten first. */
    private static final int MAX_CLIENTS = 10_000;

    private final int maxFailures;
    private final long windowNanos;
    private final long maxWaitNanos;
    private final Map<String, Client> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Client> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    private static final class Client {
        long since;
        long last;
        int failures;
        long refused;
        long waitUntil;
    }

    AuthFailures(int maxFailures, Duration window, Duration maxWait) {
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** {@link #check(String)} for the request's client address (GET /metrics, whose token is not an API token). */
    public void check(org.apache.camel.Exchange ex) {
        check(ApiRequest.of(ex).client());
    }

    /** {@link #failed(String, String)} for the request's client address. */
    public void failed(org.apache.camel.Exchange ex, String reason) {
        failed(ApiRequest.of(ex).client(), reason);
    }

    /** Throws 429 while the address must wait; the token is not looked at. */
    void check(String client) {
        long now = System.nanoTime();
        long wait;
        Client c;
        synchronized (this) {
            c = current(client, now, false);
            if (c == null || c.waitUntil - now <= 0) {
                return;
            }
            c.refused++;
            wait = c.waitUntil - now;
            sample(client, c, "refused while it waits");
        }
        long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
        throw new ApiException(429, "too_many_failed_authentications", "Authorization",
                "too many failed authentications from this address; try again in " + seconds + " s")
                .retryAfter(seconds);
    }

    /** A failed authentication of the address: counted, and past the threshold it must wait. */
    void failed(String client, String reason) {
        long now = System.nanoTime();
        synchronized (this) {
            Client c = current(client, now, true);
            c.failures++;
            if (c.failures >= maxFailures) {
                int doublings = Math.min(30, c.failures - maxFailures);
                c.waitUntil = now + Math.min(maxWaitNanos, 1_000_000_000L << doublings);
            }
            sample(client, c, reason);
        }
    }

    private Client current(String client, long now, boolean create) {
        Client c = clients.get(client);
        if (c != null && now - c.last > windowNanos && c.waitUntil - now <= 0) {
            clients.remove(client);
            c = null;
        }
        if (c == null && create) {
            c = new Client();
            c.since = now;
            clients.put(client, c);
        }
        if (c != null) {
            c.last = now;
        }
        return c;
    }

    private void sample(String client, Client c, String what) {
        long attempts = c.failures + c.refused;
        if (Long.bitCount(attempts) != 1) {
            return;
        }
        long waitMs = Math.max(0, (c.waitUntil - c.last) / 1_000_000);
        LOG.warn("Failed authentication from {}: {} ({} failed, {} refused in {} s; {})", client, what, c.failures,
                c.refused, Math.max(1, (c.last - c.since) / 1_000_000_000L),
                waitMs > 0 ? "next attempt in " + Math.max(1, waitMs / 1000) + " s" : "not slowed yet");
    }
}
