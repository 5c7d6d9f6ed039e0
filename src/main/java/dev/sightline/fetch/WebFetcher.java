package dev.sightline.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import javax.net.ssl.SSLException;

import com.google.common.net.InetAddresses;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.Timeout;
import org.brotli.dec.BrotliInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.fetch.FetchResult.Outcome;
import dev.sightline.values.Text;

/**
 * The one way Sightline reads the web: one user agent, robots.txt honoured (cached per host), at most
 * {@code perHost} requests at a time to a host on this node, timeouts, at most five redirects each checked like the
 * first request, bodies of at most 2 MiB (after decompression), HTML only, and never an address that is not public:
 * names are resolved and every address checked before connecting, and the connection goes to the checked address
 * (so a second lookup cannot swap it). Failures are results with a reason, never exceptions.
 */
public final class WebFetcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebFetcher.class);

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Set<Integer> TRANSIENT_STATUS = Set.of(408, 425, 429, 500, 502, 503, 504, 520, 521, 522,
            523, 524, 529);
    private static final Set<String> HTML = Set.of("text/html", "application/xhtml+xml");
    /** A robots.txt that could not be read is asked again after this (its pages wait meanwhile). */
    private static final Duration ROBOTS_RETRY = Duration.ofMinutes(1);

    private final FetchSettings settings;
    private final CloseableHttpClient client;
    private final ScheduledExecutorService deadlines;
    private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();
    private final Map<String, CachedRobots> robots = new ConcurrentHashMap<>();
    /** Requests under way on this node, whatever their host ({@code sightline.fetch.max-concurrent}). */
    private final Semaphore total;
    /** Reads robots.txt ahead of a new job's first pages (see {@link #readRobotsAhead}). */
    private final ThreadPoolExecutor robotsAhead;
    private final Set<Abort> readingAhead = ConcurrentHashMap.newKeySet();

    /**
     * A host's robots.txt, or why it could not be read: {@code unavailable} (try later) or {@code refused} (the
     * host itself is refused, e.g. a private address: its pages are too); shared by every fetch that waits for it.
     */
    private record RobotsState(RobotsRules rules, String unavailable, String refused) {
        /** The fetch that read it was aborted: nothing is known of the host, the next fetch reads it afresh. */
        static final RobotsState ABORTED = new RobotsState(null, "aborted while reading robots.txt");

        RobotsState(RobotsRules rules, String unavailable) {
            this(rules, unavailable, null);
        }
    }

    private record CachedRobots(CompletableFuture<RobotsState> state, long expiresNanos) {
    }

    /** Where a request goes: the host to connect to and the request path (they differ for pinned and simulated). */
    private record Target(HttpHost host, String path, URIAuthority authority) {
    }

    /** One answer: a redirect to follow, or the end of the fetch. */
    private record Hop(URI redirect, FetchResult result) {
    }

    /** A refusal found while connecting (the resolver's check), kept apart from other lookup failures. */
    static final class PrivateAddressException extends UnknownHostException {
        PrivateAddressException(String host, InetAddress address) {
            // the address itself only in the log: in a job's result it would map a node's internal names for a caller
            super("private address: " + host + " resolves to a private address");
            LOG.info("Fetch of {} refused: it resolves to {}", Text.quote(host, 200), address.getHostAddress());
        }
    }

    /**
     * Stops a fetch from another thread (a job was cancelled, the node is stopping): the request under way is
     * cancelled and no further request starts.
     */
    public static final class Abort {
        private volatile boolean aborted;
        private volatile HttpGet current;
        /** Done when aborted: wakes a fetch that waits for a robots.txt another fetch is reading. */
        private final CompletableFuture<Void> stopped = new CompletableFuture<>();

        public void abort() {
            aborted = true;
            stopped.complete(null);
            HttpGet c = current;
            if (c != null) {
                c.cancel();
            }
        }

        public boolean aborted() {
            return aborted;
        }

        void begin(HttpGet request) {
            current = request;
            if (aborted) {
                request.cancel();
            }
        }

        void end() {
            current = null;
        }
    }

    public WebFetcher(FetchSettings settings) {
        this.settings = settings;
        DnsResolver checked = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                InetAddress[] all = SystemDefaultDnsResolver.INSTANCE.resolve(host);
                if (!settings.allowPrivate()) {
                    for (InetAddress a : all) {
                        if (!AddressPolicy.isPublic(a)) {
                            throw new PrivateAddressException(host, a);
                        }
                    }
                }
                return all;
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        Timeout connect = Timeout.of(settings.connectTimeout());
        Timeout socket = Timeout.of(settings.timeout());
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checked)
                        // politeness per host is this class's own (permits); the pool only bounds sockets
                        .setMaxConnTotal(512).setMaxConnPerRoute(512)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect)
                                .setSocketTimeout(socket).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(socket)
                        .setConnectionRequestTimeout(connect).build())
                .setUserAgent(settings.userAgent())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fetch-deadlines");
            t.setDaemon(true);
            return t;
        });
        // a request's deadline is cancelled when it ends: gone at once, instead of keeping the request (and what it
        // read) in the queue until the timeout would have passed, thousands of them at a few hundred pages a second
        timer.setRemoveOnCancelPolicy(true);
        this.deadlines = timer;
        this.total = new Semaphore(settings.maxConcurrent());
        AtomicInteger readers = new AtomicInteger();
        // at most half the node's requests: the items' own fetches always have the other half
        int ahead = Math.max(1, settings.maxConcurrent() / 2);
        this.robotsAhead = new ThreadPoolExecutor(ahead, ahead, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "robots-ahead-" + readers.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // started now, not by the job that needs them (a pool below its size starts a thread per task, and the
        // POST of a job on 50 new hosts spent 50 ms starting them)
        robotsAhead.prestartAllCoreThreads();
    }

    public FetchSettings settings() {
        return settings;
    }

    /** Fetches an HTML page, following redirects; never throws for anything the web does. */
    public FetchResult fetch(String url, Abort abort) {
        URI first;
        try {
            first = parse(url);
        } catch (IllegalArgumentException e) {
            return FetchResult.failed(Outcome.REFUSED, url, url, 0, null, e.getMessage(), null);
        }
        Set<String> seen = new HashSet<>();
        seen.add(first.toString());
        URI current = first;
        for (int hop = 0; ; hop++) {
            String where = current.toString();
            if (abort.aborted()) {
                return FetchResult.failed(Outcome.ABORTED, url, where, 0, null, "aborted", null);
            }
            String refused = refusal(current);
            if (refused != null) {
                return FetchResult.failed(Outcome.REFUSED, url, where, 0, null, refused, null);
            }
            RobotsState rs = robots(current, abort);
            if (rs.refused() != null) {
                return FetchResult.failed(Outcome.REFUSED, url, where, 0, null, rs.refused(), null);
            }
            if (rs.unavailable() != null) {
                Outcome o = abort.aborted() ? Outcome.ABORTED : Outcome.TRANSIENT;
                return FetchResult.failed(o, url, where, 0, null, rs.unavailable(), null);
            }
            String disallowed = rs.rules().refusal(pathAndQuery(current));
            if (disallowed != null) {
                return FetchResult.failed(Outcome.REFUSED, url, where, 0, null, disallowed, null);
            }
            Hop h = request(url, current, abort, false);
            if (h.result() != null) {
                return h.result();
            }
            if (hop == FetchSettings.MAX_REDIRECTS) {
                return FetchResult.failed(Outcome.REFUSED, url, where, 0, null,
                        "more than " + FetchSettings.MAX_REDIRECTS + " redirects", null);
            }
            URI next = h.redirect();
            if (!seen.add(next.toString())) {
                return FetchResult.failed(Outcome.REFUSED, url, next.toString(), 0, null,
                        "redirect loop: back to " + next, null);
            }
            current = next;
        }
    }

    /**
     * Starts reading the robots.txt of these pages' hosts that this node has not read yet, on threads of its own
     * (at most half of {@code max-concurrent} at a time, each host's requests still within its limit). A new job's
     * items are stored and claimed meanwhile; without this each host's first page began the read only once
     * claimed, some 60 ms after the job was posted, and every page of the host came that much later. A page that
     * needs a robots.txt being read waits for it, as it waits for one another page is reading.
     */
    public void readRobotsAhead(Collection<String> urls) {
        Set<String> hosts = new HashSet<>();
        for (String url : urls) {
            URI u;
            try {
                u = parse(url);
            } catch (IllegalArgumentException e) {
                continue;
            }
            String key = robotsKey(u);
            CachedRobots known = robots.get(key);
            if (known != null && known.expiresNanos() - System.nanoTime() > 0 || refusal(u) != null
                    || !hosts.add(key)) {
                continue;
            }
            try {
                robotsAhead.execute(() -> {
                    Abort abort = new Abort();
                    readingAhead.add(abort);
                    try {
                        robots(u, abort);
                    } finally {
                        readingAhead.remove(abort);
                    }
                });
            } catch (RejectedExecutionException e) {
                return; // closing
            }
        }
    }

    private static String robotsKey(URI u) {
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    /** Whether robots.txt lets us fetch a URL (for callers that choose among links before fetching). */
    public boolean allowedByRobots(String url, Abort abort) {
        try {
            URI u = parse(url);
            RobotsState rs = robots(u, abort);
            return rs.unavailable() == null && rs.rules().allows(pathAndQuery(u));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- checks ----

    static URI parse(String url) {
        URI u;
        try {
            u = new URI(url == null ? "" : url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("not an http(s) URL with a host");
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("URLs with credentials are not fetched");
        }
        // the fragment is the browser's business; scheme and host in lower case
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String rebuilt = scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() == -1 ? "" : ":"
                + u.getPort()) + path + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        try {
            return new URI(rebuilt);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + e.getReason());
        }
    }

    /** What is refused before any lookup: a literal address that is not public, a name meaning this machine. */
    private String refusal(URI u) {
        String host = hostOf(u);
        if (settings.allowPrivate() || settings.pinned().containsKey(host)) {
            return null;
        }
        if (AddressPolicy.isLocalName(host)) {
            return "private address: " + host;
        }
        if (host.indexOf('%') >= 0) {
            return "private address: " + host + " (an address with a zone index is link-local)";
        }
        if (InetAddresses.isInetAddress(host)) {
            InetAddress a = InetAddresses.forString(host);
            if (!AddressPolicy.isPublic(a)) {
                return "private address: " + a.getHostAddress();
            }
        }
        return null;
    }

    private static String hostOf(URI u) {
        String h = u.getHost().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    static String pathAndQuery(URI u) {
        String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
    }

    // ---- robots.txt ----

    /**
     * The host's robots.txt: read by the first fetch that needs it, waited for by the others. A fetch that is
     * aborted while it waits stops waiting; one whose reader was aborted (another job cancelled, say) reads it
     * itself rather than failing for a reason that is not its host's.
     */
    private RobotsState robots(URI u, Abort abort) {
        String key = robotsKey(u);
        while (true) {
            if (abort.aborted()) {
                return RobotsState.ABORTED;
            }
            CompletableFuture<RobotsState> mine = new CompletableFuture<>();
            long now = System.nanoTime();
            CachedRobots c = robots.compute(key, (k, old) -> old == null || old.expiresNanos() - now < 0
                    ? new CachedRobots(mine, now + settings.robotsTtl().toNanos()) : old);
            if (c.state() == mine) {
                RobotsState s = RobotsState.ABORTED;
                try {
                    s = loadRobots(u, abort);
                } finally {
                    if (abort.aborted() && s.rules() == null && s.refused() == null || s == RobotsState.ABORTED) {
                        // aborted (or failed unexpectedly): the next fetch of the host reads it
                        s = RobotsState.ABORTED;
                        robots.remove(key, c);
                    } else if (s.unavailable() != null && s.refused() == null) {
                        // asked again after a while; its pages wait meanwhile
                        robots.put(key, new CachedRobots(mine, System.nanoTime() + ROBOTS_RETRY.toNanos()));
                    }
                    mine.complete(s);
                }
                return s;
            }
            RobotsState s = awaitRobots(c.state(), abort);
            if (s != RobotsState.ABORTED || abort.aborted()) {
                return s;
            }
        }
    }

    private RobotsState awaitRobots(CompletableFuture<RobotsState> state, Abort abort) {
        try {
            CompletableFuture.anyOf(state, abort.stopped).get(settings.timeout().toMillis()
                    * (FetchSettings.MAX_REDIRECTS + 2), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RobotsState(null, "interrupted while waiting for robots.txt");
        } catch (TimeoutException e) {
            return new RobotsState(null, "robots.txt unavailable: no answer in time");
        } catch (ExecutionException e) {
            return new RobotsState(null, "robots.txt unavailable: " + e.getCause().getMessage());
        }
        return abort.aborted() ? RobotsState.ABORTED : state.join();
    }

    private RobotsState loadRobots(URI page, Abort abort) {
        URI current = page.resolve("/robots.txt");
        for (int hop = 0; hop <= FetchSettings.MAX_REDIRECTS; hop++) {
            String refused = refusal(current);
            if (refused != null) {
                return new RobotsState(null, "robots.txt redirects to a " + refused);
            }
            Hop h = request(current.toString(), current, abort, true);
            if (h.redirect() != null) {
                current = h.redirect();
                continue;
            }
            FetchResult r = h.result();
            if (r.ok()) {
                return new RobotsState(RobotsRules.parse(new String(r.body(), r.charset() == null
                        ? java.nio.charset.StandardCharsets.UTF_8 : r.charset()), settings.productToken()), null);
            }
            if (r.status() >= 400 && r.status() < 500 && r.status() != 429) {
                // no robots.txt: everything is allowed
                return new RobotsState(RobotsRules.ALLOW_ALL, null);
            }
            if (r.outcome() == Outcome.REFUSED && r.status() == 0) {
                // no answer will ever come from this host (private address, unknown host, TLS): nor for its pages
                return new RobotsState(null, r.reason(), r.reason());
            }
            return new RobotsState(null, "robots.txt unavailable (" + r.reason() + ")");
        }
        return new RobotsState(null, "robots.txt unavailable (more than " + FetchSettings.MAX_REDIRECTS
                + " redirects)");
    }

    // ---- one request ----

    private Target target(URI u) {
        String host = hostOf(u);
        var pin = settings.pinned().get(host);
        URIAuthority authority = new URIAuthority(host, u.getPort());
        if (pin != null) {
            return new Target(new HttpHost(u.getScheme(), pin.getAddress(), host, pin.getPort()), pathAndQuery(u),
                    authority);
        }
        URI sim = settings.simulatedWeb();
        if (sim != null) {
            HttpHost simHost;
            try {
                simHost = new HttpHost(sim.getScheme(), InetAddress.getByName(sim.getHost()), sim.getHost(),
                        sim.getPort());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("the simulator's host " + sim.getHost() + " cannot be resolved", e);
            }
            return new Target(simHost, "/web/" + u.getRawAuthority() + pathAndQuery(u), null);
        }
        return new Target(new HttpHost(u.getScheme(), host, u.getPort()), pathAndQuery(u), authority);
    }

    private Hop request(String asked, URI u, Abort abort, boolean robotsFile) {
        String where = u.toString();
        Semaphore permits = hosts.computeIfAbsent(u.getRawAuthority(), k -> new Semaphore(settings.perHost(), true));
        boolean hostSlot = false;
        try {
            hostSlot = acquire(permits, abort);
            if (!hostSlot || !acquire(total, abort)) {
                if (hostSlot) {
                    permits.release();
                }
                Outcome o = abort.aborted() ? Outcome.ABORTED : Outcome.TRANSIENT;
                return end(FetchResult.failed(o, asked, where, 0, null, abort.aborted() ? "aborted" : !hostSlot
                        ? "host busy: no free request slot for " + u.getHost() : "no free request slot on this node",
                        null));
            }
        } catch (InterruptedException e) {
            if (hostSlot) {
                permits.release();
            }
            Thread.currentThread().interrupt();
            return end(FetchResult.failed(Outcome.ABORTED, asked, where, 0, null, "interrupted", null));
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        HttpGet get;
        Target t;
        try {
            t = target(u);
            get = new HttpGet(t.path());
        } catch (IllegalArgumentException | IllegalStateException e) {
            total.release();
            permits.release();
            return end(FetchResult.failed(Outcome.REFUSED, asked, where, 0, null, e.getMessage(), null));
        }
        if (t.authority() != null) {
            get.setAuthority(t.authority());
        }
        get.setHeader("Accept", robotsFile ? "text/plain, */*;q=0.1" : "text/html, application/xhtml+xml;q=0.9");
        get.setHeader("Accept-Encoding", "gzip, br");
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            timedOut.set(true);
            get.cancel();
        }, settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        abort.begin(get);
        try (ClassicHttpResponse resp = client.executeOpen(t.host(), get, null)) {
            return answer(asked, u, resp, robotsFile);
        } catch (IOException | RuntimeException e) {
            return end(failure(asked, where, e, abort, timedOut.get()));
        } finally {
            abort.end();
            deadline.cancel(false);
            total.release();
            permits.release();
        }
    }

    private static boolean acquire(Semaphore permits, Abort abort) throws InterruptedException {
        // in slices, so a cancelled job does not wait for a busy host
        for (int i = 0; i < 600; i++) {
            if (abort.aborted()) {
                return false;
            }
            if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    private Hop answer(String asked, URI u, ClassicHttpResponse resp, boolean robotsFile) throws IOException {
        String where = u.toString();
        int code = resp.getCode();
        if (REDIRECTS.contains(code)) {
            Header location = resp.getFirstHeader("Location");
            if (location == null || location.getValue().isBlank()) {
                return end(FetchResult.failed(Outcome.REFUSED, asked, where, code, null,
                        "HTTP " + code + " without a Location", null));
            }
            try {
                return new Hop(parse(u.resolve(location.getValue().strip()).toString()), null);
            } catch (IllegalArgumentException e) {
                return end(FetchResult.failed(Outcome.REFUSED, asked, where, code, null,
                        "redirect to " + location.getValue().strip() + ": " + e.getMessage(), null));
            }
        }
        String[] type = contentType(resp.getFirstHeader("Content-Type"));
        if (code >= 300 || code == 204 || code == 205) {
            Outcome o = TRANSIENT_STATUS.contains(code) ? Outcome.TRANSIENT : Outcome.REFUSED;
            return end(FetchResult.failed(o, asked, where, code, type[0], "HTTP " + code,
                    retryAfter(resp.getFirstHeader("Retry-After"))));
        }
        if (!robotsFile && !HTML.contains(type[0])) {
            return end(FetchResult.failed(Outcome.REFUSED, asked, where, code, type[0], type[0].isEmpty()
                    ? "no content type" : "not HTML: " + type[0], null));
        }
        HttpEntity entity = resp.getEntity();
        int limit = robotsFile ? FetchSettings.MAX_ROBOTS_BYTES : FetchSettings.MAX_BYTES;
        if (entity == null) {
            return end(FetchResult.ok(asked, where, code, type[0], charset(type[1]), new byte[0]));
        }
        if (!robotsFile && entity.getContentLength() > limit) {
            return end(FetchResult.failed(Outcome.REFUSED, asked, where, code, type[0], tooLarge(), null));
        }
        String encoding = header(resp, "Content-Encoding");
        InputStream raw = entity.getContent();
        InputStream in = switch (encoding) {
            case "", "identity" -> raw;
            case "gzip", "x-gzip" -> new GZIPInputStream(raw);
            case "br" -> new BrotliInputStream(raw);
            case "deflate" -> new InflaterInputStream(raw);
            default -> null;
        };
        if (in == null) {
            return end(FetchResult.failed(Outcome.REFUSED, asked, where, code, type[0],
                    "unsupported content encoding: " + encoding, null));
        }
        byte[] body = readAtMost(in, limit);
        if (body == null) {
            if (robotsFile) {
                // a huge robots.txt: what was read is what counts (RFC 9309 asks for the first 500 KiB at least)
                return end(FetchResult.ok(asked, where, code, type[0], charset(type[1]), new byte[0]));
            }
            return end(FetchResult.failed(Outcome.REFUSED, asked, where, code, type[0], tooLarge(), null));
        }
        return end(FetchResult.ok(asked, where, code, type[0], charset(type[1]), body));
    }

    private static String tooLarge() {
        return "body larger than " + FetchSettings.MAX_BYTES / (1024 * 1024) + " MB";
    }

    private static Hop end(FetchResult r) {
        return new Hop(null, r);
    }

    private static String header(ClassicHttpResponse resp, String name) {
        Header h = resp.getFirstHeader(name);
        return h == null ? "" : h.getValue().strip().toLowerCase(Locale.ROOT);
    }

    /** Reads up to {@code limit} bytes; null when there is more. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
        byte[] buf = new byte[16 * 1024];
        int total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > limit) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** {@code text/html; charset=ISO-8859-1} as {"text/html", "ISO-8859-1"}; "" for what is missing. */
    static String[] contentType(Header h) {
        if (h == null) {
            return new String[] {"", ""};
        }
        String[] parts = h.getValue().split(";");
        String mime = parts[0].strip().toLowerCase(Locale.ROOT);
        String cs = "";
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                cs = p.substring(eq + 1).strip().replace("\"", "").replace("'", "");
            }
        }
        return new String[] {mime, cs};
    }

    private static Charset charset(String name) {
        try {
            return name.isEmpty() || !Charset.isSupported(name) ? null : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Duration retryAfter(Header h) {
        if (h == null) {
            return null;
        }
        String v = h.getValue().strip();
        try {
            long s = Long.parseLong(v);
            return s < 0 ? null : Duration.ofSeconds(Math.min(s, 86_400));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(java.time.Instant.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }

    private FetchResult failure(String asked, String where, Exception e, Abort abort, boolean timedOut) {
        if (abort.aborted()) {
            return FetchResult.failed(Outcome.ABORTED, asked, where, 0, null, "aborted", null);
        }
        if (timedOut) {
            return FetchResult.failed(Outcome.TRANSIENT, asked, where, 0, null, "timed out after "
                    + settings.timeout().toSeconds() + " s", null);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof PrivateAddressException p) {
                return FetchResult.failed(Outcome.REFUSED, asked, where, 0, null, p.getMessage(), null);
            }
            if (c instanceof UnknownHostException) {
                return FetchResult.failed(Outcome.REFUSED, asked, where, 0, null, "unknown host: "
                        + c.getMessage(), null);
            }
            if (c instanceof SocketTimeoutException
                    || c instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                return FetchResult.failed(Outcome.TRANSIENT, asked, where, 0, null, "timed out: " + c.getMessage(),
                        null);
            }
            if (c instanceof ConnectException) {
                return FetchResult.failed(Outcome.TRANSIENT, asked, where, 0, null, "connection failed: "
                        + c.getMessage(), null);
            }
            if (c instanceof SSLException) {
                return FetchResult.failed(Outcome.REFUSED, asked, where, 0, null, "TLS failed: " + c.getMessage(),
                        null);
            }
        }
        return FetchResult.failed(Outcome.TRANSIENT, asked, where, 0, null, "connection failed: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null);
    }

    @Override
    public void close() {
        robotsAhead.shutdownNow();
        readingAhead.forEach(Abort::abort);
        deadlines.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            // closing sockets: nothing to do about it
        }
    }
}
