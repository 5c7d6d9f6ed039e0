package dev.sightline;

import dev.sightline.config.Settings;
import dev.sightline.config.WakingSedaComponent;
import dev.sightline.config.YamlRoutesLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.alerts.AlertConfiguration;
import dev.sightline.api.ApiConfiguration;
import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.config.Resources;
import dev.sightline.events.EventsConfiguration;
import dev.sightline.http.HttpConfiguration;
import dev.sightline.provider.ProviderCircuits;
import dev.sightline.provider.ProviderConfiguration;
import dev.sightline.run.Dispatcher;
import dev.sightline.run.RunConfiguration;
import dev.sightline.store.Database;
import dev.sightline.store.Jdbc;
import dev.sightline.store.StoreConfiguration;
import dev.sightline.telemetry.TelemetryConfiguration;
import dev.sightline.webhooks.WebhookConfiguration;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.TokenService;
import dev.sightline.workspace.WorkspaceConfiguration;
import dev.sightline.workspace.WorkspaceFile;
import dev.sightline.workspace.WorkspaceFiles;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * The application on Camel Main: settings from {@code ./application.properties} over the jar's, routes from the
 * jar's {@code routes/} and {@code ./routes/}, and one configuration per feature. It owns the order of shutdown:
 * stop claiming, let calls in flight finish and store, stop Camel, then close the database.
 */
public final class SightlineApp {

    private static final Logger LOG = LoggerFactory.getLogger(SightlineApp.class);

    /**
     * SERVICE: the schedule and the API, and a start-up API token printed; ONCE: a one-off run or experiment from
     * the command line, no API and no token.
     */
    public enum Mode { SERVICE, ONCE }

    /** Set in a one-off's properties, for the configurations that prepare what only the service uses. */
    public static final String ONCE_PROPERTY = "sightline.internal.one-off";

    /** The route file of the daily Quartz slot, which a one-off leaves out. */
    static final String SCHEDULE_ROUTES = "routes/pipeline/05-schedule.yaml";

    /** The routes of jobs (page analyses, brand profiles), which a one-off builds only to analyse its run's pages. */
    static final String JOB_ROUTES = "routes/pipeline/90-jobs.yaml";

    /** The hourly storage timers, which a one-off leaves out: it does their work once after its run (OneOffUpkeep). */
    static final String STORAGE_ROUTES = "routes/pipeline/65-storage.yaml";

    private final Main main = new Main();
    private final Mode mode;
    private final dev.sightline.config.Lifecycle lifecycle = new dev.sightline.config.Lifecycle();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Properties overrides;
    private final List<String> routes;

    public SightlineApp(Properties overrides) {
        this(overrides, Mode.SERVICE);
    }

