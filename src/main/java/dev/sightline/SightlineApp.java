package dev.sightline;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.admin.Invariants;
import dev.sightline.api.ApiAuth;
import dev.sightline.api.ApiErrors;
import dev.sightline.api.HealthApi;
import dev.sightline.api.InvariantsApi;
import dev.sightline.api.RunsApi;
import dev.sightline.api.SimulatorApi;
import dev.sightline.api.TokensApi;
import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.provider.TransientCallException;
import dev.sightline.run.AnalysisService;
import dev.sightline.run.Budget;
import dev.sightline.run.CallSteps;
import dev.sightline.run.CellOutcomes;
import dev.sightline.run.CellQueries;
import dev.sightline.run.CellRepository;
import dev.sightline.run.Dispatcher;
import dev.sightline.run.Housekeeping;
import dev.sightline.run.OrphanedAnalyses;
import dev.sightline.run.RetryPolicy;
import dev.sightline.run.RunRepository;
import dev.sightline.run.RunService;
import dev.sightline.run.Scheduler;
import dev.sightline.simulator.SimWorld;
import dev.sightline.simulator.Simulator;
import dev.sightline.simulator.SimulatorSettings;
import dev.sightline.store.Database;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Json;
import dev.sightline.workspace.TokenService;
import dev.sightline.workspace.Workspace;
import dev.sightline.workspace.WorkspaceFile;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Assembles the application on Camel Main: reads the configuration, opens the database (embedded when no URL is
 * set), imports workspaces, starts the simulator when a provider needs it, binds the beans the YAML routes use,
 * and instantiates the provider route template once per configured provider.
 */
public final class SightlineApp {

    private static final Logger LOG = LoggerFactory.getLogger(SightlineApp.class);

    public static final String ANALYSIS_URI = "seda:analyse?size=100000&blockWhenFull=true";

    /** Per prompt text, the workspace the simulator answers for: as WorkspaceRepository.findByPromptText picks it. */
    private static final String PROMPT_OWNERS = """
            SELECT DISTINCT ON (text_hash) text, workspace_id FROM prompt ORDER BY text_hash, active DESC, id DESC""";

    private final Main main = new Main();
    private volatile Parts parts;
    private volatile Throwable startupFailure;

    /** What the app is made of, once configured. */
    public record Parts(Config config, Database database, Jdbc jdbc, Workspace defaultWorkspace,
                        List<Long> workspaceIds, ProviderRegistry providers, Simulator simulator, Dispatcher dispatcher,
                        RunService runService, RunRepository runs, CellRepository cells, Scheduler scheduler,
                        AnalysisService analysis, WorkspaceRepository workspaces, TokenService tokens,
                        Duration shutdownGrace, Duration throttleMargin, Budget budget,
                        String bootstrapTokenShownOnce) {
    }

    public SightlineApp(Properties overrides) {
        String location = Files.exists(Path.of("application.properties"))
                ? "file:application.properties" : "classpath:application.properties;optional=true";
        main.setPropertyPlaceholderLocations(location);
        if (overrides != null && !overrides.isEmpty()) {
            main.setOverrideProperties(overrides);
        }
        // SIGTERM: the dispatcher first gives calls in flight sightline.shutdown.grace and returns unstarted cells;
        // what Camel still holds after that (cells waiting at a throttle, up to a minute) can only be dropped, so
        // Camel's own wait is short (its default, 45 s, came on top of the grace). camel.main.shutdown-timeout wins.
        main.configure().setShutdownTimeout(10);
        main.configure().addConfiguration(new Wiring());
        main.addMainListener(new Lifecycle());
    }

