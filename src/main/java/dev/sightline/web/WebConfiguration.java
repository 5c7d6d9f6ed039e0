package dev.sightline.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.config.Lifecycle;
import dev.sightline.config.ThreadNice;
import dev.sightline.events.EventLog;
import dev.sightline.fetch.FetchSettings;
import dev.sightline.fetch.WebFetcher;
import dev.sightline.jobs.JobDispatcher;
import dev.sightline.jobs.JobOutcomes;
import dev.sightline.jobs.JobRepository;
import dev.sightline.jobs.JobService;
import dev.sightline.jobs.JobUpkeep;
import dev.sightline.jobs.JobsApi;
import dev.sightline.pages.PageAnalysisKind;
import dev.sightline.pages.PageRepository;
import dev.sightline.pages.PageWork;
import dev.sightline.pages.PagesApi;
import dev.sightline.profile.BrandProfileKind;
import dev.sightline.profile.BrandProfiler;
import dev.sightline.profile.ProfileApi;
import dev.sightline.profile.ProfileWork;
import dev.sightline.provider.Provider;
import dev.sightline.provider.ProviderRegistry;
import dev.sightline.run.AnalysisBatches;
import dev.sightline.run.RetryPolicy;
import dev.sightline.run.RunRepository;
import dev.sightline.simulator.SimWorld;
import dev.sightline.simulator.Simulator;
import dev.sightline.store.Jdbc;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.Workspace;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * The web side: background jobs (routes/pipeline/90-jobs.yaml, routes/api/jobs.yaml), the page fetcher, cited-page
 * analysis and brand profiles. Settings: {@code sightline.jobs.*}, {@code sightline.fetch.*},
 * {@code sightline.pages.*}, {@code sightline.simulator.web-latency}.
 */
