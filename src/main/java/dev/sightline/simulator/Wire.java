package dev.sightline.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.simulator.CitedText.Citing;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** One endpoint's wire format: how it authenticates, reads a request, answers and fails. */
abstract class Wire {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What went wrong, in provider-neutral terms; each wire writes it in its own envelope. */
    enum Problem { MISSING_AUTH, INVALID_AUTH, NOT_FOUND, BAD_JSON, BAD_REQUEST, RATE_LIMITED, SERVER_ERROR, OVERLOADED }

    /** A request body the wire cannot accept (400). */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What the simulator understood of a request.
     *
     * @param model      model asked for
     * @param prompt     text of the last user message
     * @param system     system prompt or instructions, empty when none
     * @param inputChars characters of every message sent, for token counts
     * @param messages   number of messages sent
     * @param webSearch  whether a web search tool was asked for
     * @param maxTokens  output token limit, null when none
     * @param body       the request body, for fields a reply echoes
     */
    record Request(String model, String prompt, String system, int inputChars, int messages, boolean webSearch,
                   Integer maxTokens, JsonNode body) {
    }

    /**
     * One call as the server sees it.
     *
     * @param method     HTTP method
     * @param path       request path
     * @param pathModel  model named in the path (Gemini), else null
     * @param traffic    the kind's counters, for rate-limit headers
     * @param profile    the kind's fault profile at arrival
     * @param latencyMs  the delay chosen for the reply
     * @param apiKey     the credential sent, never echoed in full
     */
    record Exchange(String method, String path, String pathModel, Traffic traffic, FaultProfile profile,
                    long latencyMs, String apiKey) {
    }

    /** A reply ready to send. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
    }

    final String kind;

    Wire(String kind) {
        this.kind = kind;
    }

    /** The credential in the request, or null when the provider would reject it as missing. */
    abstract String credential(HttpServerRequest req);

    /** A problem with the request's headers the provider reports as a 400, or null. */
    String headerProblem(HttpServerRequest req) {
        return null;
    }

    abstract Request read(JsonNode body, Exchange x) throws BadRequest;

    /** How sources show in answers to this request. */
    abstract Citing citing(Request request);

    /** The model name the provider reports back (OpenAI and Anthropic add a snapshot date). */
    abstract String servedModel(String requested);

    abstract Reply answer(Request request, Composition answer, boolean truncated, Exchange x);

    /** The model a reply reports: the kind's {@code served-model} when set, else the provider's own answer. */
    String served(Request request, Exchange x) {
        String swapped = x.profile().servedModel();
        return swapped != null ? swapped : servedModel(request.model());
    }

    abstract Reply error(Problem problem, String detail, Exchange x);

    /** Headers every reply of this provider carries. */
    abstract Map<String, String> headers(Exchange x);

    // ---- helpers shared by the wires ----

    Reply json(int status, Exchange x, JsonNode body) {
        Map<String, String> h = headers(x);
        try {
            return new Reply(status, h, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** The text of a message content that is either a string or a list of parts with {@code text}. */
    static String contentText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                JsonNode t = part.get("text");
                if (t != null && t.isTextual()) {
                    if (!sb.isEmpty()) {
                        sb.append('\n');
                    }
                    sb.append(t.asText());
                }
            }
        }
        return sb.toString();
    }

    /** Streaming replies are not simulated; saying so beats answering a stream request with plain JSON. */
    static void refuseStreaming(JsonNode body) throws BadRequest {
        JsonNode stream = body.get("stream");
        if (stream != null && stream.asBoolean(false)) {
            throw new BadRequest("stream: the Sightline provider simulator does not stream; send \"stream\": false");
        }
    }

    static Integer intOrNull(JsonNode body, String... fields) {
        for (String f : fields) {
            JsonNode n = body.get(f);
            if (n != null && n.canConvertToInt()) {
                return n.asInt();
            }
        }
        return null;
    }

    static int tokens(int chars) {
        return Math.max(1, (chars + 3) / 4);
    }

    static long nowSeconds() {
        return Instant.now().getEpochSecond();
    }

    static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.atOffset(ZoneOffset.UTC).withNano(0));
    }

    static String randomAlnum(int n) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        return sb.toString();
    }

    static String randomHex(int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }

    /** "sk-proj-abc...wxyz" style, as OpenAI shows a rejected key. */
    static String masked(String key) {
        if (key == null || key.length() < 8) {
            return "***";
        }
        return key.substring(0, 3) + "*".repeat(Math.min(20, key.length() - 7)) + key.substring(key.length() - 4);
    }

    static Map<String, String> headerMap() {
        return new LinkedHashMap<>();
    }

    /** Base64 that looks like the opaque blobs providers attach to search results; stable for the same input. */
    static String opaque(int length, Object... parts) {
        StringBuilder sb = new StringBuilder(length);
        long h = Rng.hash(parts);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < length; i++) {
            h = h * 6364136223846793005L + 1442695040888963407L;
            sb.append(alphabet.charAt((int) (h >>> 58)));
        }
        return sb.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A model name with the snapshot date the provider reports, e.g. {@code gpt-4o-mini-2024-07-18}. Names that
     * already carry a date are returned as they are; unknown names get a stable made-up date.
     */
    static String dated(String model, Map<String, String> known, boolean dashed) {
        if (model == null || model.isBlank()) {
            return model;
        }
        if (DATED.matcher(model).matches() || DATED_COMPACT.matcher(model).matches()) {
            return model;
        }
        String k = known.get(model);
        if (k != null) {
            return k;
        }
        if (model.endsWith("-latest")) {
            model = model.substring(0, model.length() - "-latest".length());
        }
        long h = Rng.hash("snapshot", model);
        int month = 1 + (int) Math.floorMod(h, 12L);
        int dayOfMonth = 1 + (int) Math.floorMod(h >> 8, 28L);
        return dashed ? String.format("%s-2025-%02d-%02d", model, month, dayOfMonth)
                : String.format("%s-2025%02d%02d", model, month, dayOfMonth);
    }

    private static final Pattern DATED = Pattern.compile(".*-\\d{4}-\\d{2}-\\d{2}$");
    private static final Pattern DATED_COMPACT = Pattern.compile(".*-\\d{8}$");
}