    public Main main() {
        return main;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public Parts parts() {
        return parts;
    }

    /** Starts everything and returns once the routes run (or throws what stopped it). */
    public void start() throws Exception {
        main.start();
        if (startupFailure != null) {
            throw unwrap(startupFailure);
        }
        if (parts == null || context() == null || !context().isStarted()) {
            throw new IllegalStateException("Sightline did not start");
        }
        afterStarted();
    }

    /** Runs until the JVM is told to stop (SIGTERM, Ctrl-C). */
    public void run() throws Exception {
        main.run();
        if (startupFailure != null) {
            throw unwrap(startupFailure);
        }
    }

    public void stop() {
        try {
            beforeStopping();
            main.stop();
        } catch (Exception e) {
            LOG.warn("Stopping failed: {}", e.getMessage());
        } finally {
            afterStopped();
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    private void afterStarted() {
        if (parts == null || !started.compareAndSet(false, true)) {
            return;
        }
        parts.analysis().recoverQueue(context().createProducerTemplate(), ANALYSIS_URI);
        parts.runs().finalizeRuns(null);
        parts.dispatcher().dispatchAll();
        if (parts.bootstrapTokenShownOnce() != null) {
            System.out.println("API token for workspace '" + parts.defaultWorkspace().slug()
                    + "' (shown once, store it): " + parts.bootstrapTokenShownOnce());
        }
    }

    private void beforeStopping() {
        if (parts != null && stopping.compareAndSet(false, true)) {
            parts.dispatcher().stop(parts.shutdownGrace());
        }
    }

    private void afterStopped() {
        if (parts != null && stopped.compareAndSet(false, true)) {
            if (parts.simulator() != null) {
                parts.simulator().close();
            }
            parts.database().close();
        }
    }

    private static Exception unwrap(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException || c instanceof WorkspaceFile.InvalidWorkspaceException) {
                return (Exception) c;
            }
        }
        return t instanceof Exception e ? e : new RuntimeException(t);
    }

    /** Builds the beans before the routes are loaded. */
    private final class Wiring implements CamelConfiguration {

        @Override
        public void configure(CamelContext ctx) throws Exception {
            try {
                parts = assemble(ctx);
            } catch (Throwable t) {
                startupFailure = t;
                throw t;
            }
        }
    }

    private Parts assemble(CamelContext ctx) throws Exception {
        PropertiesComponent pc = ctx.getPropertiesComponent();
        Config config = new Config(pc::resolveProperty);
        String node = config.find("sightline.node.id").orElseGet(SightlineApp::defaultNodeId);
        Duration lease = config.duration("sightline.lease.duration", Duration.ofSeconds(60));
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new ConfigException("Invalid setting sightline.lease.duration=" + lease + ": at least 2s");
        }
        ZoneId zone = zone(config);
        RetryPolicy retry = new RetryPolicy(config.integer("sightline.retry.max-attempts", 6, 1, 100),
                config.duration("sightline.retry.base-delay", Duration.ofSeconds(5)),
                config.duration("sightline.retry.max-delay", Duration.ofMinutes(10)));
        Duration grace = config.duration("sightline.shutdown.grace", Duration.ofSeconds(30));
        validateCron(config);

        Database db = Database.open(new Database.Settings(config.string("sightline.db.url", ""),
                config.string("sightline.db.user", "sightline"), config.string("sightline.db.password", ""),
                config.integer("sightline.db.pool-size", 16, 2, 500),
                Path.of(config.string("sightline.db.embedded.dir", "data/postgres")),
                config.integer("sightline.db.embedded.port", 0, 0, 65535)));
        Simulator[] sim = {null};
        try {
            Jdbc jdbc = new Jdbc(db.dataSource());
            WorkspaceRepository workspaces = new WorkspaceRepository(jdbc);
            List<Long> workspaceIds = new ArrayList<>();
            List<String> files = config.list("sightline.workspace.file");
            if (files.isEmpty()) {
                throw new ConfigException("Missing setting sightline.workspace.file (a workspace YAML such as examples/demo.yaml)");
            }
            for (String f : files) {
                workspaceIds.add(workspaces.importFile(WorkspaceFile.read(Path.of(f))).workspaceId());
            }
            Workspace defaultWorkspace = workspaces.get(workspaceIds.get(0));

            ProviderRegistry.SimulatorMode mode = ProviderRegistry.SimulatorMode.parse(
                    config.string("sightline.simulator.enabled", "auto"));
            ProviderRegistry providers = ProviderRegistry.fromConfig(config, propertyKeys(pc), mode, kind -> {
                if (sim[0] == null) {
                    SimulatorSettings settings;
                    try {
                        settings = SimulatorSettings.fromProperties(pc::resolveProperty);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(e.getMessage());
                    }
                    // which workspace asks a prompt only changes with an import, and imports happen at start: read
                    // the owners once (the lookup by text hash alone scans the prompt table on every request)
                    Map<String, Long> askedBy = new HashMap<>();
                    jdbc.query(PROMPT_OWNERS, rs -> askedBy.put(rs.getString(1), rs.getLong(2)));
                    sim[0] = Simulator.start(settings, text -> {
                        Long id = askedBy.get(text.strip());
                        Workspace w = id != null ? workspaces.get(id) : workspaces.findByPromptText(text)
                                .orElse(defaultWorkspace);
                        return new SimWorld(w.category(), w.entities());
                    });
                    LOG.info("Provider simulator listening for providers without an API key");
                }
                return sim[0].baseUrl(kind);
            });
            Simulator simulator = sim[0];

            ProducerTemplate producer = ctx.createProducerTemplate();
            CellRepository cells = new CellRepository(jdbc);
            RunRepository runs = new RunRepository(jdbc);
            Dispatcher dispatcher = new Dispatcher(cells, producer, node, lease);
            CircuitBreakerRegistry breakers = circuitBreakers(config);
            Map<String, CircuitBreaker> byProvider = new HashMap<>();
            for (Provider p : providers.enabled()) {
                dispatcher.addLane(p.name(), sedaUri(p), p.settings().consumers());
                CircuitBreaker cb = breakers.circuitBreaker("provider-" + p.name());
                byProvider.put(p.name(), cb);
                ctx.getRegistry().bind("circuitBreaker-" + p.name(), cb);
            }
            Duration openDelay = config.duration("sightline.circuit.open-duration", Duration.ofSeconds(30));
            Budget budget = new Budget(jdbc, config.find("sightline.budget.daily-usd").isPresent()
                    ? config.money("sightline.budget.daily-usd", null) : null, zone, java.time.Clock.systemUTC());
            // a provider's cells stay in the database while its circuit is open (claiming them would only defer
            // them) and every provider's while today's spend is at the cap
            dispatcher.setGate(name -> {
                CircuitBreaker cb = byProvider.get(name);
                return (cb == null || cb.getState() != CircuitBreaker.State.OPEN) && !budget.exhausted();
            });
            RunService runService = new RunService(runs, providers, dispatcher, zone,
                    config.integer("sightline.run.max-samples", 10, 1, 1000), budget);
            Scheduler scheduler = new Scheduler(runService, workspaceIds, zone,
                    config.integer("sightline.schedule.samples", 1, 1, 1000));
            TokenService tokens = new TokenService(jdbc);
            String shownOnce = bootstrapToken(config, tokens, defaultWorkspace);
            AnalysisService analysis = new AnalysisService(jdbc, workspaces, runs);

            var registry = ctx.getRegistry();
            registry.bind("json", Json.MAPPER);
            registry.bind("dataSource", db.dataSource());
            registry.bind("dispatcher", dispatcher);
            registry.bind("housekeeping", new Housekeeping(dispatcher, cells, runs,
                    new OrphanedAnalyses(jdbc, producer, ANALYSIS_URI, lease), retry.maxAttempts(), lease));
            registry.bind("providerCalls", new dev.sightline.run.CallSteps(providers, dispatcher,
                    config.string("sightline.run.system-prompt", "")));
            registry.bind("cellOutcomes", new CellOutcomes(cells, runs, providers, dispatcher, retry, openDelay,
                    producer, Json.MAPPER, ANALYSIS_URI, budget));
            registry.bind("analysisService", analysis);
            registry.bind("scheduler", scheduler);
            registry.bind("apiAuth", new ApiAuth(tokens));
            registry.bind("apiErrors", new ApiErrors());
            registry.bind("runsApi", new RunsApi(runService, runs, new CellQueries(jdbc), workspaces, budget));
            registry.bind("tokensApi", new TokensApi(tokens));
            registry.bind("healthApi", new HealthApi(db, providers, dispatcher, budget,
                    name -> byProvider.containsKey(name) ? byProvider.get(name).getState().name() : "DISABLED"));
            registry.bind("simulatorApi", new SimulatorApi(() -> sim[0]));
            var metrics = new dev.sightline.metrics.MetricsRepository(jdbc);
            registry.bind("metricsApi", new dev.sightline.api.MetricsApi(metrics, runs));
            registry.bind("analyzeApi", new dev.sightline.api.AnalyzeApi());
            registry.bind("reanalysisApi", new dev.sightline.api.ReanalysisApi(
                    new dev.sightline.metrics.Reanalysis(jdbc, analysis), runs));
            Duration leaseGrace = config.duration("sightline.invariants.lease-grace", Duration.ofSeconds(4));
            registry.bind("invariantsApi", new InvariantsApi(new Invariants(jdbc, retry.maxAttempts(), leaseGrace,
                    lease.plus(leaseGrace))));

            configureQuartz(ctx, config, db);
            LOG.info("Sightline node {}: database {}, providers {}", node, db.describe(),
                    providers.enabled().stream().map(p -> p.name() + (p.simulated() ? " (simulated)" : "")).toList());
            return new Parts(config, db, jdbc, defaultWorkspace, List.copyOf(workspaceIds), providers, simulator,
                    dispatcher, runService, runs, cells, scheduler, analysis, workspaces, tokens, grace,
                    config.duration("sightline.throttle.margin", Duration.ofSeconds(1)), budget, shownOnce);
        } catch (Throwable t) {
            if (sim[0] != null) {
                sim[0].close();
            }
            db.close();
            throw t;
        }
    }

