package dev.sightline.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.events.EventHub;
import dev.sightline.events.EventScope;
import dev.sightline.events.Sse;
import dev.sightline.events.Subscription;

/**
 * {@code GET /api/events} and {@code GET /api/runs/{id}/events}: a Vert.x route handler on the application's HTTP
 * server, because a stream outlives any Camel exchange (platform-http writes a reply when its exchange ends, and an
 * InputStream body would hold a worker thread per client). Each request first goes through
 * {@code direct:events-open} (or {@code direct:events-open-ticket}), so it is authorised, checked and refused exactly
 * like any other endpoint; then the handler writes the stream without blocking: the node's {@link EventHub} queues
 * frames per client and the connection takes them as fast as the client reads.
 */
public final class EventStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    private static final int CHUNK = 64 * 1024;
    private static final int IN_FLIGHT = 256 * 1024;

    private final EventHub hub;
    private final ProducerTemplate template;
    /** Authorising a stream and catching it up read the database: never on an event loop or Vert.x's workers. */
    private final ExecutorService opener;

    private final int maxStreams;

    /** How often the tokens of open streams are checked: a revoked token's streams close within this. */
    static final Duration TOKEN_CHECK = Duration.ofSeconds(5);
    private final dev.sightline.workspace.TokenService tokens;
    /** Open streams and the token each was opened with (by itself or through a ticket). */
    private final Map<Subscription, Long> byToken = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService tokenCheck;

    public EventStreams(CamelContext camel, EventHub hub, int openers, int maxStreams,
                        dev.sightline.workspace.TokenService tokens) {
        this.hub = hub;
        this.maxStreams = maxStreams;
        this.tokens = tokens;
        this.tokenCheck = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-events-tokens");
            t.setDaemon(true);
            return t;
        });
        tokenCheck.scheduleWithFixedDelay(this::closeRevoked, TOKEN_CHECK.toMillis(), TOKEN_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        this.template = camel.createProducerTemplate();
        AtomicInteger n = new AtomicInteger();
        this.opener = new ThreadPoolExecutor(openers, openers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                r -> {
                    Thread t = new Thread(r, "sightline-events-open-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public void mount(Router router) {
        router.get("/api/events").handler(ctx -> open(ctx, null, null));
        stream(router, "/api/runs/:id/events", EventScope.RUN);
    }

    /**
     * A stream of one thing's events at {@code path} (with an {@code :id} parameter): the events whose payload has
     * {@code key} = id. The thing's kind must be known to {@link EventsApi#thing}, which says whether it exists.
     */
    public void stream(Router router, String path, String key) {
        router.get(path).handler(ctx -> open(ctx, key, ctx.pathParam("id")));
    }

    /**
     * Like {@link #stream(Router, String, String)}, in front of a Camel REST endpoint at the same path: a request
     * that accepts {@code text/event-stream} gets the stream, any other goes on to the endpoint (JSON polling).
     */
    public void streamOrPoll(Router router, String path, String key) {
        router.get(path).order(-1).handler(ctx -> {
            String accept = ctx.request().getHeader("Accept");
            if (accept != null && accept.contains("text/event-stream")) {
                open(ctx, key, ctx.pathParam("id"));
            } else {
                ctx.next();
            }
        });
    }

    private void open(RoutingContext ctx, String key, String id) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        Context vertx = ctx.vertx().getOrCreateContext();
        // the route reads the request itself (ApiRequest): headers only from the headers, a query parameter cannot
        // pose as a token; a stream opened with ?ticket= and no token takes the ticket route
        String route = req.getParam("ticket") != null && req.getHeader("Authorization") == null
                ? "direct:events-open-ticket" : "direct:events-open";
        Map<String, String> path = new HashMap<>();
        if (id != null) {
            path.put("id", id);
        }
        if (hub.stats().streams() >= maxStreams) {
            busy(resp, "this node serves as many event streams as it may (sightline.events.max-streams)");
            return;
        }
        try {
            opener.execute(() -> authorise(route, key, path, req, resp, vertx));
        } catch (RejectedExecutionException e) {
            busy(resp, "too many event streams opening");
        }
    }

    private static void busy(HttpServerResponse resp, String why) {
        resp.setStatusCode(503).putHeader("Retry-After", "5").putHeader("Content-Type", "application/json")
                .end("{\"error\":{\"status\":503,\"code\":\"busy\",\"message\":\"" + why
                        + "; try again shortly\"}}");
    }

    private static void put(Map<String, Object> headers, String name, String value) {
        if (value != null && !value.isBlank()) {
            headers.put(name, value);
        }
    }

    private void authorise(String route, String key, Map<String, String> path, HttpServerRequest req,
                           HttpServerResponse resp, Context vertx) {
        Exchange ex = template.send(route, e -> {
            e.setProperty(ApiRequest.HANDED_OVER, req);
            e.setProperty(ApiRequest.HANDED_OVER_PATH, path);
            if (key != null) {
                e.setProperty(EventsApi.SCOPE_KEY, key);
            }
        });
        Object body = ex.getMessage().getBody();
        if (ex.getException() == null && body instanceof EventsApi.Opening opening) {
            stream(opening, req, resp, vertx);
            return;
        }
        Integer status = ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String type = ex.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        String retry = ex.getMessage().getHeader("Retry-After", String.class);
        String text = ex.getException() == null ? ex.getMessage().getBody(String.class)
                : "{\"error\":{\"status\":500,\"code\":\"internal_error\",\"message\":\"internal error\"}}";
        if (ex.getException() != null) {
            LOG.error("Opening an event stream failed", ex.getException());
        }
        vertx.runOnContext(v -> {
            if (resp.closed() || resp.ended()) {
                return;
            }
            resp.setStatusCode(status == null || ex.getException() != null ? 500 : status);
            resp.putHeader("Content-Type", type == null ? "application/json" : type);
            if (retry != null) {
                resp.putHeader("Retry-After", retry);
            }
            resp.end(text == null ? "" : text);
        });
    }

    /**
     * A stream lives no longer than its token: one whose token was revoked (on any node) is closed at the next
     * check, so a leaked token that is revoked stops receiving events although its stream never asks again.
     */
    void closeRevoked() {
        try {
            byToken.keySet().removeIf(Subscription::isClosed);
            // the streams open now: one that opens while the database is asked was not asked about, and waits for
            // the next check
            Map<Subscription, Long> open = Map.copyOf(byToken);
            if (open.isEmpty()) {
                return;
            }
            java.util.Set<Long> live = tokens.live(new java.util.HashSet<>(open.values()));
            open.forEach((sub, token) -> {
                if (!live.contains(token)) {
                    LOG.info("Event stream of revoked token {} closed", token);
                    byToken.remove(sub);
                    sub.drop();
                }
            });
        } catch (RuntimeException e) {
            // the database is away: checked again at the next tick, the streams go on meanwhile
            LOG.debug("Checking the tokens of open event streams failed: {}", e.getMessage());
        }
    }

    private void stream(EventsApi.Opening opening, HttpServerRequest req, HttpServerResponse resp, Context vertx) {
        Subscription sub = new Subscription(opening.scope(), hub.settings().clientBuffer());
        sub.attach(new Connection(sub, req, resp, vertx));
        if (opening.tokenId() != null) {
            byToken.put(sub, opening.tokenId());
        }
        // runs on the connection's context before any flush the subscription asks for (tasks keep their order)
        vertx.runOnContext(v -> {
            if (resp.closed()) {
                sub.close();
                return;
            }
            resp.setStatusCode(200).setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache, no-store")
                    .putHeader("X-Accel-Buffering", "no");
            resp.closeHandler(x -> sub.close());
            resp.exceptionHandler(x -> sub.close());
            resp.write(Sse.RETRY);
        });
        try {
            hub.subscribe(sub, opening.from());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sub.close();
        } catch (RuntimeException e) {
            LOG.warn("Event stream could not catch up, closing it (the client resumes): {}", e.getMessage());
            sub.close();
            vertx.runOnContext(v -> req.connection().close());
        }
    }

    /** A subscription's connection: writes what waits while the client keeps up, pauses while it does not. */
    private static final class Connection implements Subscription.Sink {

        private final Subscription sub;
        private final HttpServerRequest req;
        private final HttpServerResponse resp;
        private final Context vertx;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        /** Characters written but not yet taken by the socket (touched on the connection's context only). */
        private long inFlight;

        Connection(Subscription sub, HttpServerRequest req, HttpServerResponse resp, Context vertx) {
            this.sub = sub;
            this.req = req;
            this.resp = resp;
            this.vertx = vertx;
        }

        @Override
        public void ready() {
            if (scheduled.compareAndSet(false, true)) {
                vertx.runOnContext(v -> {
                    scheduled.set(false);
                    flush();
                });
            }
        }

        /**
         * Writes while less than {@link #IN_FLIGHT} characters wait for the socket; a write's future completes once
         * the socket took it. A client that reads slower than events come leaves the rest in the subscription's
         * bounded buffer, which drops it when full.
         */
        private void flush() {
            while (inFlight < IN_FLIGHT && !resp.closed() && !resp.ended()) {
                String chunk = sub.take(CHUNK);
                if (chunk == null) {
                    return;
                }
                int n = chunk.length();
                inFlight += n;
                resp.write(chunk).onComplete(ar -> {
                    inFlight -= n;
                    if (ar.failed()) {
                        sub.close();
                    } else {
                        flush();
                    }
                });
            }
        }

        @Override
        public void close() {
            try {
                vertx.runOnContext(v -> {
                    if (!resp.closed()) {
                        req.connection().close();
                    }
                });
            } catch (RuntimeException e) {
                // the HTTP server is already gone, and the connection with it
            }
        }
    }

    @Override
    public void close() {
        tokenCheck.shutdownNow();
        opener.shutdownNow();
        template.stop();
    }
}
