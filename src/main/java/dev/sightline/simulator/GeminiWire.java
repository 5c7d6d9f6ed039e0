package dev.sightline.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.CitedText.Citing;
import dev.sightline.simulator.Composition.CitedSpan;
import dev.sightline.simulator.Composition.SourcePage;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Gemini {@code POST /v1beta/models/{model}:generateContent}: key in {@code x-goog-api-key} or {@code ?key=},
 * Google's RPC error envelope, and search grounding on every answer (segment offsets in UTF-8 bytes, as the API
 * documents them).
 */
final class GeminiWire extends Wire {

    GeminiWire() {
        super(ProviderKinds.GEMINI);
    }

    @Override
    String credential(HttpServerRequest req) {
        String key = req.getHeader("x-goog-api-key");
        if (key == null || key.isBlank()) {
            key = req.getParam("key");
        }
        return key == null || key.isBlank() ? null : key.strip();
    }

    @Override
    String servedModel(String requested) {
        return requested.startsWith("models/") ? requested.substring("models/".length()) : requested;
    }

    @Override
    Map<String, String> headers(Exchange x) {
        Map<String, String> h = headerMap();
        h.put("content-type", "application/json; charset=UTF-8");
        h.put("vary", "Origin, X-Origin, Referer");
        h.put("server", "scaffolding on HTTPServer2");
        h.put("server-timing", "gfet4t7; dur=" + Math.max(1, x.latencyMs()));
        h.put("x-xss-protection", "0");
        h.put("x-frame-options", "SAMEORIGIN");
        h.put("x-content-type-options", "nosniff");
        return h;
    }