    /** Adds the provider routes from the {@code provider} template once the YAML routes are loaded. */
    private final class Lifecycle extends MainListenerSupport {

        @Override
        public void afterConfigure(BaseMainSupport m) {
            if (parts == null) {
                return;
            }
            CamelContext ctx = m.getCamelContext();
            for (Provider p : parts.providers().enabled()) {
                var s = p.settings();
                TemplatedRouteBuilder.builder(ctx, "provider")
                        .routeId("provider-" + p.name())
                        .parameter("name", p.name())
                        .parameter("sedaUri", sedaUri(p))
                        .parameter("requestsPerMinute", String.valueOf(s.requestsPerMinute()))
                        .parameter("throttlePeriodMillis", String.valueOf(60_000 + parts.throttleMargin().toMillis()))
                        .parameter("endpointUri", endpointUri(p))
                        .parameter("circuitBreaker", "circuitBreaker-" + p.name())
                        .add();
            }
        }

        @Override
        public void afterStart(BaseMainSupport m) {
            afterStarted();
        }

        @Override
        public void beforeStop(BaseMainSupport m) {
            beforeStopping();
        }

        @Override
        public void afterStop(BaseMainSupport m) {
            afterStopped();
        }
    }

    static String sedaUri(Provider p) {
        int consumers = p.settings().consumers();
        return "seda:cells-" + p.name() + "?concurrentConsumers=" + consumers + "&size=" + (consumers * 4)
                + "&blockWhenFull=true";
    }

