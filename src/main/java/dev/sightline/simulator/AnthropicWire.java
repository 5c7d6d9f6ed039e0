package dev.sightline.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.CitedText.Citing;
import dev.sightline.simulator.Composition.CitedSpan;
import dev.sightline.simulator.Composition.SourcePage;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Anthropic Messages, {@code POST /v1/messages}: {@code x-api-key} auth, a required {@code anthropic-version}
 * header, web search as server tool blocks, and citations on the text blocks that use them.
 */
final class AnthropicWire extends Wire {

    static final int REQUESTS_PER_MINUTE = 50;

    private static final Map<String, String> SNAPSHOTS = Map.ofEntries(
            Map.entry("claude-haiku-4-5", "claude-haiku-4-5-20251001"),
            Map.entry("claude-sonnet-4-5", "claude-sonnet-4-5-20250929"),
            Map.entry("claude-opus-4-1", "claude-opus-4-1-20250805"),
            Map.entry("claude-sonnet-4-0", "claude-sonnet-4-20250514"),
            Map.entry("claude-sonnet-4", "claude-sonnet-4-20250514"),
            Map.entry("claude-opus-4-0", "claude-opus-4-20250514"),
            Map.entry("claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219"),
            Map.entry("claude-3-5-haiku-latest", "claude-3-5-haiku-20241022"));

