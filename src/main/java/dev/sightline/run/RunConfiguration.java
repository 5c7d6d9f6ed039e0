package dev.sightline.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Properties;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.util.function.Suppliers;
import org.quartz.CronExpression;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.config.Meters;
import dev.sightline.provider.ProviderCircuits;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.store.Jdbc;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Runs: planning, the schedule, dispatch and leases, the beans the provider and analysis routes call, the budget,
 * and Quartz on the application's database. Settings: {@code sightline.schedule.*}, {@code sightline.lease.*},
 * {@code sightline.retry.*}, {@code sightline.budget.*}, {@code sightline.run.*}, {@code sightline.node.id}.
 */
public final class RunConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "retryPolicy", lazy = true)
    public RetryPolicy retryPolicy(Config c) {
        return new RetryPolicy(c.integer("sightline.retry.max-attempts", 6, 1, 100),
                c.duration("sightline.retry.base-delay", Duration.ofSeconds(5)),
                c.duration("sightline.retry.max-delay", Duration.ofMinutes(10)));
    }

    @BindToRegistry(value = "zone", lazy = true)
    public ZoneId zone(Config config) {
        String z = config.string("sightline.schedule.zone", "UTC");
        try {
            return ZoneId.of(z);
        } catch (RuntimeException e) {
            throw new ConfigException("Invalid setting sightline.schedule.zone=" + z
                    + ": not a time zone (e.g. UTC, Europe/Berlin)");
        }
    }

    @BindToRegistry(value = "cells", lazy = true)
    public CellRepository cells(Jdbc jdbc) {
        return new CellRepository(jdbc);
    }

    @BindToRegistry(value = "runs", lazy = true)
    public RunRepository runs(Jdbc jdbc) {
        return new RunRepository(jdbc);
    }

    @BindToRegistry(value = "budget", lazy = true)
    public Budget budget(Config config, Jdbc jdbc, WorkspaceRepository workspaces, ZoneId zone) {
        return new Budget(jdbc, config.money("sightline.budget.daily-usd", null),
                ws -> workspaces.get(ws).dailyBudgetUsd(), zone, Clock.systemUTC());
    }

    @BindToRegistry(value = "dispatcher", lazy = true)
    public Dispatcher dispatcher(Config config, CellRepository cells, RunRepository runs, ProviderRegistry providers,
                                 ProviderCircuits circuits, Budget budget, dev.sightline.config.Lifecycle lifecycle,
                                 CamelContext ctx) {
        Duration lease = config.duration("sightline.lease.duration", Duration.ofSeconds(60));
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new ConfigException("Invalid setting sightline.lease.duration=" + lease + ": at least 2s");
        }
        Dispatcher d = new Dispatcher(cells, config.find("sightline.node.id").orElseGet(RunConfiguration::nodeId),
                lease);
        int ahead = config.integer("sightline.dispatch.claim-ahead", 1, 0, 10);
        providers.enabled().forEach(p -> d.addLane(p.name(), p.settings().consumers(), ahead));
        d.setProviderGate(circuits::admits);
        d.setWorkspaceGate(budget::exhaustedWorkspaces);
        int backlog = config.integer("sightline.analysis.max-backlog", 2000, 10, 1_000_000);
        AnswerBacklog waiting = new AnswerBacklog(ctx);
        d.setBacklogGate(() -> waiting.waiting() < backlog);
        runs.onCancelled(d::runCancelled);
        lifecycle.drainWith(d::stop, config.duration("sightline.shutdown.grace", Duration.ofSeconds(30)));
        return d;
    }

    @BindToRegistry(value = "runService", lazy = true)
    public RunService runService(Config config, RunRepository runs, ProviderRegistry providers, ZoneId zone,
                                 Budget budget) {
        return new RunService(runs, providers, zone, config.integer("sightline.run.max-samples", 10, 1, 1000), budget);
    }

    /**
     * The daily slot's cron, checked at every start: a one-off (--once) leaves the schedule's route out and never
     * makes the scheduler, yet a setting it would fail on later is named now.
     */
    static void checkCron(Config config) {
        String cron = config.string("sightline.schedule.cron", "0 0 2 * * ?");
        if (!CronExpression.isValidExpression(cron)) {
            String why;
            try {
                new CronExpression(cron);
                why = "";
            } catch (java.text.ParseException e) {
                why = ": " + e.getMessage();
            }
            throw new ConfigException("Invalid setting sightline.schedule.cron=" + cron + why
                    + " (Quartz format: seconds minutes hours day-of-month month day-of-week)");
        }
    }

    @BindToRegistry(value = "scheduler", lazy = true)
    public Scheduler scheduler(Config config, ImportedWorkspaces imported, ZoneId zone) {
        return new Scheduler(imported.ids(), zone, config.integer("sightline.schedule.samples", 1, 1, 1000),
                config.bool("sightline.schedule.once-per-day", true));
    }

    /** Meters of the provider routes, in the registry Camel's own metrics go to (camel-micrometer-prometheus). */
    @BindToRegistry(value = "callMetrics", lazy = true)
    public CallMetrics callMetrics(CamelContext ctx, ProviderRegistry providers) {
        CallMetrics m = new CallMetrics(Meters.registry(ctx));
        m.providers(providers.enabled().stream().map(dev.sightline.provider.Provider::name).toList());
        return m;
    }

    @BindToRegistry(value = "callSteps", lazy = true)
    public CallSteps callSteps(Config config, ProviderRegistry providers, Dispatcher dispatcher, CallMetrics metrics) {
        return new CallSteps(providers, dispatcher::markStarted, config.string("sightline.run.system-prompt", ""),
                metrics);
    }

    @BindToRegistry(value = "cellOutcomes", lazy = true)
    public CellOutcomes cellOutcomes(Config config, CellRepository cells, RunRepository runs, Dispatcher dispatcher,
                                     RetryPolicy retry, ProviderRegistry providers, CallMetrics metrics) {
        return new CellOutcomes(cells, runs, dispatcher, retry,
                name -> providers.get(name).settings().circuit().openDuration(),
                config.duration("sightline.retry.max-rate-limited", Duration.ofMinutes(30)), metrics,
                providers.scrubber());
    }

    @BindToRegistry(value = "answerStore", lazy = true)
    public AnswerStore answerStore(CellRepository cells, ProviderRegistry providers, Dispatcher dispatcher,
                                   Budget budget, CallMetrics metrics) {
        return new AnswerStore(cells, providers, dispatcher, budget, metrics);
    }

    @BindToRegistry(value = "analysisBatches", lazy = true)
    public AnalysisBatches analysisBatches(WorkspaceRepository workspaces, RunRepository runs) {
        return new AnalysisBatches(workspaces, runs);
    }

    @BindToRegistry(value = "analysisQueue", lazy = true)
    public AnalysisQueue analysisQueue(Jdbc jdbc, Dispatcher dispatcher, Config config) {
        return new AnalysisQueue(jdbc, config.duration("sightline.lease.duration", Duration.ofSeconds(60)));
    }

    @BindToRegistry(value = "reanalysis", lazy = true)
    public Reanalysis reanalysis(Jdbc jdbc) {
        return new Reanalysis(jdbc);
    }

    @BindToRegistry(value = "upkeep", lazy = true)
    public Upkeep upkeep(Config config, Dispatcher dispatcher, CellRepository cells, RunRepository runs,
                         RetryPolicy retry, CallMetrics metrics) {
        return new Upkeep(dispatcher, cells, runs, retry.maxAttempts(),
                config.duration("sightline.lease.duration", Duration.ofSeconds(60)), metrics);
    }

    @BindToRegistry(value = "cellQueries", lazy = true)
    public CellQueries cellQueries(Jdbc jdbc) {
        return new CellQueries(jdbc);
    }

    @BindToRegistry(value = "answerQueries", lazy = true)
    public AnswerQueries answerQueries(Jdbc jdbc) {
        return new AnswerQueries(jdbc);
    }

    /** Quartz: the static settings of {@code quartz.properties}, this node's scheduler name, our pool. */
    @Override
    public void configure(CamelContext ctx) {
        Config config = ctx.getRegistry().findSingleByType(Config.class);
        checkCron(config);
        if (config.bool(dev.sightline.SightlineApp.ONCE_PROPERTY, false)) {
            return; // no schedule route: the Quartz component is never made, nor its scheduler
        }
        // looked up at Quartz's first connection, not here: the database is still starting while Camel configures
        // and loads its routes
        Supplier<DataSource> ds = Suppliers.memorize(
                () -> ctx.getRegistry().lookupByNameAndType("dataSource", DataSource.class));
        Properties q = new Properties();
        try (InputStream in = RunConfiguration.class.getClassLoader().getResourceAsStream("quartz.properties")) {
            q.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read quartz.properties", e);
        }
        String name = config.string("sightline.schedule.scheduler-name", "sightline");
        q.setProperty("org.quartz.scheduler.instanceName", name);
        // Quartz keeps data sources in one JVM-wide registry: one name per scheduler, so apps sharing a JVM (tests)
        // each use their own database
        q.setProperty("org.quartz.jobStore.dataSource", name);
        DBConnectionManager.getInstance().addConnectionProvider(name,
                new ConnectionProvider() {
                    @Override
                    public java.sql.Connection getConnection() throws java.sql.SQLException {
                        return ds.get().getConnection();
                    }

                    @Override
                    public void shutdown() {
                        // the pool belongs to the application and closes with it
                    }

                    @Override
                    public void initialize() {
                        // nothing: the pool is open
                    }
                });
        ctx.getComponent("quartz", QuartzComponent.class).setProperties(q);
    }

    static String nodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
