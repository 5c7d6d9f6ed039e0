package dev.sightline.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.model.ThrottleDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import dev.sightline.config.Config;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.provider.ProviderRoutes;
import dev.sightline.provider.TransientCallException;
import dev.sightline.run.AnalysisJob;
import dev.sightline.run.CallSteps;
import dev.sightline.run.CellClaim;
import dev.sightline.run.Pipeline;

/**
 * The provider route template of {@code routes/pipeline/30-providers.yaml}, with the dispatch hand-offs and the
 * error handling of {@code routes/errors.yaml}, as an integrator would test a changed route: the real YAML files and
 * the real request and reply steps, the provider's HTTP endpoint replaced by a mock, and the beans that write to the
 * database replaced by recorders. Runs in seconds, without a database.
 */
public class ProviderRouteTest extends CamelTestSupport {

    protected static final Map<String, String> EXTRA = new java.util.HashMap<>();

    /** What the routes asked the outcome beans to do, in order. */
    private final List<String> outcomes = new CopyOnWriteArrayList<>();

    private static final Map<String, String> SETTINGS = Map.of(
            "sightline.providers.openai.kind", "openai-chat",
            "sightline.providers.openai.model", "gpt-4o-mini",
            "sightline.providers.openai.base-url", "http://provider.invalid/v1",
            "sightline.providers.openai.api-key", "sk-route-test",
            "sightline.providers.openai.requests-per-minute", "6000",
            "sightline.dispatch.poll-interval", "1h",
            "sightline.store.consumers", "2");

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext ctx = super.createCamelContext();
        Config config = new Config(k -> Optional.ofNullable(SETTINGS.get(k)));
        ProviderRegistry providers = ProviderRegistry.fromConfig(config, SETTINGS.keySet(),
                ProviderRegistry.SimulatorMode.NONE, kind -> null);
        var props = new java.util.Properties();
        props.putAll(SETTINGS);
        props.putAll(EXTRA);
        ctx.getPropertiesComponent().setInitialProperties(props);
        ctx.getRegistry().bind("providerRoutes", new ProviderRoutes(providers, config));
        ctx.getRegistry().bind("callSteps", new CallSteps(providers, claim -> true, "",
                new dev.sightline.run.CallMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())));
        ctx.getRegistry().bind("cellOutcomes", new Outcomes());
        ctx.getRegistry().bind("answerStore", new Store());
        ctx.getRegistry().bind("dispatcher", new Dispatch());
        ctx.getRegistry().bind("upkeep", new Outcomes());
        return ctx;
    }

    /** The route files under test; a test of a changed route swaps in its own. */
    protected List<String> routeFiles() {
        return List.of("routes/errors.yaml", "routes/pipeline/20-dispatch.yaml", "routes/pipeline/30-providers.yaml",
                "routes/pipeline/40-stored.yaml");
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                for (String f : routeFiles()) {
                    PluginHelper.getRoutesLoader(getContext())
                            .loadRoutes(ResourceHelper.resolveMandatoryResource(getContext(), "file:" + f));
                }
            }
        };
    }

    /** Replaces the provider's HTTP endpoint by a mock answering {@code status} with a recorded reply. */
    protected MockEndpoint provider(int status, String fixture) throws Exception {
        AdviceWith.adviceWith(context, ProviderRoutes.routeId("openai"),
                a -> a.weaveById("call-provider").replace().to("mock:provider"));
        AdviceWith.adviceWith(context, "answer-stored",
                a -> a.weaveById("to-analysis").replace().to("mock:analysis"));
        MockEndpoint mock = getMockEndpoint("mock:provider");
        String body = fixture(fixture);
        mock.whenAnyExchangeReceived(ex -> {
            ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            ex.getMessage().setBody(body);
        });
        return mock;
    }

    protected void sendCell(long cellId) {
        CellClaim claim = new CellClaim(cellId, 1, 1, 1, "What is the best CRM?", "openai", 1, 1, UUID.randomUUID());
        template.send("seda:cells-openai", ex -> {
            ex.setProperty(Pipeline.CLAIM, claim);
            ex.getMessage().setBody(claim);
        });
    }

    @Test
    void anAnswerIsStoredHandedToAnalysisAndTheConsumerTakesItsNextCell() throws Exception {
        MockEndpoint http = provider(200, "openai-chat/success.json");
        MockEndpoint analysis = getMockEndpoint("mock:analysis");
        http.expectedMessageCount(1);
        analysis.expectedMessageCount(1);
        sendCell(7);
        MockEndpoint.assertIsSatisfied(context);
        // the request the provider got: its path, its credential, nothing of Sightline
        var request = http.getReceivedExchanges().get(0).getMessage();
        assertThat(request.getHeader(Exchange.HTTP_URI, String.class)).isEqualTo("http://provider.invalid/v1/chat/completions");
        assertThat(request.getHeader("Authorization", String.class)).isEqualTo("Bearer sk-route-test");
        assertThat(request.getHeaders().keySet()).noneMatch(h -> h.startsWith("X-Sightline"));
        assertThat(analysis.getReceivedExchanges().get(0).getMessage().getBody(AnalysisJob.class).responseId())
                .isEqualTo(7000);
        awaitOutcomes("store 7", "finished 7");
    }

    @Test
    void aRateLimitWaitsAPermanentErrorFailsAndAFailedCallIsRetriedThroughTheBreakersFallback() throws Exception {
        provider(429, "openai-chat/error-429-rate-limit.json");
        sendCell(1);
        awaitOutcomes("rateLimited 1", "finished 1");

        outcomes.clear();
        getMockEndpoint("mock:provider").whenAnyExchangeReceived(ex -> {
            ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
            ex.getMessage().setBody(fixture("openai-chat/error-401.json"));
        });
        sendCell(2);
        awaitOutcomes("refused 2", "finished 2");

        outcomes.clear();
        getMockEndpoint("mock:provider").whenAnyExchangeReceived(ex -> {
            ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
            ex.getMessage().setBody(fixture("openai-chat/error-500.json"));
        });
        sendCell(3);
        awaitOutcomes("stepFailed 3 " + TransientCallException.class.getSimpleName(), "finished 3");
    }

    /** What an integrator adds before the throttle and throws counts as a failed attempt, handled once. */
    @Test
    void aStepThatThrowsAnywhereIsAFailedAttemptAndTheConsumerGoesOn() throws Exception {
        provider(200, "openai-chat/success.json");
        AdviceWith.adviceWith(context, ProviderRoutes.routeId("openai"), a -> a.weaveByType(ThrottleDefinition.class)
                .before().throwException(new IllegalStateException("my step broke")));
        sendCell(9);
        awaitOutcomes("stepFailed 9 IllegalStateException", "finished 9");
        assertThat(getMockEndpoint("mock:provider").getReceivedCounter()).isZero();
    }

    protected void awaitOutcomes(String... expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (outcomes.size() < expected.length && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(outcomes).containsExactly(expected);
    }

    private static String fixture(String path) {
        try (InputStream in = ProviderRouteTest.class.getResourceAsStream("/fixtures/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long cell(Exchange ex) {
        return ex.getProperty(Pipeline.CLAIM, CellClaim.class).cellId();
    }

    /** Records what {@code CellOutcomes} (and the upkeep error handler) would write. */
    public final class Outcomes {
        public void rateLimited(Exchange ex) {
            outcomes.add("rateLimited " + cell(ex));
        }

        public void refused(Exchange ex) {
            outcomes.add("refused " + cell(ex));
        }

        public void stepFailed(Exchange ex) {
            Exception e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            outcomes.add("stepFailed " + cell(ex) + " " + (e == null ? "?" : e.getClass().getSimpleName()));
        }

        public void failed(Exchange ex) {
            outcomes.add("upkeep failed");
        }
    }

    /** Records what {@code AnswerStore} would store; the response id is the cell id times 1000. */
    public final class Store {
        public AnalysisJob store(Exchange ex) {
            CellClaim c = ex.getProperty(Pipeline.CLAIM, CellClaim.class);
            outcomes.add("store " + c.cellId());
            ex.setProperty(Pipeline.RESPONSE_ID, c.cellId() * 1000);
            return new AnalysisJob(c.cellId() * 1000, c.runId(), c.workspaceId(), "an answer", List.of());
        }
    }

    /** The dispatcher's side of the hand-offs: a finished cell frees its consumer; nothing more is due. */
    public final class Dispatch {
        public List<CellClaim> claim(@Header(Pipeline.PROVIDER) String provider) {
            return List.of();
        }

        public void finished(Exchange ex) {
            outcomes.add("finished " + cell(ex));
        }
    }

}
