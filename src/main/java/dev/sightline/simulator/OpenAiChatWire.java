package dev.sightline.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.CitedText.Citing;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions}, for OpenAI itself and for OpenAI-compatible servers (which accept any or no
 * key, echo the model name and send no rate-limit headers).
 */
final class OpenAiChatWire extends OpenAiWire {

    private final boolean compatible;

    private OpenAiChatWire(String kind, String mount, boolean compatible) {
        super(kind, mount);
        this.compatible = compatible;
    }

    static OpenAiChatWire openAi(String mount) {
        return new OpenAiChatWire(ProviderKinds.OPENAI_CHAT, mount, false);
    }

    static OpenAiChatWire compatible(String mount) {
        return new OpenAiChatWire(ProviderKinds.OPENAI_COMPATIBLE, mount, true);
    }

    @Override
    String credential(HttpServerRequest req) {
        if (compatible) {
            String key = bearer(req);
            return key == null ? "" : key;
        }
        return super.credential(req);
    }

    @Override
    String servedModel(String requested) {
        return compatible ? requested : super.servedModel(requested);
    }

    @Override
    Map<String, String> headers(Exchange x) {
        if (!compatible) {
            return super.headers(x);
        }
        Map<String, String> h = headerMap();
        h.put("content-type", "application/json");
        h.put("x-request-id", "req_" + randomHex(24));
        return h;
    }

    @Override
    java.util.List<String> modelIds() {
        return compatible ? java.util.List.of("llama3.1:8b", "mistral-small", "qwen2.5:7b", "grok-4") : super.modelIds();
    }

    @Override
    Request read(JsonNode body, Exchange x) throws BadRequest {
        return readChat(body);
    }

    @Override
    Citing citing(Request request) {
        return Citing.NONE;
    }

    @Override
    Reply answer(Request request, Composition answer, boolean truncated, Exchange x) {
        ObjectNode root = object();
        root.put("id", "chatcmpl-" + randomAlnum(29));
        root.put("object", "chat.completion");
        root.put("created", nowSeconds());
        root.put("model", served(request, x));
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", answer.text());
        if (!compatible) {
            message.putNull("refusal");
            message.putArray("annotations");
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", truncated ? "length" : "stop");
        int in = tokens(request.inputChars()) + 4 * request.messages() + 3;
        int out = tokens(answer.text().length());
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", in);
        usage.put("completion_tokens", out);
        usage.put("total_tokens", in + out);
        if (!compatible) {
            ObjectNode pd = usage.putObject("prompt_tokens_details");
            pd.put("cached_tokens", 0);
            pd.put("audio_tokens", 0);
            ObjectNode cd = usage.putObject("completion_tokens_details");
            cd.put("reasoning_tokens", 0);
            cd.put("audio_tokens", 0);
            cd.put("accepted_prediction_tokens", 0);
            cd.put("rejected_prediction_tokens", 0);
            root.put("service_tier", "default");
            root.put("system_fingerprint", "fp_" + Long.toHexString(Rng.hash("fingerprint", request.model())).substring(0, 10));
        }
        return json(200, x, root);
    }
}
