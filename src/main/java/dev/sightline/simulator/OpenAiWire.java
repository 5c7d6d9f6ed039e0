package dev.sightline.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;

/** What OpenAI's endpoints share: Bearer auth, the {@code {"error":{...}}} envelope and the rate-limit headers. */
abstract class OpenAiWire extends Wire {

    static final int REQUESTS_PER_MINUTE = 500;

    static final Map<String, String> SNAPSHOTS = Map.ofEntries(
            Map.entry("gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
            Map.entry("gpt-4o", "gpt-4o-2024-08-06"),
            Map.entry("gpt-4.1", "gpt-4.1-2025-04-14"),
            Map.entry("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"),
            Map.entry("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14"),
            Map.entry("gpt-5", "gpt-5-2025-08-07"),
            Map.entry("gpt-5-mini", "gpt-5-mini-2025-08-07"),
            Map.entry("gpt-5-nano", "gpt-5-nano-2025-08-07"),
            Map.entry("o4-mini", "o4-mini-2025-04-16"),
            Map.entry("o3", "o3-2025-04-16"),
            Map.entry("gpt-4o-search-preview", "gpt-4o-search-preview-2025-03-11"),
            Map.entry("gpt-4o-mini-search-preview", "gpt-4o-mini-search-preview-2025-03-11"));

    /** The prefix the simulator mounts this API under, cut from paths in "Invalid URL" messages. */
    private final String mount;

    OpenAiWire(String kind, String mount) {
        super(kind);
        this.mount = mount;
    }

    @Override
    String credential(HttpServerRequest req) {
        return bearer(req);
    }

    static String bearer(HttpServerRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
            return null;
        }
        return auth.substring(7).strip();
    }

    @Override
    String servedModel(String requested) {
        return dated(requested, SNAPSHOTS, true);
    }

    @Override
    Map<String, String> headers(Exchange x) {
        Map<String, String> h = headerMap();
        h.put("content-type", "application/json");
        h.put("openai-organization", "user-sightline-simulator");
        h.put("openai-processing-ms", Long.toString(Math.max(1, x.latencyMs())));
        h.put("openai-project", "proj_SightlineSimulator");
        h.put("openai-version", "2020-10-01");
        int used = x.traffic().inLast(Duration.ofMinutes(1));
        h.put("x-ratelimit-limit-requests", Integer.toString(REQUESTS_PER_MINUTE));
        h.put("x-ratelimit-limit-tokens", "200000");
        h.put("x-ratelimit-remaining-requests", Integer.toString(Math.max(0, REQUESTS_PER_MINUTE - used)));
        h.put("x-ratelimit-remaining-tokens", Integer.toString(Math.max(0, 200_000 - used * 400)));
        h.put("x-ratelimit-reset-requests", Durations.goStyle(Duration.ofMillis(60_000L / REQUESTS_PER_MINUTE)));
        h.put("x-ratelimit-reset-tokens", "6ms");
        h.put("x-request-id", "req_" + randomHex(32));
        return h;
    }

    @Override
    Reply error(Problem problem, String detail, Exchange x) {
        String model = x.pathModel() == null ? "gpt-4o-mini" : x.pathModel();
        return switch (problem) {
            case MISSING_AUTH -> envelope(401, x, "You didn't provide an API key. You need to provide your API key in an "
                    + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password "
                    + "field (with blank username) if you're accessing the API from your browser and are prompted for a "
                    + "username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, null);
            case INVALID_AUTH -> envelope(401, x, "Incorrect API key provided: " + masked(x.apiKey())
                    + ". You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, "invalid_api_key");
            case NOT_FOUND -> envelope(404, x, "Invalid URL (" + x.method() + " " + apiPath(x.path()) + ")",
                    "invalid_request_error", null, null);
            case BAD_JSON -> envelope(400, x, "We could not parse the JSON body of your request. (HINT: This likely "
                    + "means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what "
                    + "was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us "
                    + "through our help center at help.openai.com.)", "invalid_request_error", null, null);
            case BAD_REQUEST -> envelope(400, x, detail, "invalid_request_error", null, null);
            case RATE_LIMITED -> {
                Duration wait = x.profile().retryAfter();
                Reply r = envelope(429, x, "Rate limit reached for " + model + " in organization org-sightline on "
                        + "requests per min (RPM): Limit " + REQUESTS_PER_MINUTE + ", Used " + REQUESTS_PER_MINUTE
                        + ", Requested 1. Please try again in " + Durations.goStyle(wait) + ". Visit "
                        + "https://platform.openai.com/account/rate-limits to learn more.", "requests", null,
                        "rate_limit_exceeded");
                r.headers().computeIfPresent("x-ratelimit-remaining-requests", (k, v) -> "0");
                r.headers().put("retry-after", Long.toString(Durations.ceilSeconds(wait)));
                r.headers().put("retry-after-ms", Long.toString(wait.toMillis()));
                yield r;
            }
            case SERVER_ERROR -> envelope(500, x, "The server had an error while processing your request. Sorry about that!",
                    "server_error", null, null);
            case OVERLOADED -> envelope(503, x, "The server is overloaded or not ready yet.", "server_error", null,
                    "server_is_overloaded");
        };
    }

    /** {@code GET /v1/models}, which some SDKs and tools call to check a key. */
    Reply models(Exchange x) {
        ObjectNode root = object();
        root.put("object", "list");
        com.fasterxml.jackson.databind.node.ArrayNode data = root.putArray("data");
        for (String id : modelIds()) {
            ObjectNode m = data.addObject();
            m.put("id", id);
            m.put("object", "model");
            m.put("created", 1_721_172_741L);
            m.put("owned_by", "system");
        }
        return json(200, x, root);
    }

    java.util.List<String> modelIds() {
        return java.util.List.of("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1", "gpt-5-mini", "gpt-5");
    }

    String apiPath(String path) {
        return path.startsWith(mount) ? path.substring(mount.length()) : path;
    }

    Reply envelope(int status, Exchange x, String message, String type, String param, String code) {
        ObjectNode err = object();
        err.put("message", message);
        err.put("type", type);
        err.put("param", param);
        err.put("code", code);
        ObjectNode root = object();
        root.set("error", err);
        return json(status, x, root);
    }

    /** Reads model and messages the way Chat Completions takes them. */
    static Request readChat(JsonNode body) throws BadRequest {
        if (!body.isObject()) {
            throw new BadRequest("Invalid type for request body: expected an object.");
        }
        refuseStreaming(body);
        String model = text(body, "model");
        if (model == null || model.isBlank()) {
            throw new BadRequest("you must provide a model parameter");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new BadRequest("Missing required parameter: 'messages'.");
        }
        String prompt = null;
        StringBuilder system = new StringBuilder();
        int chars = 0;
        for (JsonNode m : messages) {
            String role = text(m, "role");
            String content = contentText(m.get("content"));
            chars += content.length();
            if ("user".equals(role)) {
                prompt = content;
            } else if ("system".equals(role) || "developer".equals(role)) {
                system.append(content);
            }
        }
        if (prompt == null) {
            throw new BadRequest("Invalid 'messages': the conversation has no user message.");
        }
        boolean search = body.has("web_search_options");
        return new Request(model, prompt, system.toString(), chars, messages.size(), search,
                intOrNull(body, "max_completion_tokens", "max_tokens"), body);
    }
}
