package dev.sightline.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.CitedText.Citing;
import dev.sightline.simulator.Composition.SourcePage;
import io.vertx.core.http.HttpServerRequest;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.UUID;

/**
 * Perplexity: Sonar chat completions (OpenAI shape plus {@code citations}, {@code search_results} and a cost
 * breakdown) and the Agent API (Responses shape with a {@code search_results} output item). Every answer searches
 * and cites with {@code [n]} markers.
 */
final class PerplexityWire extends Wire {

    private final boolean agent;

    private PerplexityWire(String kind, boolean agent) {
        super(kind);
        this.agent = agent;
    }

    static PerplexityWire sonar() {
        return new PerplexityWire(ProviderKinds.PERPLEXITY, false);
    }

    static PerplexityWire agent() {
        return new PerplexityWire(ProviderKinds.PERPLEXITY_AGENT, true);
    }

    @Override
    String credential(HttpServerRequest req) {
        return OpenAiWire.bearer(req);
    }

    @Override
    String servedModel(String requested) {
        return requested;
    }

    @Override
    Map<String, String> headers(Exchange x) {
        Map<String, String> h = headerMap();
        h.put("content-type", "application/json");
        h.put("x-request-id", UUID.randomUUID().toString());
        h.put("server", "cloudflare");
        h.put("cf-ray", randomHex(16) + "-SJC");
        return h;
    }

    @Override
    Reply error(Problem problem, String detail, Exchange x) {
        return switch (problem) {
            case MISSING_AUTH -> envelope(401, x, "Missing API key. Pass it as a Bearer token in the Authorization "
                    + "header.", "invalid_api_key");
            case INVALID_AUTH -> envelope(401, x, "Invalid API key provided. You can find your API key at "
                    + "https://www.perplexity.ai/settings/api.", "invalid_api_key");
            case NOT_FOUND -> envelope(404, x, "Not Found", "not_found");
            case BAD_JSON -> envelope(400, x, "Invalid JSON in request body.", "invalid_request_error");
            case BAD_REQUEST -> envelope(400, x, detail, "invalid_request_error");
            case RATE_LIMITED -> {
                Reply r = envelope(429, x, "Rate limit exceeded. Please retry after "
                        + Durations.ceilSeconds(x.profile().retryAfter()) + " seconds.", "rate_limit_exceeded");
                r.headers().put("retry-after", Long.toString(Durations.ceilSeconds(x.profile().retryAfter())));
                yield r;
            }
            case SERVER_ERROR -> envelope(500, x, "Internal server error. Please try again later.",
                    "internal_server_error");
            case OVERLOADED -> envelope(503, x, "The service is temporarily overloaded. Please try again later.",
                    "service_unavailable");
        };
    }

    private Reply envelope(int status, Exchange x, String message, String type) {
        ObjectNode root = object();
        ObjectNode err = root.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.put("code", status);
        return json(status, x, root);
    }

    @Override
    Request read(JsonNode body, Exchange x) throws BadRequest {
        if (!agent) {
            return OpenAiWire.readChat(body);
        }
        if (body.isObject() && !body.hasNonNull("model")) {
            ObjectNode copy = ((ObjectNode) body).deepCopy();
            JsonNode models = body.get("models");
            if (models != null && models.isArray() && !models.isEmpty()) {
                copy.put("model", models.get(0).asText());
            } else if (body.hasNonNull("preset")) {
                copy.put("model", "perplexity/sonar");
            } else {
                throw new BadRequest("One of 'model', 'models' or 'preset' is required.");
            }
            body = copy;
        }
        Request r = OpenAiResponsesWire.readResponses(body);
        return new Request(r.model(), r.prompt(), r.system(), r.inputChars(), r.messages(), true, r.maxTokens(),
                r.body());
    }

    @Override
    Citing citing(Request request) {
        return Citing.NUMBERED;
    }

    @Override
    Reply answer(Request request, Composition answer, boolean truncated, Exchange x) {
        int in = tokens(request.inputChars()) + 2 * request.messages();
        int out = tokens(answer.text().length());
        return agent ? agentAnswer(request, answer, truncated, x, in, out)
                : sonarAnswer(request, answer, truncated, x, in, out);
    }

