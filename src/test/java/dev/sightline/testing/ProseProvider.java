package dev.sightline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import dev.sightline.values.Json;

/**
 * An OpenAI-compatible provider that answers every request with the same prose, as a model that ignores the JSON
 * format it was asked for: configure it with {@link #settings(String)} as provider {@code name}.
 */
public final class ProseProvider implements AutoCloseable {

    private final HttpServer server;

    public ProseProvider(String reply) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = Json.write(Map.of("id", "p1", "object", "chat.completion", "model", "prose-1",
                "choices", java.util.List.of(Map.of("index", 0, "finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", reply))),
                "usage", Map.of("prompt_tokens", 400, "completion_tokens", 9, "total_tokens", 409)))
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/chat/completions", x -> {
            x.getRequestBody().readAllBytes();
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    /** The settings that make it provider {@code name}. */
    public Map<String, String> settings(String name) {
        String p = "sightline.providers." + name + ".";
        return Map.of(p + "kind", "openai-compatible", p + "model", "prose-1",
                p + "base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
