package dev.sightline.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.CitedText.Citing;
import dev.sightline.simulator.Composition.CitedSpan;
import dev.sightline.simulator.Composition.SourcePage;

/** {@code POST /v1/responses}: web search calls as output items, citations as flat url_citation annotations. */
final class OpenAiResponsesWire extends OpenAiWire {

    OpenAiResponsesWire(String mount) {
        super(ProviderKinds.OPENAI_RESPONSES, mount);
    }

    @Override
    Request read(JsonNode body, Exchange x) throws BadRequest {
        return readResponses(body);
    }

    /** Reads a Responses-style body (also Perplexity's Agent API, which copies it). */
    static Request readResponses(JsonNode body) throws BadRequest {
        if (!body.isObject()) {
            throw new BadRequest("Invalid type for request body: expected an object.");
        }
        refuseStreaming(body);
        String model = text(body, "model");
        if (model == null || model.isBlank()) {
            throw new BadRequest("Missing required parameter: 'model'.");
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull() || (input.isArray() && input.isEmpty())) {
            throw new BadRequest("Missing required parameter: 'input'.");
        }
        String prompt = null;
        int chars = 0;
        int messages = 0;
        if (input.isTextual()) {
            prompt = input.asText();
            chars = prompt.length();
            messages = 1;
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                String type = text(item, "type");
                if (type != null && !type.equals("message")) {
                    continue;
                }
                String content = contentText(item.get("content"));
                chars += content.length();
                messages++;
                if ("user".equals(text(item, "role"))) {
                    prompt = content;
                }
            }
        } else {
            throw new BadRequest("Invalid type for 'input': expected a string or an array of input items.");
        }
        if (prompt == null) {
            throw new BadRequest("Invalid 'input': no user message.");
        }
        String instructions = text(body, "instructions");
        if (instructions != null) {
            chars += instructions.length();
        }
        return new Request(model, prompt, instructions == null ? "" : instructions, chars, messages,
                hasWebSearchTool(body), intOrNull(body, "max_output_tokens"), body);
    }

    static boolean hasWebSearchTool(JsonNode body) {
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray()) {
            for (JsonNode t : tools) {
                String type = text(t, "type");
                if (type != null && type.startsWith("web_search")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    Citing citing(Request request) {
        return request.webSearch() ? Citing.LINKED : Citing.NONE;
    }

    @Override
    Reply answer(Request request, Composition answer, boolean truncated, Exchange x) {
        long created = nowSeconds();
        ObjectNode root = object();
        root.put("id", "resp_" + randomHex(48));
        root.put("object", "response");
        root.put("created_at", created);
        root.put("status", truncated ? "incomplete" : "completed");
        root.put("background", false);
        if (truncated) {
            root.putNull("completed_at");
        } else {
            root.put("completed_at", created + Math.max(1, x.latencyMs() / 1000));
        }
        root.putNull("error");
        if (truncated) {
            root.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            root.putNull("incomplete_details");
        }
        JsonNode instructions = request.body().get("instructions");
        if (instructions == null) {
            root.putNull("instructions");
        } else {
            root.set("instructions", instructions.deepCopy());
        }
        if (request.maxTokens() == null) {
            root.putNull("max_output_tokens");
        } else {
            root.put("max_output_tokens", request.maxTokens());
        }
        root.putNull("max_tool_calls");
        root.put("model", served(request, x));
        ArrayNode output = root.putArray("output");
        int searches = 0;
        if (request.webSearch()) {
            for (String q : answer.queries().subList(0, Math.min(2, answer.queries().size()))) {
                ObjectNode call = output.addObject();
                call.put("id", "ws_" + randomHex(48));
                call.put("type", "web_search_call");
                call.put("status", "completed");
                ObjectNode action = call.putObject("action");
                action.put("type", "search");
                action.put("query", q);
                action.putArray("queries").add(q);
                searches++;
            }
        }
        ObjectNode message = output.addObject();
        message.put("id", "msg_" + randomHex(48));
        message.put("type", "message");
        message.put("status", truncated ? "incomplete" : "completed");
        ArrayNode content = message.putArray("content");
        ObjectNode text = content.addObject();
        text.put("type", "output_text");
        ArrayNode annotations = text.putArray("annotations");
        if (request.webSearch()) {
            for (CitedSpan span : answer.spans()) {
                SourcePage page = answer.sources().get(span.sources().get(0));
                ObjectNode a = annotations.addObject();
                a.put("type", "url_citation");
                a.put("end_index", span.end());
                a.put("start_index", span.start());
                a.put("title", page.title());
                a.put("url", page.url());
            }
        }
        text.putArray("logprobs");
        text.put("text", answer.text());
        message.put("role", "assistant");
        root.put("parallel_tool_calls", true);
        root.putNull("previous_response_id");
        root.putNull("prompt_cache_key");
        ObjectNode reasoning = root.putObject("reasoning");
        reasoning.putNull("effort");
        reasoning.putNull("summary");
        root.putNull("safety_identifier");
        root.put("service_tier", "default");
        root.put("store", true);
        JsonNode temperature = request.body().get("temperature");
        root.put("temperature", temperature != null && temperature.isNumber() ? temperature.asDouble() : 1.0);
        ObjectNode textConfig = root.putObject("text");
        textConfig.putObject("format").put("type", "text");
        textConfig.put("verbosity", "medium");
        root.put("tool_choice", "auto");
        ArrayNode tools = root.putArray("tools");
        JsonNode requested = request.body().get("tools");
        if (requested != null && requested.isArray()) {
            for (JsonNode t : requested) {
                ObjectNode tool = t.isObject() ? ((ObjectNode) t).deepCopy() : object();
                if (String.valueOf(text(tool, "type")).startsWith("web_search")) {
                    if (!tool.has("filters")) {
                        tool.putNull("filters");
                    }
                    if (!tool.has("search_context_size")) {
                        tool.put("search_context_size", "medium");
                    }
                    if (!tool.has("user_location")) {
                        ObjectNode loc = tool.putObject("user_location");
                        loc.put("type", "approximate");
                        loc.putNull("city");
                        loc.put("country", "US");
                        loc.putNull("region");
                        loc.putNull("timezone");
                    }
                }
                tools.add(tool);
            }
        }
        root.put("top_logprobs", 0);
        root.put("top_p", 1.0);
        root.put("truncation", "disabled");
        int in = tokens(request.inputChars()) + 4 * request.messages() + 3 + searches * 350;
        int out = tokens(answer.text().length());
        ObjectNode usage = root.putObject("usage");
        usage.put("input_tokens", in);
        ObjectNode inDetails = usage.putObject("input_tokens_details");
        inDetails.put("cached_tokens", 0);
        inDetails.put("cache_write_tokens", 0);
        usage.put("output_tokens", out);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", in + out);
        root.putNull("user");
        root.putObject("metadata");
        return json(200, x, root);
    }
}
