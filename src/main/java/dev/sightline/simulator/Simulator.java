package dev.sightline.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.provider.PromptInput;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.Traffic.Outcome;
import dev.sightline.simulator.Wire.BadRequest;
import dev.sightline.simulator.Wire.Exchange;
import dev.sightline.simulator.Wire.Problem;
import dev.sightline.simulator.Wire.Reply;
import dev.sightline.simulator.Wire.Request;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in stand-in for the AI providers: an HTTP server that answers on the providers' real paths, in their
 * real JSON shapes, status codes and headers, so the official SDKs and Sightline's own clients cannot tell it
 * from the real service. Answers are deterministic for (prompt, model, sample, day); latency and faults follow a
 * {@link FaultProfile} per kind that tests may change at runtime.
 */
public final class Simulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);

    private static final Map<String, String> MOUNTS = Map.of(
            ProviderKinds.OPENAI_CHAT, "/openai/v1",
            ProviderKinds.OPENAI_RESPONSES, "/openai/v1",
            ProviderKinds.ANTHROPIC, "/anthropic",
            ProviderKinds.GEMINI, "/gemini",
            ProviderKinds.PERPLEXITY, "/perplexity/v1",
            ProviderKinds.PERPLEXITY_AGENT, "/perplexity/v1",
            ProviderKinds.OPENAI_COMPATIBLE, "/compat/v1");

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    /** Per kind: its counters, its current fault profile and the seeds of its draws. */
    private static final class KindState {
        final Traffic traffic = new Traffic();
        final long faultSeed;
        final long latencySeed;
        volatile FaultProfile profile;

        KindState(String kind, FaultProfile profile) {
            this.faultSeed = Rng.hash("faults", kind);
            this.latencySeed = Rng.hash("latency", kind);
            this.profile = profile;
        }
    }

    private final SimulatorSettings settings;
    private final SimWorld.Source worlds;
    private final Routes routes = new Routes();
    private final Map<String, KindState> kinds = new LinkedHashMap<>();
    private final Traffic.Cells cells = new Traffic.Cells();
    private volatile LocalDate day;
    private final SimulatedWeb web;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger actualPort = new AtomicInteger();
    private Vertx vertx;
    private String origin;
    private int port;

    private Simulator(SimulatorSettings settings, SimWorld.Source worlds) {
        this.settings = settings;
        this.worlds = worlds;
        this.day = settings.day();
        this.web = new SimulatedWeb(settings.day() != null ? settings.day() : LocalDate.now(ZoneOffset.UTC));
        for (String kind : ProviderKinds.ALL) {
            kinds.put(kind, new KindState(kind, settings.faultsFor(kind)));
        }
    }

    /**
     * Starts the simulator and returns once it listens.
     *
     * @param settings where to listen and how to misbehave
     * @param worlds   the category and tracked entities for a prompt; called off the event loop, must be thread-safe
     * @throws IllegalStateException when the port cannot be bound
     */
    public static Simulator start(SimulatorSettings settings, SimWorld.Source worlds) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(worlds, "worlds");
        Simulator sim = new Simulator(settings, worlds);
        sim.listen();
        return sim;
    }

    private void listen() {
        int loops = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(4)
                .setInternalBlockingPoolSize(2));
        // Port -1 asks Vert.x for a random port shared by every server instance, one per event loop
        int requested = settings.port() == 0 ? -1 : settings.port();
        try {
            await(vertx.deployVerticle(() -> new ServerVerticle(requested), new DeploymentOptions().setInstances(loops)));
        } catch (RuntimeException e) {
            vertx.close();
            throw new IllegalStateException("provider simulator could not listen on " + settings.host() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        port = actualPort.get();
        String host = settings.host().equals("0.0.0.0") || settings.host().equals("::") ? "127.0.0.1" : settings.host();
        origin = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        LOG.info("Provider simulator listening on {} (day {}, default latency median {} p99 {})", origin,
                settings.day() == null ? "today UTC" : settings.day(), settings.defaults().latencyMedian(),
                settings.defaults().latencyP99());
    }

    private final class ServerVerticle extends AbstractVerticle {
        private final int requestedPort;

        ServerVerticle(int requestedPort) {
            this.requestedPort = requestedPort;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(requestedPort)
                            .setTcpNoDelay(true).setIdleTimeout(0))
                    .requestHandler(Simulator.this::handle)
                    .listen()
                    .onSuccess(server -> {
                        actualPort.set(server.actualPort());
                        started.complete();
                    })
                    .onFailure(started::fail);
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    // ---- public API ----

    /** What the kind's official SDK takes as base URL, e.g. {@code http://127.0.0.1:PORT/openai/v1}. */
    public String baseUrl(String kind) {
        return baseUrl(origin, kind);
    }

    /** The base URL of a kind on a simulator listening at {@code origin} (this process's or another's). */
    public static String baseUrl(String origin, String kind) {
        String mount = MOUNTS.get(kind);
        if (mount == null) {
            throw new IllegalArgumentException("unknown provider kind: " + kind + " (known: " + ProviderKinds.ALL + ")");
        }
        return origin.replaceAll("/+$", "") + mount;
    }

    /** Where the simulator listens, e.g. {@code http://127.0.0.1:PORT}: {@code sightline.simulator.url} of other nodes. */
    public String origin() {
        return origin;
    }

    /** The port the simulator listens on. */
    public int port() {
        return port;
    }

    /** The web its answers cite, served under {@code /web/<host><path>} (the page fetcher's simulated mode). */
    public SimulatedWeb web() {
        return web;
    }

    /** Per kind, in {@link ProviderKinds#ALL} order. */
    public Map<String, KindStats> stats() {
        Map<String, KindStats> out = new LinkedHashMap<>();
        kinds.forEach((kind, s) -> {
            Traffic t = s.traffic;
            out.put(kind, new KindStats(baseUrl(kind), t.served(), t.count(Outcome.ANSWERED),
                    t.count(Outcome.RATE_LIMITED), t.count(Outcome.SERVER_ERROR), t.count(Outcome.OVERLOADED),
                    t.count(Outcome.TIMEOUT), t.count(Outcome.MALFORMED), t.count(Outcome.UNAUTHORIZED),
                    t.count(Outcome.REJECTED)));
        });
        return out;
    }

    /** Requests received for the kind, whatever their outcome. */
    public long served(String kind) {
        return state(kind).traffic.served();
    }

    /** Requests received for the kind on behalf of one workspace (header {@value PromptInput#WORKSPACE_HEADER}). */
    public long served(String kind, long workspaceId) {
        return state(kind).traffic.served(Long.toString(workspaceId));
    }

    /** Requests per cell, from header {@value PromptInput#CELL_HEADER}; cells never seen are absent. */
    public Map<Long, Integer> requestsPerCell() {
        return cells.snapshot();
    }

    /** The most requests the kind received within any window of this length. */
    public int maxRequestsInWindow(String kind, Duration window) {
        return state(kind).traffic.maxInWindow(window);
    }

    /** Changes how the kind misbehaves, from the next request on. */
    public void setFaults(String kind, FaultProfile profile) {
        state(kind).profile = Objects.requireNonNull(profile, "profile");
    }

    /** Changes the day answers are written for (their tendencies drift by day), from the next request on. */
    public void setDay(LocalDate newDay) {
        this.day = newDay;
    }

    public FaultProfile faults(String kind) {
        return state(kind).profile;
    }

    /** Zeroes every counter and log (fault profiles stay as they are; fault draws start over). */
    public void reset() {
        kinds.values().forEach(s -> s.traffic.reset());
        cells.clear();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("Provider simulator did not close cleanly: {}", e.toString());
            }
        }
    }

    private KindState state(String kind) {
        KindState s = kinds.get(kind);
        if (s == null) {
            throw new IllegalArgumentException("unknown provider kind: " + kind + " (known: " + ProviderKinds.ALL + ")");
        }
        return s;
    }

    // ---- serving ----

    private void handle(HttpServerRequest req) {
        if (req.path().startsWith("/web/")) {
            web.handle(vertx, req);
            return;
        }
        Routes.Route route = routes.match(req.method().name(), req.path());
        if (route == null) {
            req.response().setStatusCode(404).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"message\":\"No provider is simulated at " + req.path().replace("\"", "")
                            + "\",\"type\":\"not_found\"}}");
            return;
        }
        req.body().onComplete(ar -> {
            if (ar.failed()) {
                return;
            }
            try {
                serve(route, req, ar.result());
            } catch (RuntimeException e) {
                LOG.error("Provider simulator failed on {} {}", req.method(), req.path(), e);
                if (!req.response().ended()) {
                    req.response().setStatusCode(500).end();
                }
            }
        });
    }

    private void serve(Routes.Route route, HttpServerRequest req, Buffer body) {
        Wire wire = route.wire();
        KindState ks = kinds.get(wire.kind);
        long seq = ks.traffic.arrive(req.getHeader(PromptInput.WORKSPACE_HEADER));
        cells.count(req.getHeader(PromptInput.CELL_HEADER));
        FaultProfile profile = ks.profile;
        String key = wire.credential(req);
        Exchange gate = new Exchange(req.method().name(), req.path(), route.pathModel(), ks.traffic, profile, 0, key);

        if (key == null) {
            send(req, ks, Outcome.UNAUTHORIZED, wire.error(Problem.MISSING_AUTH, null, gate));
            return;
        }
        switch (route.endpoint()) {
            case NOT_FOUND -> {
                send(req, ks, Outcome.REJECTED, wire.error(Problem.NOT_FOUND, null, gate));
                return;
            }
            case MODELS -> {
                send(req, ks, Outcome.ANSWERED, ((OpenAiWire) wire).models(gate));
                return;
            }
            default -> {
            }
        }
        String headerProblem = wire.headerProblem(req);
        if (headerProblem != null) {
            send(req, ks, Outcome.REJECTED, wire.error(Problem.BAD_REQUEST, headerProblem, gate));
            return;
        }
        JsonNode json;
        try {
            json = Wire.JSON.readTree(body.getBytes());
            if (json == null || json.isMissingNode()) {
                throw new IllegalArgumentException("empty body");
            }
        } catch (Exception e) {
            send(req, ks, Outcome.REJECTED, wire.error(Problem.BAD_JSON, null, gate));
            return;
        }
        Request request;
        try {
            request = wire.read(json, gate);
        } catch (BadRequest e) {
            send(req, ks, Outcome.REJECTED, wire.error(Problem.BAD_REQUEST, e.getMessage(), gate));
            return;
        }

        long latency = latencyMs(profile, ks.latencySeed, seq);
        Exchange x = new Exchange(gate.method(), gate.path(), request.model(), ks.traffic, profile, latency, key);
        Fault fault = Fault.draw(profile, Rng.unit(ks.faultSeed, seq));
        switch (fault) {
            case UNAUTHORIZED -> send(req, ks, Outcome.UNAUTHORIZED, wire.error(Problem.INVALID_AUTH, null, x));
            case RATE_LIMITED -> send(req, ks, Outcome.RATE_LIMITED, wire.error(Problem.RATE_LIMITED, null, x));
            case TIMEOUT -> {
                ks.traffic.outcome(Outcome.TIMEOUT);
                long hold = Math.max(1, profile.timeoutHold().toMillis());
                vertx.setTimer(hold, id -> req.connection().close());
            }
            case SERVER_ERROR -> later(req, ks, Outcome.SERVER_ERROR, latency,
                    wire.error(Problem.SERVER_ERROR, null, x));
            case OVERLOADED -> later(req, ks, Outcome.OVERLOADED, latency, wire.error(Problem.OVERLOADED, null, x));
            default -> {
                boolean malformed = fault == Fault.MALFORMED;
                int sample = sample(req.getHeader(PromptInput.SAMPLE_HEADER));
                // Answers are written on a worker: the world lookup is the application's code and may block
                vertx.<Reply>executeBlocking(() -> compose(wire, request, sample, x), false).onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.error("Provider simulator could not write an answer for {}", wire.kind, ar.cause());
                        later(req, ks, Outcome.SERVER_ERROR, latency, wire.error(Problem.SERVER_ERROR, null, x));
                    } else if (malformed) {
                        later(req, ks, Outcome.MALFORMED, latency, Malformed.of(ar.result(), ks.faultSeed, seq));
                    } else {
                        later(req, ks, Outcome.ANSWERED, latency, ar.result());
                    }
                });
            }
        }
    }

    private Reply compose(Wire wire, Request request, int sample, Exchange x) {
        Composition structured = StructuredAnswers.of(request.prompt(), request.model(), sample);
        if (structured != null) {
            return wire.answer(request, structured, false, x);
        }
        SimWorld world = worlds.forPrompt(request.prompt());
        if (world == null) {
            world = new SimWorld(null, null);
        }
        web.saw(world);
        LocalDate today = this.day;
        LocalDate day = today != null ? today : LocalDate.now(ZoneOffset.UTC);
        AnswerWriter.Ask ask = new AnswerWriter.Ask(wire.kind, request.model(), request.prompt(), sample, day,
                wire.citing(request), x.profile().rateRefusal());
        Composition answer = AnswerWriter.write(ask, world);
        boolean truncated = false;
        if (request.maxTokens() != null && request.maxTokens() > 0
                && (long) request.maxTokens() * 4 < answer.text().length()) {
            answer = answer.truncate(request.maxTokens() * 4);
            truncated = true;
        }
        return wire.answer(request, answer, truncated, x);
    }

    private static int sample(String header) {
        if (header == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(header.strip()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private void later(HttpServerRequest req, KindState ks, Outcome outcome, long delayMs, Reply reply) {
        if (delayMs <= 0) {
            send(req, ks, outcome, reply);
        } else {
            vertx.setTimer(delayMs, id -> send(req, ks, outcome, reply));
        }
    }

    private static void send(HttpServerRequest req, KindState ks, Outcome outcome, Reply reply) {
        ks.traffic.outcome(outcome);
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(reply.status());
        resp.putHeader("date", HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        reply.headers().forEach(resp::putHeader);
        resp.end(Buffer.buffer(reply.body()));
    }

    /** A log-normal delay with the profile's median and p99; fixed when they are equal, none when the median is 0. */
    static long latencyMs(FaultProfile p, long seed, long seq) {
        long median = p.latencyMedian().toMillis();
        long p99 = p.latencyP99().toMillis();
        if (median <= 0) {
            return 0;
        }
        if (p99 <= median) {
            return median;
        }
        double sigma = (Math.log(p99) - Math.log(median)) / 2.3263478740408408;
        double u1 = Rng.unit(seed, 2 * seq + 1);
        double u2 = Rng.unit(seed, 2 * seq + 2);
        double z = Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
        return Math.min(Math.round(median * Math.exp(sigma * z)), 3 * p99);
    }

    /** The one fault a request gets, if any. */
    enum Fault {
        NONE, UNAUTHORIZED, RATE_LIMITED, TIMEOUT, SERVER_ERROR, OVERLOADED, MALFORMED;

        static Fault draw(FaultProfile p, double u) {
            double[] rates = {p.rate401(), p.rate429(), p.rateTimeout(), p.rate500(), p.rateOverloaded(),
                    p.rateMalformed()};
            Fault[] faults = {UNAUTHORIZED, RATE_LIMITED, TIMEOUT, SERVER_ERROR, OVERLOADED, MALFORMED};
            double edge = 0;
            for (int i = 0; i < rates.length; i++) {
                edge += rates[i];
                if (u < edge) {
                    return faults[i];
                }
            }
            return NONE;
        }
    }
}
