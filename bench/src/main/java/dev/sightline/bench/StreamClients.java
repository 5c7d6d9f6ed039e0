package dev.sightline.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients of the streams measurement, in a JVM of their own (so the app's peak RSS is the app's): opens
 * {@code n} event streams ({@code GET /api/events}), prints {@code OPEN n} once every one has its response head,
 * then reads {@code RUN <id>} from stdin (the run is over) and prints {@code RESULT <json>} once every stream saw
 * that run's run.completed (or after a minute): how many did, the cells each saw finish, and when.
 *
 * <p>Usage: {@code StreamClients <baseUrl> <token> <n>}. Frames are matched as text, not parsed, so the clients
 * cost the shared cores little.
 */
public final class StreamClients {

    /** One stream: per run, the cells it saw finish and when it saw the run complete. */
    static final class Stream implements Flow.Subscriber<String> {
        final CompletableFuture<Integer> head = new CompletableFuture<>();
        final Map<String, Integer> cells = new ConcurrentHashMap<>();
        final Map<String, Long> completedAt = new ConcurrentHashMap<>();
        final AtomicInteger frames = new AtomicInteger();
        volatile boolean ended;
        private String event;
        private final List<String> pending = new ArrayList<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                pending.add(line);
            } else if (line.isEmpty()) {
                frames.incrementAndGet();
                for (String data : pending) {
                    if ("cell.finished".equals(event)) {
                        cells.merge(runId(data), count(data, "\"cellId\":"), Integer::sum);
                    } else if ("run.completed".equals(event)) {
                        completedAt.putIfAbsent(runId(data), System.currentTimeMillis());
                    }
                }
                pending.clear();
                event = null;
            }
        }

        @Override
        public void onError(Throwable t) {
            ended = true;
        }

        @Override
        public void onComplete() {
            ended = true;
        }
    }

    /** The digits after the first "runId": of a frame's data. */
    static String runId(String data) {
        int i = data.indexOf("\"runId\":");
        if (i < 0) {
            return "";
        }
        int j = i + 8;
        int k = j;
        while (k < data.length() && Character.isDigit(data.charAt(k))) {
            k++;
        }
        return data.substring(j, k);
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        int n = Integer.parseInt(args[2]);
        // one connection per client, as 1,000 browsers would have (over HTTP/2 the JDK client would multiplex them on
        // one connection, within the server's limit of concurrent streams)
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<Stream> streams = new ArrayList<>();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        for (int i = 0; i < n; i++) {
            if (i > 0 && i % 100 == 0) {
                // clients arrive in waves of 100, each once the previous wave has its answers
                for (Stream s : streams.subList(i - 100, i)) {
                    try {
                        s.head.get(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // counted below
                    }
                }
            }
            Stream s = new Stream();
            streams.add(s);
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/events"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
            http.sendAsync(req, info -> {
                s.head.complete(info.statusCode());
                return HttpResponse.BodySubscribers.fromLineSubscriber(s);
            }).whenComplete((r, t) -> {
                s.ended = true;
                if (t != null) {
                    Throwable c = t.getCause() != null ? t.getCause() : t;
                    failures.merge(c.getClass().getSimpleName() + ": " + c.getMessage(), 1, Integer::sum);
                    s.head.completeExceptionally(t);
                }
            });
        }
        int ok = 0;
        for (Stream s : streams) {
            try {
                if (s.head.get(120, TimeUnit.SECONDS) == 200) {
                    ok++;
                }
            } catch (Exception e) {
                // counted as not open
            }
        }
        if (!failures.isEmpty()) {
            System.err.println("stream clients: failures " + failures);
        }
        System.out.println("OPEN " + ok);
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line = in.readLine();
        if (line == null || !line.startsWith("RUN ")) {
            System.exit(1);
        }
        String runId = line.substring(4).strip();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline
                && streams.stream().anyMatch(s -> !s.completedAt.containsKey(runId) && !s.ended)) {
            Thread.sleep(50);
        }
        long[] completed = streams.stream().filter(s -> s.completedAt.containsKey(runId))
                .mapToLong(s -> s.completedAt.get(runId)).sorted().toArray();
        int[] cells = streams.stream().mapToInt(s -> s.cells.getOrDefault(runId, 0)).sorted().toArray();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("streams", n);
        r.put("opened", ok);
        r.put("receivedCompleted", completed.length);
        r.put("endedEarly", streams.stream().filter(s -> s.ended && !s.completedAt.containsKey(runId)).count());
        r.put("completedFirstMillis", completed.length == 0 ? 0 : completed[0]);
        r.put("completedLastMillis", completed.length == 0 ? 0 : completed[completed.length - 1]);
        r.put("completedMedianMillis", completed.length == 0 ? 0 : completed[completed.length / 2]);
        r.put("cellsSeenMin", cells.length == 0 ? 0 : cells[0]);
        r.put("cellsSeenMax", cells.length == 0 ? 0 : cells[cells.length - 1]);
        r.put("framesPerStreamMedian", streams.stream().mapToInt(s -> s.frames.get()).sorted().toArray()[n / 2]);
        System.out.println("RESULT " + Scenario.JSON.writer().without(
                com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        System.out.flush();
        System.exit(0);
    }

    private StreamClients() {
    }
}