    public SightlineApp(Properties overrides, Mode mode) {
        this.mode = mode;
        this.overrides = new Properties();
        if (overrides != null) {
            this.overrides.putAll(overrides);
        }
        if (mode == Mode.ONCE) {
            // a one-off serves no API (nobody could know its port): no HTTP server, and its routes are not built
            this.overrides.setProperty("camel.server.enabled", "false");
            // nor Camel's route and JVM meters, which only GET /metrics shows: their set-up took a fifth of a
            // second of the start's critical path, and their route policy times every exchange
            this.overrides.setProperty("camel.metrics.enabled", "false");
            this.overrides.setProperty(ONCE_PROPERTY, "true");
        }
        // the first location that has a key wins: the working folder's file over the jar's defaults
        main.setPropertyPlaceholderLocations(dev.sightline.config.Settings.LOCATIONS);
        if (!this.overrides.isEmpty()) {
            main.setOverrideProperties(this.overrides);
        }
        List<String> files = Resources.routeFiles();
        if (mode == Mode.ONCE) {
            // nor does it fire the daily schedule: without its route no Quartz scheduler is made at all; nor the hourly
            // storage timers, whose first ticks come a minute or two after the start, when most one-offs are gone
            files = files.stream().filter(r -> !r.contains("routes/api/") && !r.endsWith(SCHEDULE_ROUTES)
                    && !r.endsWith(STORAGE_ROUTES)).toList();
        }
        this.routes = files;
        main.configure().withRoutesIncludePattern(String.join(",", files));
        // calls in flight get sightline.shutdown.grace before Camel stops (see stop()); Camel's own wait then only
        // covers steps that are already finishing
        main.configure().setShutdownTimeout(5);
        main.bind("lifecycle", lifecycle);
        // SEDA consumers that wait a second for work when idle and are woken at once to stop
        main.bind("seda", new WakingSedaComponent());
        main.configure().addConfiguration(new StoreConfiguration());
        main.configure().addConfiguration(new WorkspaceConfiguration());
        main.configure().addConfiguration(new ProviderConfiguration());
        main.configure().addConfiguration(new RunConfiguration());
        main.configure().addConfiguration(new ApiConfiguration());
        main.configure().addConfiguration(new AlertConfiguration());
        main.configure().addConfiguration(new WebhookConfiguration());
        main.configure().addConfiguration(new TelemetryConfiguration());
        main.configure().addConfiguration(new dev.sightline.web.WebConfiguration());
        main.configure().addConfiguration(new EventsConfiguration());
        main.configure().addConfiguration(new HttpConfiguration());
        main.configure().addConfiguration(new dev.sightline.experiment.ExperimentConfiguration());
        main.configure().addConfiguration(new dev.sightline.judge.JudgeConfiguration());
        main.configure().addConfiguration(new dev.sightline.api.ExperimentApiConfiguration());
        main.configure().addConfiguration(new dev.sightline.retention.RetentionConfiguration());
        main.addMainListener(new Lifecycle());
    }

    public Main main() {
        return main;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** A bean of the running application (tests, the CLI). */
    public <T> T bean(Class<T> type) {
        T bean = context().getRegistry().findSingleByType(type);
        if (bean == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + " in the registry");
        }
        return bean;
    }

    /** Starts everything and returns once the routes run (or throws what stopped it, after cleaning up). */
    public void start() throws Exception {
        try {
            startDatabase();
            main.start();
        } catch (Exception e) {
            stop();
            throw unwrap(e);
        }
        if (context() == null || !context().isStarted()) {
            stop();
            throw new IllegalStateException("Sightline did not start");
        }
    }

    /** Runs until stopped ({@link #stop()}, from the signal handler); throws what stopped the start. */
    public void run() throws Exception {
        try {
            startDatabase();
            main.run();
        } catch (Exception e) {
            stop();
            throw unwrap(e);
        }
    }

