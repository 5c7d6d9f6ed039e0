package dev.sightline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.ServerToolUseBlock;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.TextCitation;
import com.anthropic.models.messages.WebSearchTool20250305;
import com.google.genai.Client;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GoogleSearch;
import com.google.genai.types.GroundingMetadata;
import com.google.genai.types.GroundingSupport;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Tool;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.WebSearchTool;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official SDKs, pointed at the simulator's base URLs, send a request and parse the reply without error. */
class SdkCompatibilityTest {

    private static final String PROMPT = "What is the best CRM for a small business?";

    private static Simulator sim;

    @BeforeAll
    static void start() {
        sim = SimFixtures.start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static OpenAIClient openAi(String kind) {
        return OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl(kind)).apiKey("sk-test").maxRetries(0).build();
    }

    @Test
    void openAiChatCompletions() {
        OpenAIClient client = openAi("openai-chat");
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addSystemMessage("You are a helpful assistant.").addUserMessage(PROMPT).build());
        c.validate();
        String text = c.choices().get(0).message().content().orElseThrow();
        assertThat(text).hasSizeGreaterThan(100);
        assertThat(c.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().completionTokens()).isBetween(text.length() / 5L, text.length() / 3L);
        assertThat(c.usage().orElseThrow().totalTokens())
                .isEqualTo(c.usage().orElseThrow().promptTokens() + c.usage().orElseThrow().completionTokens());
        assertThat(c.choices().get(0).message().annotations().orElse(List.of())).isEmpty();
        assertThat(sim.served("openai-chat")).isPositive();
    }

    @Test
    void openAiResponsesWithWebSearch() {
        OpenAIClient client = openAi("openai-responses");
        Response r = client.responses().create(ResponseCreateParams.builder().model("gpt-4.1-mini").input(PROMPT)
                .addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build()).build());
        r.validate();
        assertThat(r.model().isChat() ? r.model().asChat().asString() : r.model().asString())
                .isEqualTo("gpt-4.1-mini-2025-04-14");
        assertThat(r.output()).anyMatch(ResponseOutputItem::isWebSearchCall);
        List<ResponseOutputText> texts = r.output().stream().filter(ResponseOutputItem::isMessage)
                .flatMap(m -> m.asMessage().content().stream()).filter(c -> c.isOutputText())
                .map(c -> c.asOutputText()).toList();
        String text = texts.stream().map(ResponseOutputText::text).collect(Collectors.joining());
        assertThat(text).hasSizeGreaterThan(100);
        List<ResponseOutputText.Annotation> annotations = texts.get(0).annotations();
        assertThat(annotations).isNotEmpty();
        for (ResponseOutputText.Annotation a : annotations) {
            ResponseOutputText.Annotation.UrlCitation u = a.asUrlCitation();
            String covered = text.substring((int) u.startIndex(), (int) u.endIndex());
            // The annotation covers the inline markdown link that carries the same URL
            assertThat(covered).startsWith("([").contains(u.url()).endsWith("))");
            assertThat(u.url()).startsWith("https://").contains("utm_source=openai");
            assertThat(u.title()).isNotBlank();
        }
        assertThat(r.usage().orElseThrow().outputTokens()).isPositive();
        assertThat(r.usage().orElseThrow().totalTokens())
                .isEqualTo(r.usage().orElseThrow().inputTokens() + r.usage().orElseThrow().outputTokens());
    }

    @Test
    void openAiResponsesWithoutWebSearchHasNoCitations() {
        Response r = openAi("openai-responses").responses().create(ResponseCreateParams.builder()
                .model("gpt-4.1-mini").input(PROMPT).build());
        r.validate();
        assertThat(r.output()).noneMatch(ResponseOutputItem::isWebSearchCall);
        assertThat(r.output().stream().filter(ResponseOutputItem::isMessage)
                .flatMap(m -> m.asMessage().content().stream()).map(c -> c.asOutputText().annotations()))
                .allMatch(List::isEmpty);
    }

    @Test
    void openAiSdkAlsoReadsPerplexityAndCompatibleChat() {
        for (String kind : List.of("perplexity", "openai-compatible")) {
            ChatCompletion c = openAi(kind).chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(kind.equals("perplexity") ? "sonar" : "llama3.1:8b").addUserMessage(PROMPT).build());
            c.validate();
            assertThat(c.choices().get(0).message().content().orElseThrow()).hasSizeGreaterThan(100);
            assertThat(c.model()).isEqualTo(kind.equals("perplexity") ? "sonar" : "llama3.1:8b");
        }
    }

    private static AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder().baseUrl(sim.baseUrl("anthropic")).apiKey("sk-ant-test").maxRetries(0)
                .build();
    }

    @Test
    void anthropicMessagesWithoutWebSearch() {
        Message m = anthropic().messages().create(MessageCreateParams.builder().model("claude-haiku-4-5")
                .maxTokens(1024).system("Answer concisely.").addUserMessage(PROMPT).build());
        m.validate();
        assertThat(m.model().asString()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(m.content()).hasSize(1);
        TextBlock block = m.content().get(0).asText();
        assertThat(block.text()).hasSizeGreaterThan(100);
        assertThat(block.citations().orElse(List.of())).isEmpty();
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isBetween(block.text().length() / 5L, block.text().length() / 3L);
        assertThat(m.usage().serverToolUse()).isEmpty();
    }

    @Test
    void anthropicMessagesWithWebSearch() {
        Message m = anthropic().messages().create(MessageCreateParams.builder().model("claude-haiku-4-5")
                .maxTokens(2048).addUserMessage(PROMPT).addTool(WebSearchTool20250305.builder().maxUses(5).build())
                .build());
        // Message.validate() cannot be used here: anthropic-java 3.12.0 compares the parsed server_tool_use
        // name with a raw JSON value and rejects "web_search" whatever the server sends. Each block is checked
        // the way a client reads it instead.
        m.content().stream().filter(b -> !b.isServerToolUse()).forEach(ContentBlock::validate);
        m.usage().validate();
        assertThat(m.content().stream().filter(ContentBlock::isServerToolUse).map(b -> b.asServerToolUse().name()))
                .isNotEmpty().allMatch(ServerToolUseBlock.Name.WEB_SEARCH::equals);
        assertThat(m.content()).anyMatch(ContentBlock::isServerToolUse).anyMatch(ContentBlock::isWebSearchToolResult);
        List<TextBlock> texts = m.content().stream().filter(ContentBlock::isText).map(ContentBlock::asText).toList();
        assertThat(texts.size()).isGreaterThan(2);
        List<TextCitation> citations = texts.stream().flatMap(t -> t.citations().orElse(List.of()).stream()).toList();
        assertThat(citations).isNotEmpty();
        citations.forEach(c -> {
            assertThat(c.isWebSearchResultLocation()).isTrue();
            assertThat(c.asWebSearchResultLocation().url()).startsWith("https://");
            assertThat(c.asWebSearchResultLocation().citedText()).isNotBlank();
        });
        List<String> resultUrls = m.content().stream().filter(ContentBlock::isWebSearchToolResult)
                .flatMap(b -> b.asWebSearchToolResult().content().asResultBlocks().stream())
                .map(r -> r.url()).toList();
        // every citation points at a page the search returned
        assertThat(resultUrls).containsAll(citations.stream().map(c -> c.asWebSearchResultLocation().url()).toList());
        assertThat(m.usage().serverToolUse().orElseThrow().webSearchRequests()).isPositive();
    }

    @Test
    void geminiGenerateContentWithGoogleSearch() {
        Client client = Client.builder().apiKey("AIza-test").httpOptions(HttpOptions.builder()
                .baseUrl(sim.baseUrl("gemini")).retryOptions(HttpRetryOptions.builder().attempts(1).build())
                .build()).build();
        GenerateContentResponse r = client.models.generateContent("gemini-2.5-flash", PROMPT,
                GenerateContentConfig.builder().tools(Tool.builder().googleSearch(GoogleSearch.builder().build())
                        .build()).build());
        String text = r.text();
        assertThat(text).hasSizeGreaterThan(100);
        assertThat(r.modelVersion()).contains("gemini-2.5-flash");
        assertThat(r.usageMetadata().orElseThrow().candidatesTokenCount().orElseThrow()).isPositive();
        GroundingMetadata g = r.candidates().orElseThrow().get(0).groundingMetadata().orElseThrow();
        assertThat(g.webSearchQueries().orElseThrow()).isNotEmpty();
        assertThat(g.groundingChunks().orElseThrow()).isNotEmpty().allSatisfy(chunk -> {
            assertThat(chunk.web().orElseThrow().uri().orElseThrow())
                    .startsWith("https://vertexaisearch.cloud.google.com/grounding-api-redirect/");
            assertThat(chunk.web().orElseThrow().title().orElseThrow()).matches("[a-z0-9.-]+\\.[a-z]+");
        });
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<GroundingSupport> supports = g.groundingSupports().orElseThrow();
        assertThat(supports).isNotEmpty();
        for (GroundingSupport s : supports) {
            int start = s.segment().orElseThrow().startIndex().orElse(0);
            int end = s.segment().orElseThrow().endIndex().orElseThrow();
            // Gemini segment offsets are UTF-8 byte offsets into the part text
            assertThat(new String(bytes, start, end - start, StandardCharsets.UTF_8))
                    .isEqualTo(s.segment().orElseThrow().text().orElseThrow());
            assertThat(s.groundingChunkIndices().orElseThrow()).allMatch(i -> i < g.groundingChunks().get().size());
        }
    }
}
