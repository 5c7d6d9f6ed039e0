package dev.sightline.events;

import java.time.Duration;
import java.util.List;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import dev.sightline.api.EventStreams;
import dev.sightline.jobs.JobRepository;
import dev.sightline.api.EventsApi;
import dev.sightline.api.WebAssets;
import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;
import dev.sightline.config.Lifecycle;
import dev.sightline.metrics.MetricsRepository;
import dev.sightline.run.RunRepository;
import dev.sightline.store.Database;
import dev.sightline.store.Jdbc;

/**
 * Event streams and the dashboard: the node's event reader ({@link EventHub}), tickets, the stream handler and the
 * static pages, mounted on the HTTP server once Camel has started it. Settings: {@code sightline.events.*}.
 */
public final class EventsConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "eventLog", lazy = true)
    public EventLog eventLog(Jdbc jdbc) {
        return new EventLog(jdbc);
    }

    @BindToRegistry(value = "eventHub", lazy = true)
    public EventHub eventHub(Config config, EventLog log, RunRepository runs, Jdbc jdbc, Database database,
                             Lifecycle lifecycle) {
        EventHub.Settings s = new EventHub.Settings(
                positive(config, "sightline.events.poll-interval", Duration.ofSeconds(1)),
                positive(config, "sightline.events.progress-interval", Duration.ofMillis(500)),
                positive(config, "sightline.events.keep-alive", Duration.ofSeconds(15)),
                config.integer("sightline.events.client-buffer", 1000, 10, 1_000_000), 500);
        // features with events of their own (jobs, experiments) add their derivation to this list
        EventHub.Derivation derived = EventHub.Derivation.all(List.of(new RunEvents(runs, new MetricsRepository(jdbc))));
        return lifecycle.opened(new EventHub(log, derived, s, () -> database.connect("sightline-events")));
    }

    @BindToRegistry(value = "eventTickets", lazy = true)
    public Tickets tickets(Config config, Jdbc jdbc) {
        return new Tickets(jdbc, positive(config, "sightline.events.ticket-ttl", Duration.ofSeconds(30)));
    }

    @BindToRegistry(value = "eventsApi", lazy = true)
    public EventsApi eventsApi(RunRepository runs, EventLog log, Tickets tickets) {
        return new EventsApi(runs, log, tickets);
    }

    @BindToRegistry(value = "eventStreams", lazy = true)
    public EventStreams eventStreams(Config config, CamelContext ctx, EventHub hub, Lifecycle lifecycle,
                                     dev.sightline.workspace.TokenService tokens) {
        return lifecycle.opened(new EventStreams(ctx, hub, 8,
                config.integer("sightline.events.max-streams", 5000, 1, 1_000_000), tokens));
    }

    /** Once the HTTP server runs: start reading events, mount the streams and the dashboard. */
    @Override
    public void configure(CamelContext ctx) throws Exception {
        ctx.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // mounted when fully started, below
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                VertxPlatformHttpRouter router = context.getRegistry().findByType(VertxPlatformHttpRouter.class)
                        .stream().filter(VertxPlatformHttpRouter::isMainServer).findFirst().orElse(null);
                if (router == null) {
                    return; // no HTTP server (camel.server.enabled=false): nobody to stream to
                }
                EventHub hub = context.getRegistry().findSingleByType(EventHub.class);
                hub.start();
                EventStreams streams = context.getRegistry().findSingleByType(EventStreams.class);
                streams.mount(router);
                JobRepository jobs = context.getRegistry().lookupByNameAndType("jobRepository", JobRepository.class);
                if (jobs != null) {
                    // GET /api/jobs/{id}/events: the job's events as a stream, or as JSON pages (polling) to
                    // clients that do not accept text/event-stream
                    context.getRegistry().findSingleByType(EventsApi.class).thing("jobId", "job",
                            (ws, id) -> jobs.find(ws, id).isPresent());
                    streams.streamOrPoll(router, "/api/jobs/:id/events", "jobId");
                }
                new WebAssets().mount(router);
            }
        });
    }

    private static Duration positive(Config config, String key, Duration def) {
        Duration d = config.duration(key, def);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException("Invalid setting " + key + "=" + d + ": must be positive");
        }
        return d;
    }
}
