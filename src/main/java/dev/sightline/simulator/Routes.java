package dev.sightline.simulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which wire answers a method and path. Unknown paths under a provider's mount get that provider's 404. */
final class Routes {

    enum Endpoint { ANSWER, MODELS, NOT_FOUND }

    record Route(Wire wire, Endpoint endpoint, String pathModel) {
    }

    private static final Pattern GEMINI = Pattern.compile("/(v1beta|v1)/models/([^/:]+):generateContent");

    private final OpenAiChatWire openAiChat = OpenAiChatWire.openAi("/openai");
    private final OpenAiResponsesWire openAiResponses = new OpenAiResponsesWire("/openai");
    private final AnthropicWire anthropic = new AnthropicWire();
    private final GeminiWire gemini = new GeminiWire();
    private final PerplexityWire sonar = PerplexityWire.sonar();
    private final PerplexityWire agent = PerplexityWire.agent();
    private final OpenAiChatWire compatible = OpenAiChatWire.compatible("/compat");

    Route match(String method, String path) {
        boolean post = method.equals("POST");
        boolean get = method.equals("GET");
        String rest;
        if ((rest = under(path, "/openai/v1")) != null) {
            if (post && rest.equals("/chat/completions")) {
                return new Route(openAiChat, Endpoint.ANSWER, null);
            }
            if (post && rest.equals("/responses")) {
                return new Route(openAiResponses, Endpoint.ANSWER, null);
            }
            if (get && rest.equals("/models")) {
                return new Route(openAiChat, Endpoint.MODELS, null);
            }
            return new Route(openAiChat, Endpoint.NOT_FOUND, null);
        }
        if (under(path, "/openai") != null) {
            return new Route(openAiChat, Endpoint.NOT_FOUND, null);
        }
        if ((rest = under(path, "/anthropic")) != null) {
            return new Route(anthropic, post && rest.equals("/v1/messages") ? Endpoint.ANSWER : Endpoint.NOT_FOUND, null);
        }
        if ((rest = under(path, "/gemini")) != null) {
            Matcher m = GEMINI.matcher(rest);
            if (post && m.matches()) {
                return new Route(gemini, Endpoint.ANSWER, m.group(2));
            }
            return new Route(gemini, Endpoint.NOT_FOUND, null);
        }
        if ((rest = under(path, "/perplexity")) != null) {
            if (post && (rest.equals("/v1/chat/completions") || rest.equals("/chat/completions"))) {
                return new Route(sonar, Endpoint.ANSWER, null);
            }
            if (post && (rest.equals("/v1/agent") || rest.equals("/v1/responses"))) {
                return new Route(agent, Endpoint.ANSWER, null);
            }
            return new Route(sonar, Endpoint.NOT_FOUND, null);
        }
        if ((rest = under(path, "/compat/v1")) != null) {
            if (post && rest.equals("/chat/completions")) {
                return new Route(compatible, Endpoint.ANSWER, null);
            }
            if (get && rest.equals("/models")) {
                return new Route(compatible, Endpoint.MODELS, null);
            }
            return new Route(compatible, Endpoint.NOT_FOUND, null);
        }
        return null;
    }

    /** The path below the mount, or null when the path is not under it. */
    private static String under(String path, String mount) {
        if (path.equals(mount)) {
            return "";
        }
        return path.startsWith(mount + "/") ? path.substring(mount.length()) : null;
    }
}
