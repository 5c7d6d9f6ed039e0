package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/**
 * Clients that open connections and never finish a request (half-open, slowloris) cannot take the node down:
 * thousands of them from many addresses are held while health and authenticated calls keep answering; one address
 * gets no more than its share; and every such connection is closed once the header timeout is over, even one that
 * keeps trickling bytes. A request whose head arrived is not cut while its body follows within the body timeout; one
 * whose body trickles past it is, and slow bodies make room for new clients when all connections are taken.
 */
class HttpLimitsTest {

    static final int MAX = 300;
    static final int PER_CLIENT = 100;
    /** A reverse proxy in front of the app: its connections carry many clients. */
    static final String PROXY = "127.0.7.1";
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(6);
    /** Bytes a second that keep a body in time however long it takes. */
    static final int MIN_RATE = 1024;
    static TestApp app;
    static int port;

    @BeforeAll
    static void start() {
        app = TestApp.start("http_limits", Map.of(
                "sightline.http.header-timeout", HEADER_TIMEOUT.toMillis() + "ms",
                "sightline.http.body-timeout", BODY_TIMEOUT.toMillis() + "ms",
                "sightline.http.body-min-rate", MIN_RATE + "",
                "sightline.http.max-connections", String.valueOf(MAX),
                "sightline.http.max-connections-per-client", String.valueOf(PER_CLIENT),
                "sightline.http.trusted-proxies", PROXY));
        port = URI.create(app.baseUrl()).getPort();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** A connection from a loopback address of our choice (all of 127/8 is local), with half a request sent. */
    static Socket halfOpen(String from) throws IOException {
        Socket s = connectFrom(from);
        OutputStream out = s.getOutputStream();
        out.write("GET /api/health HTTP/1.1\r\nHost: sightline\r\nX-Wait: ".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** A connection to the app from a loopback address of our choice. */
    static Socket connectFrom(String from) throws IOException {
        Socket s = new Socket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return s;
    }

    /** True when the server has closed the connection (end of stream, or a reset). */
    static boolean closedByServer(Socket s, long waitMillis) throws IOException {
        s.setSoTimeout((int) Math.max(1, waitMillis));
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                // an error reply before the close is fine; what counts is that the connection ends
            }
            return n < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void thousandsOfHalfOpenConnectionsDoNotStopTheNodeAnswering() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(app.get("/api/runs").status()).isEqualTo(200);
        }
        List<Socket> held = new ArrayList<>();
        try {
            // 3,000 from 30 addresses, each within its share; 200 more from one address, over its share
            for (int a = 1; a <= 30; a++) {
                for (int i = 0; i < PER_CLIENT; i++) {
                    held.add(halfOpen("127.0.1." + a));
                }
            }
            List<Socket> greedy = new ArrayList<>();
            for (int i = 0; i < 2 * PER_CLIENT; i++) {
                greedy.add(halfOpen("127.0.2.1"));
            }
            held.addAll(greedy);

            // the first call waits for the server to accept the connections queued before it
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                assertThat(app.get("/api/health").status()).isEqualTo(200);
                assertThat(app.get("/api/runs").status()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(i == 0 ? 5 : 1));
            }

            // the server holds no more than its limits: all but MAX of them were closed at once
            long stillOpen = 0;
            for (Socket s : held) {
                if (!closedByServer(s, 1)) {
                    stillOpen++;
                }
            }
            assertThat(stillOpen).isLessThanOrEqualTo(MAX);
            long greedyOpen = 0;
            for (Socket s : greedy) {
                if (!s.isClosed() && !closedByServer(s, 1)) {
                    greedyOpen++;
                }
            }
            assertThat(greedyOpen).isLessThanOrEqualTo(PER_CLIENT);

            // and none outlives the header timeout
            long deadline = System.nanoTime() + HEADER_TIMEOUT.plusSeconds(3).toNanos();
            for (Socket s : held) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                assertThat(closedByServer(s, left)).as("closed within the header timeout").isTrue();
            }
            assertThat(app.get("/api/health").status()).isEqualTo(200);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** The per-client limit would cap every user behind a reverse proxy at once: a trusted proxy is not held to it. */
    @Test
    void aTrustedProxyMayHoldMoreConnectionsThanOneClient() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_CLIENT + 20; i++) {
                held.add(halfOpen(PROXY));
            }
            int answered = 0;
            for (Socket s : held) {
                try {
                    s.getOutputStream().write("1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    s.setSoTimeout(10_000);
                    if (new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).equals("HTTP/1.1 200")) {
                        answered++;
                    }
                } catch (IOException closed) {
                    // refused: not answered
                }
            }
            assertThat(answered).isEqualTo(PER_CLIENT + 20);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /**
     * Sends a byte every 300 ms until the server closes the connection or the patience runs out: how long the server
     * let it go on (asserted to have closed it).
     */
    static Duration trickleUntilClosed(Socket s, char c, Duration patience) throws IOException {
        long started = System.nanoTime();
        OutputStream out = s.getOutputStream();
        boolean closed = false;
        while (!closed && System.nanoTime() - started < patience.toNanos()) {
            try {
                out.write(c);
                out.flush();
            } catch (IOException e) {
                closed = true;
                break;
            }
            closed = closedByServer(s, 300);
        }
        assertThat(closed).as("closed although it kept sending").isTrue();
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void aHeadTrickledByteByByteIsCutAtTheHeaderTimeout() throws Exception {
        try (Socket s = halfOpen("127.0.3.1")) {
            assertThat(trickleUntilClosed(s, 'x', HEADER_TIMEOUT.plusSeconds(4))).isLessThan(HEADER_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void aRequestWhoseHeadArrivedIsNotCutWhileItsBodyIsSlow() throws Exception {
        String body = "{\"brand\":{\"name\":\"Pipedrive\"},\"text\":\"Pipedrive is a CRM.\"}";
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/analyze HTTP/1.1\r\nHost: sightline\r\nAuthorization: Bearer " + TestApp.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long until = System.nanoTime() + HEADER_TIMEOUT.plusSeconds(1).toNanos();
            int i = 0;
            while (System.nanoTime() < until) {
                out.write(body.charAt(i++));
                out.flush();
                Thread.sleep(100); // the slow client under test, not a wait for the app
            }
            out.write(body.substring(i).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(10_000);
            String reply = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(reply).isEqualTo("HTTP/1.1 200");
        }
    }

    /**
     * A large upload over a slow line takes longer than the body timeout: as long as it keeps up with the minimum rate
     * it is not cut (a dataset of 100 MB over 10 Mbit/s takes 80 s).
     */
    @Test
    void anUploadThatKeepsUpWithTheMinimumRateIsNotCut() throws Exception {
        int seconds = (int) BODY_TIMEOUT.toSeconds() + 2;
        int chunk = 2 * MIN_RATE / 4; // every 250 ms: twice the minimum rate
        String head = "{\"brand\":{\"name\":\"Pipedrive\"},\"text\":\"Pipedrive is a CRM.";
        String tail = "\"}";
        int length = head.length() + seconds * 4 * chunk + tail.length();
        try (Socket s = connectFrom("127.0.8.1")) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/analyze HTTP/1.1\r\nHost: sightline\r\nAuthorization: Bearer " + TestApp.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n" + head)
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < seconds * 4; i++) {
                out.write(" ".repeat(chunk).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(250); // the slow line under test, not a wait for the app
            }
            out.write(tail.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(10_000);
            assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        }
    }

    /** A connection that sent a request head announcing a big body, and one byte of it. */
    static Socket slowBody(String from) throws IOException {
        Socket s = connectFrom(from);
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/analyze HTTP/1.1\r\nHost: sightline\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    @Test
    void aBodyTrickledPastTheBodyTimeoutIsCut() throws Exception {
        try (Socket s = slowBody("127.0.4.1")) {
            assertThat(trickleUntilClosed(s, ' ', BODY_TIMEOUT.plusSeconds(5)))
                    .isBetween(BODY_TIMEOUT.minusMillis(500), BODY_TIMEOUT.plusSeconds(2));
        }
    }

    /**
     * A health call on a new connection from 127.0.6.1, read to the end (the server closes it): true when it was
     * answered 200, false when refused.
     */
    static boolean healthAnswered() {
        try (Socket c = new Socket()) {
            c.bind(new InetSocketAddress("127.0.6.1", 0));
            c.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            c.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: sightline\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            c.setSoTimeout(1000);
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void slowBodiesMakeRoomForANewClientWhenAllConnectionsAreTaken() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX; i++) {
                held.add(slowBody("127.0.5." + (1 + i / PER_CLIENT)));
            }
            long filled = System.nanoTime();
            // every connection is taken by a request whose body is arriving; once those have taken longer than the
            // header timeout, new clients get in, each in the place of one of them (well before the body timeout
            // would have closed them)
            int answered = 0;
            while (answered < 3 && System.nanoTime() - filled < BODY_TIMEOUT.minusSeconds(1).toNanos()) {
                if (healthAnswered()) {
                    answered++;
                }
            }
            assertThat(answered).as("new clients got in while slow bodies held every connection").isEqualTo(3);
            long evicted = 0;
            for (Socket h : held) {
                if (closedByServer(h, 1)) {
                    evicted++;
                }
            }
            assertThat(evicted).as("slow bodies made room").isPositive();
            assertThat(Duration.ofNanos(System.nanoTime() - filled)).isLessThan(BODY_TIMEOUT);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