public final class WebConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(WebConfiguration.class);
    static final String VERSION = "0.1";

    @BindToRegistry(value = "jobRepository", lazy = true)
    public JobRepository jobRepository(Jdbc jdbc) {
        return new JobRepository(jdbc);
    }

    @BindToRegistry(value = "pageRepository", lazy = true)
    public PageRepository pageRepository(Jdbc jdbc) {
        return new PageRepository(jdbc);
    }

    /** Retries of job items: {@code sightline.jobs.max-attempts}, backoff from {@code sightline.jobs.retry-delay}. */
    @BindToRegistry(value = "jobRetryPolicy", lazy = true)
    public JobRetry jobRetry(Config c) {
        return new JobRetry(new RetryPolicy(c.integer("sightline.jobs.max-attempts", 3, 1, 20),
                c.duration("sightline.jobs.retry-delay", Duration.ofSeconds(10)),
                c.duration("sightline.jobs.max-retry-delay", Duration.ofMinutes(5))));
    }

    /** Wraps the jobs' retry policy so it is never mistaken for the cells' one when beans are found by type. */
    public record JobRetry(RetryPolicy policy) {
    }

    @BindToRegistry(value = "webFetcher", lazy = true)
    public WebFetcher webFetcher(Config c, CamelContext ctx, ProviderRegistry providers, ImportedWorkspaces imported,
                                 WorkspaceRepository workspaces, Lifecycle lifecycle) {
        String contact = c.string("sightline.fetch.contact-url", "");
        if (!contact.isEmpty() && !contact.matches("^https?://\\S+$")) {
            throw new ConfigException("Invalid setting sightline.fetch.contact-url=" + contact
                    + ": expected an http(s) URL where site owners can reach you");
        }
        FetchSettings settings = new FetchSettings(FetchSettings.userAgent(VERSION, contact), "Sightline",
                c.integer("sightline.fetch.per-host", 2, 1, 2), consumers(c),
                c.duration("sightline.fetch.connect-timeout", Duration.ofSeconds(5)),
                c.duration("sightline.fetch.timeout", Duration.ofSeconds(15)),
                c.bool("sightline.fetch.allow-private", false),
                c.duration("sightline.fetch.robots-cache", Duration.ofHours(24)),
                pinned(c), simulatedWeb(c, ctx, providers, imported, workspaces));
        if (settings.allowPrivate()) {
            LOG.warn("sightline.fetch.allow-private=true: the page fetcher may connect to private and loopback "
                    + "addresses (for tests only)");
        }
        if (settings.simulatedWeb() != null) {
            LOG.info("Pages are fetched from the simulated web at {} (sightline.fetch.simulated)",
                    settings.simulatedWeb());
        }
        return lifecycle.opened(new WebFetcher(settings));
    }

    /** {@code sightline.fetch.resolve}: {@code host=address:port,...}, like curl's --resolve. */
    private static Map<String, InetSocketAddress> pinned(Config c) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        for (String entry : c.list("sightline.fetch.resolve")) {
            int eq = entry.indexOf('=');
            int colon = entry.lastIndexOf(':');
            try {
                if (eq <= 0 || colon < eq) {
                    throw new IllegalArgumentException();
                }
                String host = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                InetAddress address = InetAddress.getByName(entry.substring(eq + 1, colon).strip());
                int port = Integer.parseInt(entry.substring(colon + 1).strip());
                out.put(host, new InetSocketAddress(address, port));
            } catch (IllegalArgumentException | UnknownHostException e) {
                throw new ConfigException("Invalid setting sightline.fetch.resolve=" + c.string(
                        "sightline.fetch.resolve", "") + ": expected host=address:port entries, comma separated "
                        + "(got '" + entry + "')");
            }
        }
        return out;
    }

    /**
     * The simulator's origin when pages come from its simulated web: always with {@code sightline.fetch.simulated=true},
     * never with false, and with auto when every enabled provider is simulated (then every cited page is a simulated
     * one; with one real provider the real web is read).
     */
    private static URI simulatedWeb(Config c, CamelContext ctx, ProviderRegistry providers,
                                    ImportedWorkspaces imported, WorkspaceRepository workspaces) {
        String mode = c.string("sightline.fetch.simulated", "auto").toLowerCase(Locale.ROOT);
        boolean on = switch (mode) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> !providers.enabled().isEmpty() && providers.enabled().stream().allMatch(Provider::simulated);
            default -> throw new ConfigException("Invalid setting sightline.fetch.simulated=" + mode
                    + ": expected auto, true or false");
        };
        if (!on) {
            return null;
        }
        String shared = c.string("sightline.simulator.url", "");
        if (!shared.isEmpty()) {
            return URI.create(shared.replaceAll("/+$", ""));
        }
        Simulator sim = ctx.getRegistry().lookupByNameAndType("simulator", Simulator.class);
        if (sim == null) {
            throw new ConfigException("Invalid setting sightline.fetch.simulated=" + mode + ": the simulated web is "
                    + "served by the provider simulator, which is not running (no provider is simulated)");
        }
        sim.web().setLatency(c.duration("sightline.simulator.web-latency", Duration.ofMillis(150)));
        sim.web().setWorlds(() -> {
            List<SimWorld> worlds = new ArrayList<>();
            for (long id : imported.ids()) {
                Workspace w = workspaces.get(id);
                worlds.add(new SimWorld(w.category(), w.entities()));
            }
            return worlds;
        });
        return URI.create(sim.origin());
    }

    @BindToRegistry(value = "jobDispatcher", lazy = true)
    public JobDispatcher jobDispatcher(Config c, JobRepository jobs, dev.sightline.run.Dispatcher cells,
                                       Lifecycle lifecycle) {
        JobDispatcher d = new JobDispatcher(jobs, cells.node(), lease(c), consumers(c),
                c.integer("sightline.fetch.per-host", 2, 1, 2));
        lifecycle.drainFirst(d::stop);
        return d;
    }

    @BindToRegistry(value = "jobService", lazy = true)
    public JobService jobService(Config c, JobRepository jobs, PageRepository pages, RunRepository runs,
                                 WebFetcher fetcher) {
        return new JobService(jobs, List.of(
                new PageAnalysisKind(pages, jobs, runs, c.duration("sightline.pages.refresh", Duration.ofDays(7)),
                        c.integer("sightline.pages.max-per-job", 2000, 1, PageAnalysisKind.MAX_URLS)),
                new BrandProfileKind()), fetcher::readRobotsAhead);
    }

    @BindToRegistry(value = "jobOutcomes", lazy = true)
    public JobOutcomes jobOutcomes(JobRepository jobs, JobRetry retry) {
        return new JobOutcomes(jobs, retry.policy());
    }

    @BindToRegistry(value = "jobUpkeep", lazy = true)
    public JobUpkeep jobUpkeep(Config c, JobDispatcher dispatcher, JobRepository jobs, JobService service,
                               JobRetry retry) {
        return new JobUpkeep(dispatcher, jobs, service, retry.policy().maxAttempts(),
                c.bool("sightline.pages.enabled", false), lease(c));
    }

    @BindToRegistry(value = "pageWork", lazy = true)
    public PageWork pageWork(WebFetcher fetcher, JobDispatcher dispatcher, JobRepository jobs, PageRepository pages,
                             JobRetry retry, AnalysisBatches analysis) {
        return new PageWork(fetcher, dispatcher, jobs, pages, retry.policy(), analysis::analyzer);
    }

    /** The page readers' CPU priority (routes/pipeline/90-jobs.yaml, route page-read). */
    @BindToRegistry(value = "pageReaderPriority", lazy = true)
    public ThreadNice pageReaderPriority(Config c) {
        return readersNice(c);
    }

    @BindToRegistry(value = "profileWork", lazy = true)
    public ProfileWork profileWork(WebFetcher fetcher, Jdbc jdbc, JobDispatcher dispatcher, JobRepository jobs,
                                   WorkspaceRepository workspaces, JobRetry retry) {
        return new ProfileWork(new BrandProfiler(fetcher, jdbc), dispatcher, jobs, workspaces, retry.policy());
    }

    @BindToRegistry(value = "jobsApi", lazy = true)
    public JobsApi jobsApi(JobService service, JobRepository jobs, JobDispatcher dispatcher, Jdbc jdbc) {
        return new JobsApi(service, jobs, dispatcher, new EventLog(jdbc));
    }

    @BindToRegistry(value = "pagesApi", lazy = true)
    public PagesApi pagesApi(PageRepository pages, WorkspaceRepository workspaces) {
        return new PagesApi(pages, workspaces);
    }

    @BindToRegistry(value = "profileApi", lazy = true)
    public ProfileApi profileApi(Config c, JobRepository jobs, WorkspaceRepository workspaces) {
        return new ProfileApi(jobs, workspaces, c.list("sightline.workspace.file"));
    }

    /** The settings routes/pipeline/90-jobs.yaml reads as placeholders, checked before the routes start. */
    @Override
    public void configure(CamelContext ctx) {
        Config c = ctx.getRegistry().findSingleByType(Config.class);
        consumers(c);
        lease(c);
        Duration poll = c.duration("sightline.jobs.poll-interval", Duration.ofSeconds(1));
        if (poll.isZero()) {
            throw new ConfigException("Invalid setting sightline.jobs.poll-interval=0: use at least 1ms");
        }
        c.bool("sightline.pages.enabled", false);
        c.duration("sightline.pages.refresh", Duration.ofDays(7));
        c.integer("sightline.pages.readers", 2, 1, 64);
        readersNice(c);
    }

    private static ThreadNice readersNice(Config c) {
        return new ThreadNice("sightline.pages.readers-nice", c.integer("sightline.pages.readers-nice", 5, 0, 19));
    }

    private static int consumers(Config c) {
        return c.integer("sightline.fetch.max-concurrent", 16, 1, 512);
    }

    private static Duration lease(Config c) {
        Duration lease = c.duration("sightline.jobs.lease-duration", Duration.ofSeconds(60));
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new ConfigException("Invalid setting sightline.jobs.lease-duration=" + lease + ": at least 2s");
        }
        return lease;
    }
}