    static String endpointUri(Provider p) {
        var s = p.settings();
        long timeout = s.timeout().toMillis();
        return s.baseUrl() + "?throwExceptionOnFailure=false&responseTimeout=" + timeout + "&soTimeout=" + timeout
                + "&connectTimeout=" + Math.min(timeout, 10_000) + "&connectionRequestTimeout=" + timeout;
    }

    private static CircuitBreakerRegistry circuitBreakers(Config c) {
        CircuitBreakerConfig cfg = CircuitBreakerConfig.custom()
                .failureRateThreshold((float) c.decimal("sightline.circuit.failure-rate-threshold", 50, 1, 100))
                .minimumNumberOfCalls(c.integer("sightline.circuit.minimum-calls", 10, 1, 10_000))
                .slidingWindowSize(c.integer("sightline.circuit.window-size", 20, 1, 10_000))
                .waitDurationInOpenState(c.duration("sightline.circuit.open-duration", Duration.ofSeconds(30)))
                .permittedNumberOfCallsInHalfOpenState(c.integer("sightline.circuit.half-open-calls", 3, 1, 1000))
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                // only failures worth retrying count; rate limits and permanent errors are not thrown at all
                .recordExceptions(TransientCallException.class, java.io.IOException.class,
                        org.apache.camel.CamelExchangeException.class)
                .build();
        return CircuitBreakerRegistry.of(cfg);
    }