    @Override
    Reply error(Problem problem, String detail, Exchange x) {
        return switch (problem) {
            case MISSING_AUTH -> envelope(401, "UNAUTHENTICATED", "Method doesn't allow unregistered callers (callers "
                    + "without established identity). Please use API Key or other form of API consumer identity to call "
                    + "this API.", x, null);
            case INVALID_AUTH -> {
                ArrayNode details = JSON.createArrayNode();
                ObjectNode info = details.addObject();
                info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
                info.put("reason", "API_KEY_INVALID");
                info.put("domain", "googleapis.com");
                info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
                yield envelope(401, "UNAUTHENTICATED", "API key not valid. Please pass a valid API key.", x, details);
            }
            case NOT_FOUND -> envelope(404, "NOT_FOUND", "Method not found.", x, null);
            case BAD_JSON -> {
                ArrayNode details = JSON.createArrayNode();
                ObjectNode bad = details.addObject();
                bad.put("@type", "type.googleapis.com/google.rpc.BadRequest");
                bad.putArray("fieldViolations").addObject()
                        .put("description", "Invalid JSON payload received. Unexpected token.");
                yield envelope(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token.", x, details);
            }
            case BAD_REQUEST -> envelope(400, "INVALID_ARGUMENT", detail, x, null);
            case RATE_LIMITED -> {
                String model = x.pathModel() == null ? "gemini-2.5-flash" : servedModel(x.pathModel());
                ArrayNode details = JSON.createArrayNode();
                ObjectNode quota = details.addObject();
                quota.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
                ObjectNode violation = quota.putArray("violations").addObject();
                violation.put("quotaMetric", "generativelanguage.googleapis.com/generate_content_free_tier_requests");
                violation.put("quotaId", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
                ObjectNode dims = violation.putObject("quotaDimensions");
                dims.put("location", "global");
                dims.put("model", model);
                violation.put("quotaValue", "10");
                ObjectNode help = details.addObject();
                help.put("@type", "type.googleapis.com/google.rpc.Help");
                ObjectNode link = help.putArray("links").addObject();
                link.put("description", "Learn more about Gemini API quotas");
                link.put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
                ObjectNode retry = details.addObject();
                retry.put("@type", "type.googleapis.com/google.rpc.RetryInfo");
                retry.put("retryDelay", Durations.protoStyle(x.profile().retryAfter()));
                yield envelope(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and "
                        + "billing details. For more information on this error, head to: "
                        + "https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: "
                        + "https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: "
                        + "generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: "
                        + model + "\nPlease retry in " + Durations.protoStyle(x.profile().retryAfter()) + ".", x, details);
            }
            case SERVER_ERROR -> envelope(500, "INTERNAL", "An internal error has occurred. Please retry or report in "
                    + "https://developers.generativeai.google/guide/troubleshooting", x, null);
            case OVERLOADED -> envelope(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", x, null);
        };
    }

    private Reply envelope(int status, String rpcStatus, String message, Exchange x, ArrayNode details) {
        ObjectNode root = object();
        ObjectNode err = root.putObject("error");
        err.put("code", status);
        err.put("message", message);
        err.put("status", rpcStatus);
        if (details != null) {
            err.set("details", details);
        }
        return json(status, x, root);
    }

    @Override
    Request read(JsonNode body, Exchange x) throws BadRequest {
        if (!body.isObject()) {
            throw new BadRequest("Invalid JSON payload received. Expected an object.");
        }
        JsonNode contents = body.get("contents");
        if (contents == null || !contents.isArray() || contents.isEmpty()) {
            throw new BadRequest("* GenerateContentRequest.contents: contents is not specified\n");
        }
        String prompt = null;
        int chars = 0;
        for (JsonNode c : contents) {
            String t = contentText(c.get("parts"));
            chars += t.length();
            String role = text(c, "role");
            if (role == null || role.equals("user")) {
                prompt = t;
            }
        }
        if (prompt == null || prompt.isEmpty()) {
            throw new BadRequest("* GenerateContentRequest.contents: contents must contain a user turn with text\n");
        }
        JsonNode systemNode = body.has("systemInstruction") ? body.get("systemInstruction") : body.get("system_instruction");
        String system = systemNode == null ? "" : contentText(systemNode.get("parts"));
        chars += system.length();
        boolean search = false;
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray()) {
            for (JsonNode t : tools) {
                search |= t.has("google_search") || t.has("googleSearch") || t.has("googleSearchRetrieval")
                        || t.has("google_search_retrieval");
            }
        }
        JsonNode config = body.has("generationConfig") ? body.get("generationConfig") : body.get("generation_config");
        Integer max = config == null ? null : intOrNull(config, "maxOutputTokens", "max_output_tokens");
        return new Request(x.pathModel(), prompt, system, chars, contents.size(), search, max, body);
    }

    @Override
    Citing citing(Request request) {
        return Citing.SPANS;
    }

    @Override
    Reply answer(Request request, Composition answer, boolean truncated, Exchange x) {
        String text = answer.text();
        ObjectNode root = object();
        ArrayNode candidates = root.putArray("candidates");
        ObjectNode candidate = candidates.addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").addObject().put("text", text);
        content.put("role", "model");
        candidate.put("finishReason", truncated ? "MAX_TOKENS" : "STOP");
        ObjectNode grounding = candidate.putObject("groundingMetadata");
        grounding.putObject("searchEntryPoint").put("renderedContent", searchWidget(answer));
        ArrayNode chunks = grounding.putArray("groundingChunks");
        for (SourcePage p : answer.sources()) {
            ObjectNode web = chunks.addObject().putObject("web");
            String redirect = opaque(160, "grounding", p.url()).replace('+', '-').replace('/', '_');
            SimulatedWeb.rememberRedirect(redirect, p.url());
            web.put("uri", "https://vertexaisearch.cloud.google.com/grounding-api-redirect/" + redirect);
            web.put("title", p.domain());
        }
        ArrayNode supports = grounding.putArray("groundingSupports");
        for (CitedSpan span : answer.spans()) {
            ObjectNode support = supports.addObject();
            ObjectNode segment = support.putObject("segment");
            int start = utf8Length(text, span.start());
            // proto3 JSON leaves out zero values, so the first segment has no startIndex
            if (start > 0) {
                segment.put("startIndex", start);
            }
            segment.put("endIndex", utf8Length(text, span.end()));
            segment.put("text", text.substring(span.start(), span.end()));
            ArrayNode indices = support.putArray("groundingChunkIndices");
            span.sources().forEach(indices::add);
        }
        ArrayNode queries = grounding.putArray("webSearchQueries");
        answer.queries().forEach(queries::add);
        candidate.put("index", 0);

        int prompt = tokens(request.inputChars()) + 2 * request.messages();
        int out = tokens(text.length());
        int tool = 60 * answer.queries().size() + 40 * answer.sources().size();
        String model = served(request, x);
        int thoughts = model.contains("2.5") && !model.contains("lite") ? 200 + out / 2 : 0;
        ObjectNode usage = root.putObject("usageMetadata");
        usage.put("promptTokenCount", prompt);
        usage.put("candidatesTokenCount", out);
        usage.put("totalTokenCount", prompt + out + tool + thoughts);
        usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", prompt);
        usage.put("toolUsePromptTokenCount", tool);
        usage.putArray("toolUsePromptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", tool);
        if (thoughts > 0) {
            usage.put("thoughtsTokenCount", thoughts);
        }
        root.put("modelVersion", model);
        root.put("responseId", randomAlnum(23));
        return json(200, x, root);
    }

    private static int utf8Length(String s, int endChar) {
        return s.substring(0, endChar).getBytes(StandardCharsets.UTF_8).length;
    }

    private static String searchWidget(Composition answer) {
        StringBuilder chips = new StringBuilder();
        for (String q : answer.queries()) {
            String href = "https://www.google.com/search?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8);
            chips.append("<a class=\"chip\" href=\"").append(href).append("\">")
                    .append(q.replace("&", "&amp;").replace("<", "&lt;")).append("</a>");
        }
        return "<style>\n.container { align-items: center; border-radius: 8px; display: flex; font-family: Google Sans, "
                + "Roboto, sans-serif; font-size: 14px; line-height: 20px; padding: 8px 12px; }\n.chip { display: "
                + "inline-block; border: solid 1px; border-radius: 16px; min-width: 14px; padding: 5px 16px; "
                + "text-align: center; user-select: none; margin: 0 8px; }\n</style>\n<div class=\"container\">"
                + "<div class=\"headline\">Google Search Suggestions</div><div class=\"carousel\">" + chips
                + "</div></div>\n";
    }
}
