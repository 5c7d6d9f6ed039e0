package dev.sightline.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A server-sent events client for tests: reads a stream line by line as it arrives and keeps every frame. */
public final class SseClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One dispatched frame; {@code event} null for a frame without one (an id-only frame, the stream's start). */
    public record Frame(String id, String event, String data, long receivedNanos) {
        public JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + data, e);
            }
        }
    }

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Void>> response;
    /** Completes with the response's head, as soon as it arrives (the response itself completes at the end). */
    private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private volatile boolean ended;
    private String id;
    private String event;
    private final StringBuilder data = new StringBuilder();

    private SseClient(String url, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
        headers.forEach(b::header);
        response = HTTP.sendAsync(b.build(), info -> {
            head.complete(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(new Lines());
        });
        response.whenComplete((r, t) -> {
            if (t != null) {
                head.completeExceptionally(t);
            }
        });
    }

    public static SseClient open(String url, Map<String, String> headers) {
        return new SseClient(url, headers);
    }

    /** The response's status once its head arrived. */
    public int status() {
        try {
            return head.get(15, TimeUnit.SECONDS).statusCode();
        } catch (Exception e) {
            throw new AssertionError("no response head: " + e, e);
        }
    }

    public String header(String name) {
        try {
            return head.get(15, TimeUnit.SECONDS).headers().firstValue(name).orElse(null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    public List<Frame> events(String type) {
        return frames.stream().filter(f -> type.equals(f.event())).toList();
    }

    public List<String> comments() {
        return new ArrayList<>(comments);
    }

    public boolean ended() {
        return ended;
    }

    /** The last id the stream gave (what a client sends back as Last-Event-ID). */
    public String lastId() {
        String last = null;
        for (Frame f : frames) {
            if (f.id() != null) {
                last = f.id();
            }
        }
        return last;
    }

    public Frame await(String what, Duration timeout, Predicate<Frame> p) {
        Frame[] found = new Frame[1];
        TestApp.await(what, timeout, () -> {
            for (Frame f : frames) {
                if (p.test(f)) {
                    found[0] = f;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    @Override
    public void close() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        response.cancel(true);
    }

    private final class Lines implements Flow.Subscriber<String> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                if (id != null || event != null || data.length() > 0) {
                    frames.add(new Frame(id, event, data.length() == 0 ? null : data.toString(), System.nanoTime()));
                }
                id = null;
                event = null;
                data.setLength(0);
            } else if (line.startsWith(":")) {
                comments.add(line);
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(6));
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
}
