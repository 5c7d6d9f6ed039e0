package dev.sightline.api;

import java.time.Duration;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import dev.sightline.admin.Invariants;
import dev.sightline.alerts.AlertRepository;
import dev.sightline.config.Config;
import dev.sightline.http.HttpLimits;
import dev.sightline.metrics.AnswerStates;
import dev.sightline.metrics.MetricsRepository;
import dev.sightline.provider.ProviderCircuits;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.run.AnswerQueries;
import dev.sightline.run.Budget;
import dev.sightline.run.CellQueries;
import dev.sightline.run.Dispatcher;
import dev.sightline.run.RetryPolicy;
import dev.sightline.run.RunRepository;
import dev.sightline.simulator.Simulator;
import dev.sightline.store.Database;
import dev.sightline.store.Jdbc;
import dev.sightline.webhooks.WebhookRepository;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.TokenService;
import dev.sightline.workspace.WorkspaceRepository;

/** The REST API's beans (routes/api/*.yaml): authentication, JSON errors and one bean per resource. */
public final class ApiConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "apiRequest", lazy = true)
    public ApiRequest.Reader apiRequest(HttpLimits limits) {
        return new ApiRequest.Reader(limits.clients());
    }

    /**
     * The API's settings are read at start in every mode, also when no API is served (a one-off run): a wrong one
     * names its setting before anything runs, not on the next start of the service.
     */
    @Override
    public void configure(org.apache.camel.CamelContext ctx) {
        Config config = new Config(ctx.getPropertiesComponent()::resolveProperty);
        authFailures(config);
        newReadSlots(config);
        newAnalyzeSlots(config);
    }

    /**
     * Failed authentications per client address: after max-failures in the window, each attempt waits longer. One
     * count for the API's tokens and the metrics token (GET /metrics), so neither is a way around the other's wait.
     */
    @BindToRegistry(value = "authFailures", lazy = true)
    public AuthFailures sharedAuthFailures(Config config) {
        return authFailures(config);
    }

    @BindToRegistry(value = "apiAuth", lazy = true)
    public ApiAuth apiAuth(TokenService tokens, AuthFailures failures) {
        return new ApiAuth(tokens, failures);
    }

    private static AuthFailures authFailures(Config config) {
        return new AuthFailures(config.integer("sightline.api.auth.max-failures", 10, 1, 1_000_000),
                config.duration("sightline.api.auth.window", Duration.ofMinutes(10)),
                config.duration("sightline.api.auth.max-wait", Duration.ofMinutes(5)));
    }

    @BindToRegistry(value = "apiErrors", lazy = true)
    public ApiErrors apiErrors() {
        return new ApiErrors();
    }

    @BindToRegistry(value = "runsApi", lazy = true)
    public RunsApi runsApi(RunRepository runs, CellQueries cells, WorkspaceRepository workspaces, Budget budget) {
        return new RunsApi(runs, cells, workspaces, budget);
    }

    @BindToRegistry(value = "answersApi", lazy = true)
    public AnswersApi answersApi(AnswerQueries answers, RunRepository runs, ProviderRegistry providers) {
        return new AnswersApi(answers, runs, providers);
    }

    @BindToRegistry(value = "tokensApi", lazy = true)
    public TokensApi tokensApi(TokenService tokens) {
        return new TokensApi(tokens);
    }

    @BindToRegistry(value = "healthApi", lazy = true)
    public HealthApi healthApi(Database database, ProviderRegistry providers, Dispatcher dispatcher, Budget budget,
                               ProviderCircuits circuits, ApiAuth auth) {
        return new HealthApi(database, providers, dispatcher, budget, circuits::state, auth);
    }

    @BindToRegistry(value = "simulatorApi", lazy = true)
    public SimulatorApi simulatorApi(CamelContext ctx) {
        return new SimulatorApi(() -> ctx.getRegistry().lookupByNameAndType("simulator", Simulator.class));
    }

    @BindToRegistry(value = "metricsApi", lazy = true)
    public MetricsApi metricsApi(Jdbc jdbc, RunRepository runs, AlertRepository alerts) {
        return new MetricsApi(new MetricsRepository(jdbc), runs, new AnswerStates(jdbc), alerts);
    }

    /**
     * One per core and one more (a read also waits on round trips and writes JSON, so one more keeps the cores busy)
     * unless sightline.api.read-slots says otherwise (see {@link ReadSlots}).
     */
    @BindToRegistry(value = "readSlots", lazy = true)
    public ReadSlots readSlots(Config config) {
        return newReadSlots(config);
    }

    static ReadSlots newReadSlots(Config config) {
        return slots(config, "sightline.api.read-slots", Runtime.getRuntime().availableProcessors() + 1);
    }

    /** Slots of the size a setting gives (or {@code byDefault}), waited for up to sightline.api.read-wait. */
    private static ReadSlots slots(Config config, String setting, int byDefault) {
        return new ReadSlots(setting, config.integer(setting, byDefault, 1, 10_000),
                config.duration("sightline.api.read-wait", Duration.ofSeconds(30)));
    }

    /**
     * {@code POST /api/analyze} computing at a time: half the cores by default (at least one), so texts sent to be
     * analysed (up to camel.server.max-body-size each) leave the rest to the daily run and the dashboard.
     */
    @BindToRegistry(value = "analyzeSlots", lazy = true)
    public ReadSlots analyzeSlots(Config config) {
        return newAnalyzeSlots(config);
    }

    static ReadSlots newAnalyzeSlots(Config config) {
        return slots(config, "sightline.api.analyze-slots", Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    @BindToRegistry(value = "analyzeApi", lazy = true)
    public AnalyzeApi analyzeApi() {
        return new AnalyzeApi();
    }

    @BindToRegistry(value = "reanalysisApi", lazy = true)
    public ReanalysisApi reanalysisApi(RunRepository runs) {
        return new ReanalysisApi(runs);
    }

    @BindToRegistry(value = "invariantsApi", lazy = true)
    public InvariantsApi invariantsApi(Config config, Jdbc jdbc, RetryPolicy retry) {
        Duration lease = config.duration("sightline.lease.duration", Duration.ofSeconds(60));
        Duration leaseGrace = config.duration("sightline.invariants.lease-grace", Duration.ofSeconds(4));
        return new InvariantsApi(new Invariants(jdbc, retry.maxAttempts(), leaseGrace, lease.plus(leaseGrace)));
    }

    @BindToRegistry(value = "alertsApi", lazy = true)
    public AlertsApi alertsApi(AlertRepository alerts) {
        return new AlertsApi(alerts);
    }

    @BindToRegistry(value = "webhooksApi", lazy = true)
    public WebhooksApi webhooksApi(WebhookRepository webhooks) {
        return new WebhooksApi(webhooks);
    }
}