    private static final DateTimeFormatter PAGE_AGE = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.US);

    AnthropicWire() {
        super(ProviderKinds.ANTHROPIC);
    }

    /** {@code x-api-key}, or a Bearer token, which is what anthropic-java 3.x sends for an API key. */
    @Override
    String credential(HttpServerRequest req) {
        String key = req.getHeader("x-api-key");
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        return OpenAiWire.bearer(req);
    }

    @Override
    String headerProblem(HttpServerRequest req) {
        String version = req.getHeader("anthropic-version");
        return version == null || version.isBlank() ? "anthropic-version: header is required" : null;
    }

    @Override
    String servedModel(String requested) {
        return dated(requested, SNAPSHOTS, false);
    }

    @Override
    Map<String, String> headers(Exchange x) {
        Map<String, String> h = headerMap();
        h.put("content-type", "application/json");
        h.put("request-id", "req_011C" + randomAlnum(20));
        h.put("anthropic-organization-id", "5c8a1f3e-0d2b-4e7a-9b61-51671e11ae00");
        int used = x.traffic().inLast(Duration.ofMinutes(1));
        String reset = rfc3339(Instant.now().plusSeconds(60 / REQUESTS_PER_MINUTE + 1));
        h.put("anthropic-ratelimit-requests-limit", Integer.toString(REQUESTS_PER_MINUTE));
        h.put("anthropic-ratelimit-requests-remaining", Integer.toString(Math.max(0, REQUESTS_PER_MINUTE - used)));
        h.put("anthropic-ratelimit-requests-reset", reset);
        h.put("anthropic-ratelimit-input-tokens-limit", "50000");
        h.put("anthropic-ratelimit-input-tokens-remaining", Integer.toString(Math.max(0, 50_000 - used * 500)));
        h.put("anthropic-ratelimit-input-tokens-reset", reset);
        h.put("anthropic-ratelimit-output-tokens-limit", "10000");
        h.put("anthropic-ratelimit-output-tokens-remaining", Integer.toString(Math.max(0, 10_000 - used * 150)));
        h.put("anthropic-ratelimit-output-tokens-reset", reset);
        h.put("anthropic-ratelimit-tokens-limit", "60000");
        h.put("anthropic-ratelimit-tokens-remaining", Integer.toString(Math.max(0, 60_000 - used * 650)));
        h.put("anthropic-ratelimit-tokens-reset", reset);
        h.put("server", "cloudflare");
        return h;
    }

    @Override
    Reply error(Problem problem, String detail, Exchange x) {
        return switch (problem) {
            case MISSING_AUTH -> envelope(401, x, "authentication_error", "x-api-key header is required");
            case INVALID_AUTH -> envelope(401, x, "authentication_error", "invalid x-api-key");
            case NOT_FOUND -> envelope(404, x, "not_found_error", "Not Found");
            case BAD_JSON -> envelope(400, x, "invalid_request_error",
                    "There was an error parsing the body of your request. Please ensure it is valid JSON.");
            case BAD_REQUEST -> envelope(400, x, "invalid_request_error", detail);
            case RATE_LIMITED -> {
                Reply r = envelope(429, x, "rate_limit_error", "This request would exceed the rate limit for your "
                        + "organization of " + REQUESTS_PER_MINUTE + " requests per minute. For details, refer to: "
                        + "https://docs.claude.com/en/api/rate-limits. You can see the response headers for current "
                        + "usage. Please reduce the prompt length or the maximum tokens requested, or try again later. "
                        + "You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options "
                        + "for a rate limit increase.");
                r.headers().put("anthropic-ratelimit-requests-remaining", "0");
                r.headers().put("retry-after", Long.toString(Durations.ceilSeconds(x.profile().retryAfter())));
                yield r;
            }
            case SERVER_ERROR -> envelope(500, x, "api_error", "Internal server error");
            case OVERLOADED -> envelope(529, x, "overloaded_error", "Overloaded");
        };
    }

    private Reply envelope(int status, Exchange x, String type, String message) {
        Map<String, String> h = headers(x);
        ObjectNode root = object();
        root.put("type", "error");
        ObjectNode err = root.putObject("error");
        err.put("type", type);
        err.put("message", message);
        root.put("request_id", h.get("request-id"));
        return new Reply(status, h, utf8(root.toString()));
    }

    @Override
    Request read(JsonNode body, Exchange x) throws BadRequest {
        if (!body.isObject()) {
            throw new BadRequest("Input should be a valid dictionary");
        }
        refuseStreaming(body);
        String model = text(body, "model");
        if (model == null || model.isBlank()) {
            throw new BadRequest("model: Field required");
        }
        if (intOrNull(body, "max_tokens") == null) {
            throw new BadRequest("max_tokens: Field required");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new BadRequest("messages: Field required");
        }
        String prompt = null;
        int chars = 0;
        for (JsonNode m : messages) {
            String content = contentText(m.get("content"));
            chars += content.length();
            if ("user".equals(text(m, "role"))) {
                prompt = content;
            }
        }
        if (prompt == null) {
            throw new BadRequest("messages: the conversation must contain a user message");
        }
        String system = contentText(body.get("system"));
        chars += system.length();
        boolean search = false;
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray()) {
            for (JsonNode t : tools) {
                String type = text(t, "type");
                search |= type != null && type.startsWith("web_search_");
            }
        }
        return new Request(model, prompt, system, chars, messages.size(), search, intOrNull(body, "max_tokens"), body);
    }

    @Override
    Citing citing(Request request) {
        return request.webSearch() ? Citing.SPANS : Citing.NONE;
    }

    @Override
    Reply answer(Request request, Composition answer, boolean truncated, Exchange x) {
        ObjectNode root = object();
        root.put("id", "msg_01" + randomAlnum(22));
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", served(request, x));
        ArrayNode content = root.putArray("content");
        int searches = 0;
        String text = answer.text();
        if (request.webSearch()) {
            String preamble = "I'll search for current information to answer this.";
            content.addObject().put("type", "text").put("text", preamble);
            List<String> queries = answer.queries().subList(0, Math.min(2, answer.queries().size()));
            List<SourcePage> pages = answer.sources();
            for (int q = 0; q < queries.size(); q++) {
                String toolId = "srvtoolu_01" + randomAlnum(22);
                ObjectNode use = content.addObject();
                use.put("type", "server_tool_use");
                use.put("id", toolId);
                use.put("name", "web_search");
                use.putObject("input").put("query", queries.get(q));
                use.putObject("caller").put("type", "direct");
                ObjectNode result = content.addObject();
                result.put("type", "web_search_tool_result");
                result.put("tool_use_id", toolId);
                ArrayNode results = result.putArray("content");
                // the pages are shared out between the searches, in order
                int from = q * pages.size() / queries.size();
                int to = (q + 1) * pages.size() / queries.size();
                for (SourcePage p : pages.subList(from, to)) {
                    ObjectNode r = results.addObject();
                    r.put("type", "web_search_result");
                    r.put("title", p.title());
                    r.put("url", p.url());
                    r.put("encrypted_content", opaque(320, "content", p.url()));
                    r.put("page_age", PAGE_AGE.format(p.published()));
                }
                result.putObject("caller").put("type", "direct");
                searches++;
            }
            textBlocks(content, text, answer);
        } else {
            content.addObject().put("type", "text").put("text", text);
        }
        root.put("stop_reason", truncated ? "max_tokens" : "end_turn");
        root.putNull("stop_sequence");
        int in = tokens(request.inputChars()) + 4 * request.messages() + 8
                + (searches > 0 ? 2200 + 650 * answer.sources().size() : 0);
        int out = tokens(text.length()) + (searches > 0 ? 20 + 15 * searches : 0);
        ObjectNode usage = root.putObject("usage");
        usage.put("input_tokens", in);
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", 0);
        ObjectNode cache = usage.putObject("cache_creation");
        cache.put("ephemeral_5m_input_tokens", 0);
        cache.put("ephemeral_1h_input_tokens", 0);
        usage.put("output_tokens", out);
        if (searches > 0) {
            ObjectNode tools = usage.putObject("server_tool_use");
            tools.put("web_search_requests", searches);
            tools.put("web_fetch_requests", 0);
        }
        usage.put("service_tier", "standard");
        return json(200, x, root);
    }

    /** Splits the answer into text blocks at citation boundaries, as Claude does when it cites. */
    private static void textBlocks(ArrayNode content, String text, Composition answer) {
        List<CitedSpan> spans = new ArrayList<>(answer.spans());
        spans.sort(Comparator.comparingInt(CitedSpan::start));
        int at = 0;
        for (CitedSpan span : spans) {
            if (span.start() < at) {
                continue;
            }
            if (span.start() > at) {
                content.addObject().put("type", "text").put("text", text.substring(at, span.start()));
            }
            ObjectNode block = content.addObject();
            block.put("type", "text");
            block.put("text", text.substring(span.start(), span.end()));
            ArrayNode citations = block.putArray("citations");
            for (int i : span.sources()) {
                SourcePage p = answer.sources().get(i);
                ObjectNode c = citations.addObject();
                c.put("type", "web_search_result_location");
                c.put("cited_text", p.snippet());
                c.put("url", p.url());
                c.put("title", p.title());
                c.put("encrypted_index", opaque(96, "index", p.url(), span.start()));
            }
            at = span.end();
        }
        if (at < text.length()) {
            content.addObject().put("type", "text").put("text", text.substring(at));
        }
    }
}