    /**
     * The database (the embedded PostgreSQL, the pool, the migrations) starts on a thread of its own while Camel
     * loads its routes and classes, and the workspace files are read on another; the configurations wait for them
     * when they need them.
     */
    private void startDatabase() {
        lifecycle.openDatabase(() -> Database.open(Settings.read(overrides, Database.Settings::from)));
        lifecycle.prepare(WorkspaceFiles.class, () -> Settings.read(overrides, WorkspaceFiles::read));
        // the import needs both; it then runs while Camel builds its routes, which wait for it only where they ask
        // for a workspace
        lifecycle.prepare(WorkspaceConfiguration.Imported.class, () -> WorkspaceConfiguration.importFiles(
                lifecycle.prepared(WorkspaceFiles.class, null).files(),
                new WorkspaceRepository(new Jdbc(lifecycle.<Database>database().dataSource()))));
        // the HTTP clients' TLS setup loads the JDK's trust store and security providers, and the public suffix list
        // their host name check uses (a tenth of a second and more on the start's critical path, where the first
        // connection pool is built): loaded here first, they are in place when the routes ask
        lifecycle.warmUp("tls", () -> {
            try {
                javax.net.ssl.SSLContext.getDefault();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            org.apache.hc.client5.http.psl.PublicSuffixMatcherLoader.getDefault();
        });
    }

    /**
     * Graceful stop, in this order: no more claims, cells claimed but not started back to pending, calls in flight
     * given {@code sightline.shutdown.grace} to finish and store their outcome; then Camel (analysis batches still
     * waiting are written); then the simulator and the database.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        lifecycle.<Database>databaseIfOpen().ifPresent(Database::checkpointAhead);
        if (context() != null && context().isStarted() && lifecycle.drain() == 0) {
            stopQueueConsumers();
        }
        if (context() != null && context().isStarted()) {
            stopTimers();
        }
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Stopping Camel failed: {}", e.getMessage());
        }
        lifecycle.closeOpened();
    }

    /**
     * The timer routes' consumers stopped, and a tick of theirs still running let finish: Camel's shutdown, finding
     * an exchange in flight, looks again only a full second later, so a one-off whose stop met a tick of
     * {@code job-progress} (every second) took 1.05 s to stop instead of 0.03 s, about one stop in ten. A tick is a
     * few milliseconds; this waits for one at most a second.
     */
    private void stopTimers() {
        List<String> timerRoutes = new ArrayList<>();
        for (org.apache.camel.Route r : context().getRoutes()) {
            if (r.getConsumer() instanceof org.apache.camel.component.timer.TimerConsumer timer) {
                org.apache.camel.support.service.ServiceHelper.stopService(timer);
                timerRoutes.add(r.getRouteId());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        var inflight = context().getInflightRepository();
        while (timerRoutes.stream().anyMatch(id -> inflight.size(id) > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The consumers of the SEDA queues, told to finish side by side before Camel stops the routes: Camel's shutdown
     * would prepare them one route after another, each waiting for its consumer threads to end (woken at once by
     * {@link WakingSedaComponent}, but a consumer thread still finishing an exchange holds its route's turn). What
     * each does is Camel's own preparation for shutdown
     * ({@link org.apache.camel.spi.ShutdownPrepared}): a consumer thread finishes the exchange it holds. The analysis
     * queue's consumer is told last, after every route that feeds it. Only when the drain left no call in flight and
     * no queue holds work; at most a second.
     */
    private void stopQueueConsumers() {
        java.util.List<org.apache.camel.spi.ShutdownPrepared> feeders = new java.util.ArrayList<>();
        java.util.List<org.apache.camel.spi.ShutdownPrepared> last = new java.util.ArrayList<>();
        for (org.apache.camel.Route r : context().getRoutes()) {
            if (r.getEndpoint() instanceof org.apache.camel.component.seda.SedaEndpoint seda
                    && r.getConsumer() instanceof org.apache.camel.spi.ShutdownPrepared consumer) {
                if (!seda.getQueue().isEmpty()) {
                    return; // work still queued (calls the grace did not let finish): Camel's shutdown decides
                }
                (seda.getEndpointUri().startsWith("seda://analyse") ? last : feeders).add(consumer);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        for (java.util.List<org.apache.camel.spi.ShutdownPrepared> consumers : java.util.List.of(feeders, last)) {
            java.util.List<Thread> threads = new java.util.ArrayList<>();
            for (org.apache.camel.spi.ShutdownPrepared consumer : consumers) {
                Thread t = new Thread(() -> consumer.prepareShutdown(false, false), "sightline:queue-stop");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                try {
                    // bounded: a consumer still busy is left to Camel's shutdown and its timeout
                    t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static Exception unwrap(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException || c instanceof WorkspaceFile.InvalidWorkspaceException) {
                return (Exception) c;
            }
        }
        ConfigException route = brokenRoute(t);
        if (route != null) {
            return route;
        }
        return t instanceof Exception e ? e : new RuntimeException(t);
    }

    /** A route file Camel could not load or build: one line naming the file and the problem. */
    private static ConfigException brokenRoute(Throwable t) {
        String file = null;
        Throwable root = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage();
            java.util.regex.Matcher at = ROUTE_FILE.matcher(m);
            if (file == null && at.find()) {
                file = at.group(1);
            }
            root = c;
        }
        if (file == null) {
            return null;
        }
        String problem = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        java.util.regex.Matcher line = LINE.matcher(problem);
        String where = line.find() ? " (line " + line.group(1) + ", column " + line.group(2) + ")" : "";
        return new ConfigException("Invalid route file " + file + where + ": "
                + problem.lines().findFirst().orElse("").strip());
    }

    private static final java.util.regex.Pattern ROUTE_FILE =
            java.util.regex.Pattern.compile("(?:file|classpath):(routes/[^\\s,;)]+\\.yaml)");
    private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile("line (\\d+), column (\\d+)");

    private final class Lifecycle extends MainListenerSupport {

        @Override
        public void beforeConfigure(BaseMainSupport m) {
            checkHttpPort(m.getCamelContext());
            if (mode == Mode.ONCE && !new Config(m.getCamelContext().getPropertiesComponent()::resolveProperty)
                    .bool("sightline.pages.enabled", false)) {
                // nor, unless it analyses its run's pages after the run, the routes of jobs: it would only take up
                // a service's jobs to leave them unfinished when its run ends, and their ten routes took about 60 ms
                // of the start's critical path
                m.configure().withRoutesIncludePattern(String.join(",",
                        routes.stream().filter(r -> !r.endsWith(JOB_ROUTES)).toList()));
            }
            YamlRoutesLoader.install(m.getCamelContext());
        }

        @Override
        public void afterStart(BaseMainSupport m) {
            CamelContext ctx = m.getCamelContext();
            ctx.getRegistry().findSingleByType(ProviderCircuits.class).watch();
            var providers = ctx.getRegistry().findSingleByType(dev.sightline.provider.ProviderRegistry.class);
            LOG.info("Sightline node {} started: database {}, providers {}",
                    ctx.getRegistry().findSingleByType(Dispatcher.class).node(),
                    ctx.getRegistry().findSingleByType(Database.class).describe(),
                    providers.enabled().stream().map(p -> p.name() + (p.simulated() ? " (simulated)" : "")).toList());
            bootstrapToken(ctx);
        }
    }

    /** A port another process holds would leave the node without its API: refuse to start instead. */
    private static void checkHttpPort(CamelContext ctx) {
        var pc = ctx.getPropertiesComponent();
        if (!Boolean.parseBoolean(pc.resolveProperty("camel.server.enabled").orElse("true"))) {
            return;
        }
        String portText = pc.resolveProperty("camel.server.port").orElse("8080").strip();
        String host = pc.resolveProperty("camel.server.host").orElse("0.0.0.0").strip();
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid setting camel.server.port=" + portText + ": not a port number");
        }
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigException("Port " + port + " on " + host + " is in use (camel.server.port): "
                    + e.getMessage());
        }
    }

    /**
     * {@code sightline.api.bootstrap-token} is registered for the default workspace. Without it, a service prints
     * a new token on start while the default workspace has no live token that was ever shown to anybody.
     */
    private void bootstrapToken(CamelContext ctx) {
        Config config = ctx.getRegistry().findSingleByType(Config.class);
        TokenService tokens = ctx.getRegistry().findSingleByType(TokenService.class);
        var ws = ctx.getRegistry().findSingleByType(ImportedWorkspaces.class).defaultWorkspace();
        if (mode == Mode.SERVICE && config.find("sightline.api.bootstrap-token").isEmpty()
                && !tokens.hasShownToken(ws.id())) {
            String token = tokens.create(ws.id(), "bootstrap").token();
            System.out.println("API token for workspace '" + ws.slug() + "' (shown once, store it): " + token);
            System.out.flush();
        }
    }
}
