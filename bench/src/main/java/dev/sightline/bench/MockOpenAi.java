package dev.sightline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A neutral OpenAI-compatible server for comparing tools: {@code POST /v1/chat/completions} answers one fixed
 * chat.completion (with usage) after a fixed latency, on as many threads as there are requests, and records when
 * each request arrived and when its answer was sent (System.nanoTime, the clock the caller times processes with).
 * It is not Sightline's simulator, so neither tool plays on home ground.
 */
final class MockOpenAi implements AutoCloseable {

    static final String ANSWER = """
            For a small team, three CRMs come up most often:

            1. **Pipedrive**: a visual sales pipeline that is quick to set up.
            2. **HubSpot**: a free tier with marketing and email tools built in.
            3. **Zoho CRM**: low price per seat and many integrations.

            Try two of them for a week with your real deals and keep the one your team actually updates.""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final long latencyNanos;
    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger other = new AtomicInteger();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    private MockOpenAi(Duration latency) throws IOException {
        this.latencyNanos = latency.toNanos();
        // without TCP_NODELAY the body, written after the headers, can wait for a delayed ACK (up to 40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        // a thread per request in flight: the server must never make a client's requests wait for each other
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mock-openai");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    static MockOpenAi start(Duration latency) throws IOException {
        return new MockOpenAi(latency);
    }

    /** The base URL a client configures ({@code .../v1}). */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Forgets everything recorded so far (between two runs; nothing may be in flight). */
    void reset() {
        calls.clear();
        maxInFlight.set(inFlight.get());
        other.set(0);
    }

    /** What the server saw since the last {@link #reset}. */
    Traffic traffic() {
        List<Call> c;
        synchronized (calls) {
            c = new ArrayList<>(calls);
        }
        c.sort(Comparator.comparingLong(Call::arrived));
        return new Traffic(c, maxInFlight.get(), other.get());
    }

    /** One chat completion: the client's connection (its port) and when it arrived and was answered (nanoTime). */
    record Call(int clientPort, long arrived, long answered) {
    }

    /** Chat completions seen (by arrival), the most in flight at once, and requests to any other path or method. */
    record Traffic(List<Call> calls, int maxInFlight, int otherRequests) {
        int requests() {
            return calls.size();
        }

        long firstArrival() {
            return calls.get(0).arrived();
        }

        long lastAnswer() {
            return calls.stream().mapToLong(Call::answered).max().orElseThrow();
        }

        /** Answers sent within {@code window} of the first arrival. */
        int answeredWithin(Duration window) {
            long limit = firstArrival() + window.toNanos();
            return (int) calls.stream().filter(c -> c.answered() <= limit).count();
        }

        /**
         * The client's turnaround: from an answer to the next request on the same connection, in ms. It is what a
         * tool spends between calls (storing, analysing, claiming the next), the gap between run time and ideal.
         */
        List<Double> turnaroundsMs() {
            Map<Integer, Long> lastAnswer = new HashMap<>();
            List<Double> out = new ArrayList<>();
            for (Call c : calls) {
                Long prev = lastAnswer.put(c.clientPort(), c.answered());
                if (prev != null && prev <= c.arrived()) {
                    out.add((c.arrived() - prev) / 1e6);
                }
            }
            return out;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        long arrived = System.nanoTime();
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes(); // read to the end, or the connection cannot be kept alive
            }
            if (!"POST".equals(ex.getRequestMethod()) || !ex.getRequestURI().getPath().equals("/v1/chat/completions")) {
                other.incrementAndGet();
                send(ex, 404, "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            String reply;
            try {
                reply = completion(JSON.readTree(body), body.length);
                long wait = arrived + latencyNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                // counted as done before the first byte goes out: a client can only send its next request after it,
                // so one that keeps 5 in flight never shows 6 here
                calls.add(new Call(ex.getRemoteAddress().getPort(), arrived, System.nanoTime()));
                inFlight.decrementAndGet();
            }
            send(ex, 200, reply);
        }
    }

    private String completion(JsonNode request, int requestBytes) throws IOException {
        long id = ids.incrementAndGet();
        int promptTokens = Math.max(1, requestBytes / 4);
        int completionTokens = ANSWER.length() / 4;
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", ANSWER);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("logprobs", null);
        choice.put("finish_reason", "stop");
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("id", "chatcmpl-mock-" + id);
        root.put("object", "chat.completion");
        root.put("created", System.currentTimeMillis() / 1000);
        root.put("model", request.path("model").asText("mock"));
        root.put("choices", List.of(choice));
        root.put("usage", usage);
        return JSON.writeValueAsString(root);
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