    private Reply sonarAnswer(Request request, Composition answer, boolean truncated, Exchange x, int in, int out) {
        ObjectNode root = object();
        root.put("id", UUID.randomUUID().toString());
        root.put("model", served(request, x));
        root.put("created", nowSeconds());
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", in);
        usage.put("completion_tokens", out);
        usage.put("total_tokens", in + out);
        usage.put("search_context_size", "low");
        boolean pro = request.model().contains("pro");
        BigDecimal inCost = cost(in, pro ? 3 : 1);
        BigDecimal outCost = cost(out, pro ? 15 : 1);
        BigDecimal requestCost = new BigDecimal(pro ? "0.006" : "0.005");
        ObjectNode cost = usage.putObject("cost");
        cost.put("input_tokens_cost", inCost);
        cost.put("output_tokens_cost", outCost);
        cost.put("request_cost", requestCost);
        cost.put("total_cost", inCost.add(outCost).add(requestCost));
        ArrayNode citations = root.putArray("citations");
        answer.sources().forEach(p -> citations.add(p.url()));
        ArrayNode results = root.putArray("search_results");
        for (SourcePage p : answer.sources()) {
            ObjectNode r = results.addObject();
            r.put("title", p.title());
            r.put("url", p.url());
            r.put("date", p.published().toString());
            r.put("last_updated", p.published().plusDays(Math.floorMod(Rng.hash(p.url()), 30L)).toString());
            r.put("snippet", p.snippet());
            r.put("source", "web");
        }
        root.put("object", "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("finish_reason", truncated ? "length" : "stop");
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", answer.text());
        return json(200, x, root);
    }

    private Reply agentAnswer(Request request, Composition answer, boolean truncated, Exchange x, int in, int out) {
        ObjectNode root = object();
        root.put("id", "resp_" + UUID.randomUUID());
        root.put("object", "response");
        root.put("created_at", nowSeconds());
        root.put("model", served(request, x));
        root.put("status", truncated ? "incomplete" : "completed");
        ArrayNode output = root.putArray("output");
        ObjectNode search = output.addObject();
        search.put("type", "search_results");
        ArrayNode queries = search.putArray("queries");
        answer.queries().forEach(queries::add);
        ArrayNode results = search.putArray("results");
        for (int i = 0; i < answer.sources().size(); i++) {
            SourcePage p = answer.sources().get(i);
            ObjectNode r = results.addObject();
            r.put("id", i + 1);
            r.put("title", p.title());
            r.put("url", p.url());
            r.put("snippet", p.snippet());
            r.put("date", p.published().toString());
            r.put("source", "web");
        }
        ObjectNode message = output.addObject();
        message.put("type", "message");
        message.put("id", "msg_" + UUID.randomUUID());
        message.put("role", "assistant");
        message.put("status", truncated ? "incomplete" : "completed");
        ObjectNode text = message.putArray("content").addObject();
        text.put("type", "output_text");
        text.put("text", answer.text());
        text.putArray("annotations");
        ObjectNode usage = root.putObject("usage");
        usage.put("input_tokens", in);
        usage.put("output_tokens", out);
        usage.put("total_tokens", in + out);
        BigDecimal inCost = cost(in, 1);
        BigDecimal outCost = cost(out, 1);
        BigDecimal tools = new BigDecimal("0.005").multiply(BigDecimal.valueOf(answer.queries().size()));
        ObjectNode cost = usage.putObject("cost");
        cost.put("currency", "USD");
        cost.put("input_cost", inCost);
        cost.put("output_cost", outCost);
        cost.put("tool_calls_cost", tools);
        cost.put("total_cost", inCost.add(outCost).add(tools));
        if (truncated) {
            root.putObject("incomplete_details").put("reason", "max_output_tokens");
        }
        return json(200, x, root);
    }

    private static BigDecimal cost(int tokens, int usdPerMillion) {
        return BigDecimal.valueOf((long) tokens * usdPerMillion).divide(BigDecimal.valueOf(1_000_000), 6,
                RoundingMode.HALF_UP).stripTrailingZeros();
    }
}
