package dev.sightline.provider.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sightline.provider.Answer;
import dev.sightline.provider.PromptInput;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import dev.sightline.provider.Secret;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reply bodies from src/test/resources/fixtures and the settings the codec tests share. */
final class Fixtures {

    static final String KEY = "sk-sightline-test-4f9c2e1b7a6d";
    static final PromptInput PROMPT = new PromptInput("You are a helpful buyer's assistant.",
            "What is the best help desk software for a 20-person team?", 4711L, 3);
    static final PromptInput NO_SYSTEM = new PromptInput("", "Which CRM should a small agency use?", 12L, 1);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Fixtures() {
    }

    static String body(String kind, String file) {
        String path = "/fixtures/" + kind + "/" + file;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProviderSettings settings(String kind, String model, boolean webSearch, Double temperature) {
        return settings(kind, model, webSearch, temperature, KEY, "http://sim.local/" + kind + "/v1");
    }

    static ProviderSettings settings(String kind, String model, boolean webSearch, Double temperature, String key,
            String baseUrl) {
        return new ProviderSettings(kind, kind, model, baseUrl, Secret.of(key), webSearch, temperature, 1000, 60,
                2, Duration.ofSeconds(60), new BigDecimal("0.15"), new BigDecimal("0.60"), null, null, true, null);
    }

    /** Header pairs: name, value, name, value ... */
    static Map<String, List<String>> headers(String... pairs) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            h.put(pairs[i], List.of(pairs[i + 1]));
        }
        return h;
    }

    static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProviderResult decode(ProviderSettings s, String kind, String file, int status, String... headerPairs) {
        return Codecs.forKind(kind).decode(s, status, headers(headerPairs), body(kind, file));
    }

    /** The answer in a fixture served with 200 and no headers (null when the codec reports a failure). */
    static Answer answer(ProviderSettings s, String kind, String file) {
        return decode(s, kind, file, 200).answer();
    }
}
