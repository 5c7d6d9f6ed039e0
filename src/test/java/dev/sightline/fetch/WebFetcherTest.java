package dev.sightline.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sightline.fetch.FetchResult.Outcome;
import dev.sightline.pages.PageReader;
import dev.sightline.pages.ReadPage;

/**
 * The fetcher against a real HTTP server on the loopback interface, reached as {@code site.test} (pinned, as
 * {@code sightline.fetch.resolve} does), with private addresses refused as in production: what it refuses, and
 * that a refused request never reaches the server.
 */
class WebFetcherTest {

    static HttpServer server;
    static int port;
    static final List<String> seen = new CopyOnWriteArrayList<>();
    static final Map<String, String> agents = new ConcurrentHashMap<>();
    static final Map<String, Consumer<HttpExchange>> pages = new ConcurrentHashMap<>();
    static final AtomicInteger concurrent = new AtomicInteger();
    static final AtomicInteger maxConcurrent = new AtomicInteger();
    static final String ROBOTS = "User-agent: *\nDisallow: /private\nDisallow: /everyone-else\n\n"
            + "User-agent: Sightline\nDisallow: /private\nDisallow: /not-for-us\n";
    static WebFetcher fetcher;
    /** The robots.txt of these hosts answers once {@link #robotsGate} is open. */
    static final java.util.Set<String> GATED = java.util.Set.of("robots.test", "ahead.test");
    static volatile java.util.concurrent.CountDownLatch robotsGate = new java.util.concurrent.CountDownLatch(0);
    static final AtomicInteger robotsAsked = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().toString();
            seen.add(path);
            agents.put(path, String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")));
            try {
                if (path.equals("/robots.txt") && GATED.contains(host(ex))) {
                    robotsAsked.incrementAndGet();
                    await(robotsGate);
                }
                if (path.equals("/robots.txt")) {
                    send(ex, 200, "text/plain", ROBOTS.getBytes(StandardCharsets.UTF_8), Map.of());
                    return;
                }
                Consumer<HttpExchange> page = pages.get(ex.getRequestURI().getPath());
                if (page == null) {
                    send(ex, 404, "text/html", "<h1>not found</h1>".getBytes(StandardCharsets.UTF_8), Map.of());
                } else {
                    page.accept(ex);
                }
            } finally {
                ex.close();
            }
        });
        server.start();
        port = server.getAddress().getPort();
        fetcher = new WebFetcher(new FetchSettings("Sightline/0.1 (+https://example.org/bot)", "Sightline", 2, 16,
                Duration.ofSeconds(2), Duration.ofSeconds(1), false, Duration.ofHours(1),
                Map.of("site.test", new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                        "robots.test", new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                        "ahead.test", new InetSocketAddress(InetAddress.getLoopbackAddress(), port)), null));
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        server.stop(0);
    }

    @BeforeEach
    void clear() {
        seen.clear();
        pages.clear();
        maxConcurrent.set(0);
    }

    static void send(HttpExchange ex, int status, String type, byte[] body, Map<String, String> headers) {
        try {
            if (type != null) {
                ex.getResponseHeaders().add("Content-Type", type);
            }
            headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the client went away (an aborted or refused body): nothing to do
        }
    }

    static String host(HttpExchange ex) {
        String h = String.valueOf(ex.getRequestHeaders().getFirst("Host"));
        return h.contains(":") ? h.substring(0, h.indexOf(':')) : h;
    }

    static void await(java.util.concurrent.CountDownLatch gate) {
        try {
            gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void html(String path, String body) {
        pages.put(path, ex -> send(ex, 200, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8),
                Map.of()));
    }

    /** A page that answers after 200 ms and records the most requests the server held at once. */
    static void countingPage(String path) {
        pages.put(path, ex -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            pause(200);
            concurrent.decrementAndGet();
            send(ex, 200, "text/html", "<title>w</title>".getBytes(), Map.of());
        });
    }

    static void redirect(String path, String location) {
        pages.put(path, ex -> send(ex, 302, "text/html", new byte[0], Map.of("Location", location)));
    }

    static String url(String path) {
        return "http://site.test" + path;
    }

    // ---- refusals ----

    @Test
    void privateAddressesAreRefusedByNameAndLiteralBeforeAnyConnection() {
        html("/", "<title>home</title>");
        FetchResult byName = fetcher.fetch("http://localhost:" + port + "/", new WebFetcher.Abort());
        assertThat(byName.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(byName.reason()).isEqualTo("private address: localhost");
        FetchResult literal = fetcher.fetch("http://127.0.0.1:" + port + "/", new WebFetcher.Abort());
        assertThat(literal.reason()).isEqualTo("private address: 127.0.0.1");
        for (String u : List.of("http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://[::1]:80/",
                "http://[fd00:ec2::254]/", "http://100.100.100.200/", "http://0.0.0.0/", "http://192.168.1.1/",
                "http://[64:ff9b::7f00:1]:" + port + "/", "http://[2002:7f00:1::]:" + port + "/",
                "http://[fe80::1%25lo]/", "http://[fe80::1%251]/")) {
            FetchResult r = fetcher.fetch(u, new WebFetcher.Abort());
            assertThat(r.outcome()).as(u).isEqualTo(Outcome.REFUSED);
            assertThat(r.reason()).as(u).startsWith("private address: ");
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void aNameThatResolvesToAPrivateAddressIsRefusedAfterTheLookup() throws Exception {
        String name = InetAddress.getLocalHost().getHostName();
        InetAddress[] all = InetAddress.getAllByName(name);
        assumeThat(java.util.Arrays.stream(all).anyMatch(a -> !AddressPolicy.isPublic(a)))
                .as("this machine's name resolves to a private address").isTrue();
        FetchResult r = fetcher.fetch("http://" + name + ":" + port + "/", new WebFetcher.Abort());
        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        // which address it resolves to stays in the node's log: a caller is not told the node's internal names
        assertThat(r.reason()).isEqualTo("private address: " + name.toLowerCase() + " resolves to a private address");
        assertThat(seen).isEmpty();
    }

    @Test
    void aRedirectToAPrivateAddressIsRefusedAndNeverFollowed() {
        redirect("/go", "http://127.0.0.1:" + port + "/secret");
        redirect("/go-name", "http://localhost:" + port + "/secret");
        html("/secret", "<title>secret</title>");
        FetchResult r = fetcher.fetch(url("/go"), new WebFetcher.Abort());
        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.reason()).isEqualTo("private address: 127.0.0.1");
        assertThat(r.finalUrl()).isEqualTo("http://127.0.0.1:" + port + "/secret");
        assertThat(fetcher.fetch(url("/go-name"), new WebFetcher.Abort()).reason())
                .isEqualTo("private address: localhost");
        assertThat(seen).doesNotContain("/secret").contains("/go", "/go-name");
    }

    @Test
    void robotsTxtIsHonouredWithTheGroupNamingSightline() {
        html("/private/page", "<title>no</title>");
        html("/not-for-us", "<title>no</title>");
        html("/everyone-else", "<title>not refused to us</title>");
        html("/public", "<title>yes</title>");
        FetchResult r = fetcher.fetch(url("/private/page"), new WebFetcher.Abort());
        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.reason()).isEqualTo("robots.txt disallows /private/page");
        assertThat(fetcher.fetch(url("/not-for-us"), new WebFetcher.Abort()).reason())
                .isEqualTo("robots.txt disallows /not-for-us");
        // the group naming Sightline replaces the * group for us (RFC 9309)
        assertThat(fetcher.fetch(url("/everyone-else"), new WebFetcher.Abort()).ok()).isTrue();
        assertThat(fetcher.fetch(url("/public"), new WebFetcher.Abort()).ok()).isTrue();
        assertThat(seen).doesNotContain("/private/page", "/not-for-us").contains("/public");
        // robots.txt was read once and cached
        assertThat(seen.stream().filter(p -> p.equals("/robots.txt")).count()).isLessThanOrEqualTo(1);
    }

    @Test
    void aBodyOverTwoMegabytesIsRefusedAlsoWhenItArrivesCompressed() throws IOException {
        byte[] big = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        pages.put("/big", ex -> send(ex, 200, "text/html", big, Map.of()));
        pages.put("/chunked", ex -> {
            try {
                ex.getResponseHeaders().add("Content-Type", "text/html");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int i = 0; i < 48; i++) {
                        out.write(big, 0, 64 * 1024);
                    }
                }
            } catch (IOException e) {
                // the fetcher stopped reading
            }
        });
        byte[] bomb = gzip(new byte[20 * 1024 * 1024]);
        pages.put("/bomb", ex -> send(ex, 200, "text/html", bomb, Map.of("Content-Encoding", "gzip")));
        for (String p : List.of("/big", "/chunked", "/bomb")) {
            FetchResult r = fetcher.fetch(url(p), new WebFetcher.Abort());
            assertThat(r.outcome()).as(p).isEqualTo(Outcome.REFUSED);
            assertThat(r.reason()).as(p).isEqualTo("body larger than 2 MB");
        }
    }

    @Test
    void onlyHtmlIsRead() {
        pages.put("/doc.pdf", ex -> send(ex, 200, "application/pdf", "%PDF-1.4".getBytes(), Map.of()));
        pages.put("/data", ex -> send(ex, 200, "application/json", "{}".getBytes(), Map.of()));
        pages.put("/untyped", ex -> send(ex, 200, null, "<p>hi".getBytes(), Map.of()));
        pages.put("/xhtml", ex -> send(ex, 200, "application/xhtml+xml", "<html><title>x</title></html>".getBytes(),
                Map.of()));
        assertThat(fetcher.fetch(url("/doc.pdf"), new WebFetcher.Abort()).reason()).isEqualTo("not HTML: application/pdf");
        assertThat(fetcher.fetch(url("/data"), new WebFetcher.Abort()).reason()).isEqualTo("not HTML: application/json");
        assertThat(fetcher.fetch(url("/untyped"), new WebFetcher.Abort()).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(fetcher.fetch(url("/xhtml"), new WebFetcher.Abort()).ok()).isTrue();
    }

    @Test
    void redirectLoopsAndLongChainsAreRefused() {
        redirect("/a", "/b");
        redirect("/b", "/a");
        for (int i = 1; i <= 7; i++) {
            redirect("/hop/" + i, "/hop/" + (i + 1));
        }
        redirect("/five/1", "/five/2");
        redirect("/five/2", "/five/3");
        redirect("/five/3", "/five/4");
        redirect("/five/4", "/five/5");
        redirect("/five/5", "/five/6");
        html("/five/6", "<title>arrived</title>");
        FetchResult loop = fetcher.fetch(url("/a"), new WebFetcher.Abort());
        assertThat(loop.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(loop.reason()).isEqualTo("redirect loop: back to " + url("/a"));
        FetchResult chain = fetcher.fetch(url("/hop/1"), new WebFetcher.Abort());
        assertThat(chain.reason()).isEqualTo("more than 5 redirects");
        assertThat(seen).doesNotContain("/hop/7");
        FetchResult five = fetcher.fetch(url("/five/1"), new WebFetcher.Abort());
        assertThat(five.ok()).isTrue();
        assertThat(five.finalUrl()).isEqualTo(url("/five/6"));
    }

    @Test
    void failuresWorthAnotherTryAreTransient() {
        pages.put("/busy", ex -> send(ex, 503, "text/html", "<h1>busy</h1>".getBytes(), Map.of("Retry-After", "7")));
        pages.put("/slow", ex -> {
            pause(3000);
            send(ex, 200, "text/html", "<title>late</title>".getBytes(), Map.of());
        });
        FetchResult busy = fetcher.fetch(url("/busy"), new WebFetcher.Abort());
        assertThat(busy.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(busy.reason()).isEqualTo("HTTP 503");
        assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        long t0 = System.nanoTime();
        FetchResult slow = fetcher.fetch(url("/slow"), new WebFetcher.Abort());
        assertThat(slow.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(slow.reason()).startsWith("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
        assertThat(fetcher.fetch(url("/gone"), new WebFetcher.Abort()).outcome()).isEqualTo(Outcome.REFUSED);
    }

    @Test
    void anAbortStopsAFetchUnderWay() throws Exception {
        pages.put("/hang", ex -> {
            pause(900);
            send(ex, 200, "text/html", "<title>late</title>".getBytes(), Map.of());
        });
        WebFetcher.Abort abort = new WebFetcher.Abort();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<FetchResult> f = pool.submit(() -> fetcher.fetch(url("/hang"), abort));
        dev.sightline.testing.TestApp.await("the request to arrive", Duration.ofSeconds(5), () -> seen.contains("/hang"));
        abort.abort();
        FetchResult r = f.get();
        assertThat(r.outcome()).isEqualTo(Outcome.ABORTED);
        pool.shutdown();
    }

    /**
     * Fetches of one host wait for the robots.txt the first of them reads. One that is aborted while it waits stops
     * at once; when the reader is aborted (its job cancelled, its node stopping), a waiter that was not reads the
     * file itself instead of failing as if the host were down (it spent an attempt and waited a minute).
     */
    @Test
    void aFetchWaitingForRobotsTxtStopsWhenAbortedAndReadsItWhenItsReaderWas() throws Exception {
        html("/shared", "<title>shared</title>");
        robotsGate = new java.util.concurrent.CountDownLatch(1);
        robotsAsked.set(0);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            WebFetcher.Abort reader = new WebFetcher.Abort();
            Future<FetchResult> first = pool.submit(() -> fetcher.fetch("http://robots.test/shared", reader));
            dev.sightline.testing.TestApp.await("robots.txt asked", Duration.ofSeconds(5),
                    () -> robotsAsked.get() == 1);
            WebFetcher.Abort leaving = new WebFetcher.Abort();
            Thread[] waiters = new Thread[2];
            Future<FetchResult> second = pool.submit(() -> {
                waiters[0] = Thread.currentThread();
                return fetcher.fetch("http://robots.test/shared", leaving);
            });
            Future<FetchResult> third = pool.submit(() -> {
                waiters[1] = Thread.currentThread();
                return fetcher.fetch("http://robots.test/shared", new WebFetcher.Abort());
            });
            dev.sightline.testing.TestApp.await("both waiting for robots.txt", Duration.ofSeconds(5), () ->
                    waiters[0] != null && waiters[1] != null && waiters[0].getState() == Thread.State.TIMED_WAITING
                    && waiters[1].getState() == Thread.State.TIMED_WAITING);

            leaving.abort();
            // robots.txt has not answered yet: the aborted waiter did not wait for it
            assertThat(second.get(5, java.util.concurrent.TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ABORTED);
            assertThat(robotsGate.getCount()).isEqualTo(1);

            reader.abort();
            assertThat(first.get(5, java.util.concurrent.TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ABORTED);
            dev.sightline.testing.TestApp.await("robots.txt asked again by the waiter", Duration.ofSeconds(5),
                    () -> robotsAsked.get() == 2);
            robotsGate.countDown();
            FetchResult r = third.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.ok()).as(r.reason()).isTrue();
            assertThat(seen.stream().filter("/shared"::equals).count()).isEqualTo(1);
        } finally {
            robotsGate.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * A new job's hosts have their robots.txt read ahead, once per host, while its items are stored and claimed; a
     * page that comes meanwhile waits for that read instead of starting another.
     */
    @Test
    void robotsTxtReadAheadIsReadOncePerHostAndPagesWaitForIt() throws Exception {
        html("/a", "<title>a</title>");
        html("/b", "<title>b</title>");
        robotsGate = new java.util.concurrent.CountDownLatch(1);
        robotsAsked.set(0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            fetcher.readRobotsAhead(List.of("http://ahead.test/a", "http://ahead.test/b?x=1", "not a url",
                    "http://ahead.test/a#top"));
            dev.sightline.testing.TestApp.await("robots.txt asked ahead", Duration.ofSeconds(5),
                    () -> robotsAsked.get() == 1);
            Thread[] waiter = new Thread[1];
            Future<FetchResult> page = pool.submit(() -> {
                waiter[0] = Thread.currentThread();
                return fetcher.fetch("http://ahead.test/a", new WebFetcher.Abort());
            });
            dev.sightline.testing.TestApp.await("the page waiting for robots.txt", Duration.ofSeconds(5),
                    () -> waiter[0] != null && waiter[0].getState() == Thread.State.TIMED_WAITING);
            assertThat(seen).doesNotContain("/a");
            robotsGate.countDown();
            assertThat(page.get(5, java.util.concurrent.TimeUnit.SECONDS).ok()).isTrue();
            // known now: asking ahead again reads nothing
            fetcher.readRobotsAhead(List.of("http://ahead.test/b"));
            assertThat(fetcher.fetch("http://ahead.test/b", new WebFetcher.Abort()).ok()).isTrue();
            assertThat(robotsAsked.get()).isEqualTo(1);
            assertThat(seen.stream().filter("/robots.txt"::equals).count()).isEqualTo(1);
        } finally {
            robotsGate.countDown();
            pool.shutdownNow();
        }
    }

    /** Requests to all hosts together stay within sightline.fetch.max-concurrent, each host within its own limit. */
    @Test
    void requestsOnAllHostsStayWithinTheNodesTotal() throws Exception {
        countingPage("/wait");
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (WebFetcher three = new WebFetcher(new FetchSettings("Sightline/0.1", "Sightline", 2, 3,
                Duration.ofSeconds(2), Duration.ofSeconds(2), false, Duration.ofHours(1),
                Map.of("one.test", local, "two.test", local, "three.test", local), null))) {
            ExecutorService pool = Executors.newFixedThreadPool(9);
            List<Future<FetchResult>> all = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                String host = List.of("one", "two", "three").get(i % 3);
                all.add(pool.submit(() -> three.fetch("http://" + host + ".test/wait", new WebFetcher.Abort())));
            }
            for (Future<FetchResult> f : all) {
                assertThat(f.get().ok()).isTrue();
            }
            pool.shutdown();
        }
        // three hosts at two each would be six
        assertThat(maxConcurrent.get()).isEqualTo(3);
    }

    // ---- what is read ----

    @Test
    void gzipAndBrotliBodiesAndCharsetsFromHeaderOrMetaAreDecoded() throws Exception {
        byte[] latin = "<html><head><title>Caf\u00e9 cr\u00e8me</title></head><body><p>ok</p></body></html>"
                .getBytes(StandardCharsets.ISO_8859_1);
        pages.put("/latin-header", ex -> send(ex, 200, "text/html; charset=ISO-8859-1", latin, Map.of()));
        byte[] meta = ("<html><head><meta charset=\"windows-1252\"><title>Na\u00efve \u20ac prices</title></head>"
                + "<body></body></html>").getBytes("windows-1252");
        pages.put("/latin-meta", ex -> send(ex, 200, "text/html", meta, Map.of()));
        byte[] gz = gzip("<html lang=\"en\"><title>Zipped page</title><p>hello</p></html>"
                .getBytes(StandardCharsets.UTF_8));
        pages.put("/gz", ex -> send(ex, 200, "text/html; charset=utf-8", gz, Map.of("Content-Encoding", "gzip")));
        byte[] br;
        try (InputStream in = getClass().getResourceAsStream("/fetch/page.html.br")) {
            br = in.readAllBytes();
        }
        pages.put("/br", ex -> send(ex, 200, "text/html; charset=utf-8", br, Map.of("Content-Encoding", "br")));

        assertThat(read("/latin-header").title()).isEqualTo("Caf\u00e9 cr\u00e8me");
        assertThat(read("/latin-meta").title()).isEqualTo("Na\u00efve \u20ac prices");
        assertThat(read("/gz").title()).isEqualTo("Zipped page");
        ReadPage brotli = read("/br");
        assertThat(brotli.title()).isEqualTo("Brotli Seite \u2013 \u00dcbersicht");
        assertThat(brotli.language()).isEqualTo("de");
        assertThat(agents.get("/br")).isEqualTo("Sightline/0.1 (+https://example.org/bot)");
    }

    @Test
    void atMostTwoRequestsAtATimeReachOneHost() throws Exception {
        countingPage("/wait");
        fetcher.fetch(url("/wait"), new WebFetcher.Abort());
        maxConcurrent.set(0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<FetchResult>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(pool.submit(() -> fetcher.fetch(url("/wait"), new WebFetcher.Abort())));
        }
        for (Future<FetchResult> f : all) {
            assertThat(f.get().ok()).isTrue();
        }
        pool.shutdown();
        assertThat(maxConcurrent.get()).isEqualTo(2);
    }

    private static ReadPage read(String path) {
        FetchResult r = fetcher.fetch(url(path), new WebFetcher.Abort());
        assertThat(r.ok()).as(path + ": " + r.reason()).isTrue();
        return PageReader.read(r);
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