    private static void configureQuartz(CamelContext ctx, Config config, Database db) {
        QuartzComponent quartz = ctx.getComponent("quartz", QuartzComponent.class);
        Properties q = new Properties();
        q.setProperty("org.quartz.scheduler.instanceName", config.string("sightline.schedule.scheduler-name", "sightline"));
        q.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        q.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        q.setProperty("org.quartz.threadPool.threadCount", "2");
        q.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        q.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        q.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        q.setProperty("org.quartz.jobStore.isClustered", "true");
        q.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        q.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        q.setProperty("org.quartz.jobStore.dataSource", "sightline");
        q.setProperty("org.quartz.dataSource.sightline.provider", "hikaricp");
        q.setProperty("org.quartz.dataSource.sightline.driver", "org.postgresql.Driver");
        q.setProperty("org.quartz.dataSource.sightline.URL", db.isEmbedded() ? db.embedded().jdbcUrl()
                : config.string("sightline.db.url", ""));
        q.setProperty("org.quartz.dataSource.sightline.user", db.isEmbedded() ? "postgres"
                : config.string("sightline.db.user", "sightline"));
        q.setProperty("org.quartz.dataSource.sightline.password", db.isEmbedded() ? ""
                : config.string("sightline.db.password", ""));
        q.setProperty("org.quartz.dataSource.sightline.maxConnections", "3");
        quartz.setProperties(q);
    }

    private static void validateCron(Config config) {
        String cron = config.string("sightline.schedule.cron", "0 0 2 * * ?");
        if (!org.quartz.CronExpression.isValidExpression(cron)) {
            String why;
            try {
                new org.quartz.CronExpression(cron);
                why = "";
            } catch (java.text.ParseException e) {
                why = ": " + e.getMessage();
            }
            throw new ConfigException("Invalid setting sightline.schedule.cron=" + cron
                    + why + " (Quartz format: seconds minutes hours day-of-month month day-of-week)");
        }
    }

    private static ZoneId zone(Config config) {
        String z = config.string("sightline.schedule.zone", "UTC");
        try {
            return ZoneId.of(z);
        } catch (RuntimeException e) {
            throw new ConfigException("Invalid setting sightline.schedule.zone=" + z + ": not a time zone (e.g. UTC, Europe/Berlin)");
        }
    }

    private static String bootstrapToken(Config config, TokenService tokens, Workspace ws) {
        var configured = config.find("sightline.api.bootstrap-token");
        if (configured.isPresent()) {
            if (configured.get().length() < 16) {
                throw new ConfigException("Invalid setting sightline.api.bootstrap-token: use at least 16 characters");
            }
            tokens.ensure(ws.id(), "bootstrap", configured.get());
            return null;
        }
        if (tokens.activeCount(ws.id()) == 0) {
            return tokens.create(ws.id(), "bootstrap").token();
        }
        return null;
    }

    /** Property keys from the files, system properties and the environment (for provider discovery). */
    private static Set<String> propertyKeys(PropertiesComponent pc) {
        Set<String> keys = new TreeSet<>();
        pc.loadProperties(k -> k.startsWith("sightline.")).stringPropertyNames().forEach(keys::add);
        if (pc instanceof org.apache.camel.component.properties.PropertiesComponent impl
                && impl.getOverrideProperties() != null) {
            Properties overrides = impl.getOverrideProperties();
            overrides.stringPropertyNames().stream().filter(k -> k.startsWith("sightline.")).forEach(keys::add);
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("sightline.")).forEach(keys::add);
        for (String env : System.getenv().keySet()) {
            if (env.startsWith("SIGHTLINE_PROVIDERS_")) {
                String rest = env.substring("SIGHTLINE_PROVIDERS_".length()).toLowerCase(Locale.ROOT);
                for (String suffix : List.of("_kind", "_model", "_base_url", "_api_key")) {
                    if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
                        String name = rest.substring(0, rest.length() - suffix.length()).replace('_', '-');
                        keys.add(ProviderRegistry.PREFIX + name + "." + suffix.substring(1).replace('_', '-'));
                    }
                }
            }
        }
        return keys;
    }

    static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
