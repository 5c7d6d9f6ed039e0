package dev.sightline.provider.codec;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderFailure.Type;
import dev.sightline.provider.Secret;
import dev.sightline.values.Json;

/**
 * Reading the Responses shape that OpenAI's Responses API and Perplexity's Agent API share: a run
 * {@code status}, and an {@code output} list of typed items.
 */
final class ResponsesOutput {

    private static final String MAX_OUTPUT_TOKENS = "max_output_tokens";

    private ResponsesOutput() {
    }

    /**
     * Why a 2xx run cannot be used, or null when it can: {@code completed}, or {@code incomplete} because it hit
     * the output token limit (a truncated answer is still an answer).
     */
    static ProviderFailure statusFailure(int httpStatus, JsonNode root, Secret key) {
        String status = Json.text(root.path("status"));
        if (status == null || status.equals("completed")) {
            return null;
        }
        switch (status) {
            case "incomplete" -> {
                String reason = Json.text(root.path("incomplete_details").path("reason"));
                if (MAX_OUTPUT_TOKENS.equals(reason)) {
                    return null;
                }
                return Failures.failedRun(httpStatus, reason != null ? reason : status,
                        "run incomplete: " + (reason != null ? reason : "no reason given"), key);
            }
            case "failed" -> {
                JsonNode error = root.path("error");
                String code = Json.text(error.path("code"));
                if (code == null) {
                    code = Json.text(error.path("type"));
                }
                String message = Json.text(error.path("message"));
                return Failures.failedRun(httpStatus, code != null ? code : status,
                        message != null ? message : "run failed without a reason", key);
            }
            case "cancelled", "requires_action" -> {
                return Failures.failedRun(httpStatus, status, "run ended as " + status, key);
            }
            default -> {
                // queued / in_progress in a synchronous reply: the run is still going; asking again is right.
                return Failures.failure(Type.TRANSIENT, httpStatus, status, "run not finished: " + status, null,
                        key);
            }
        }
    }

    /** {@code completed}, or the incomplete reason ({@code max_output_tokens}). */
    static String finishReason(JsonNode root) {
        String reason = Json.text(root.path("incomplete_details").path("reason"));
        if ("incomplete".equals(Json.text(root.path("status"))) && reason != null) {
            return reason;
        }
        return Json.text(root.path("status"));
    }

    static JsonNode output(JsonNode root) {
        JsonNode output = root.path("output");
        if (!output.isArray()) {
            throw JsonCodec.malformed("no output list");
        }
        return output;
    }

    /** Every {@code output[type=message].content[type=output_text].text}, in order. */
    static String text(JsonNode output) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode item : output) {
            if ("message".equals(Json.text(item.path("type")))) {
                for (JsonNode part : item.path("content")) {
                    if ("output_text".equals(Json.text(part.path("type"))) && Json.hasText(part.path("text"))) {
                        sb.append(part.path("text").asText());
                    }
                }
            }
        }
        return sb.toString();
    }

    static long countItems(JsonNode output, String type) {
        long n = 0;
        for (JsonNode item : output) {
            if (type.equals(Json.text(item.path("type")))) {
                n++;
            }
        }
        return n;
    }
}
