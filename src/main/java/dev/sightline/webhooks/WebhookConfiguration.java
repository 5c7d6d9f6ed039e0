package dev.sightline.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

import dev.sightline.config.Config;
import dev.sightline.config.Lifecycle;
import dev.sightline.metrics.MetricsRepository;
import dev.sightline.metrics.RunReport;
import dev.sightline.run.Dispatcher;
import dev.sightline.run.RunRepository;
import dev.sightline.store.Jdbc;
import dev.sightline.workspace.ImportedWorkspaces;
import dev.sightline.workspace.WorkspaceFile;

/**
 * Webhooks ({@code routes/pipeline/80-webhooks.yaml}): the webhooks of the imported workspace files, the sender that
 * any node runs over the outbox, and the HTTP connections webhooks go out on, whose resolver refuses private
 * addresses. Settings: {@code sightline.webhooks.*}.
 */
public final class WebhookConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "webhookSettings", lazy = true)
    public WebhookSettings webhookSettings(Config config) {
        return WebhookSettings.from(config);
    }

    @BindToRegistry(value = "webhookRepository", lazy = true)
    public WebhookRepository webhookRepository(Jdbc jdbc) {
        return new WebhookRepository(jdbc);
    }

    /** Stores the files' webhooks and keeps their secrets in memory for signing. */
    @BindToRegistry(value = "webhookSender", lazy = true)
    public WebhookSender webhookSender(Jdbc jdbc, WebhookRepository webhooks, WebhookSettings settings,
                                       ImportedWorkspaces imported, RunRepository runs, Dispatcher dispatcher) {
        WebhookBodies bodies = new WebhookBodies(webhooks, runs, new RunReport(new MetricsRepository(jdbc), runs));
        WebhookSender sender = new WebhookSender(webhooks, bodies, settings, dispatcher.node(), Clock.systemUTC());
        for (Map.Entry<Long, WorkspaceFile> e : imported.files().entrySet()) {
            List<WorkspaceFile.WebhookDef> defs = e.getValue().webhooks();
            if (!settings.allowPrivate()) {
                defs.forEach(d -> refuseLiteralPrivateHost(e.getValue().source(), d));
            }
            List<Long> ids = webhooks.sync(e.getKey(), defs);
            for (int i = 0; i < defs.size(); i++) {
                sender.add(ids.get(i), defs.get(i).url(), defs.get(i).secret());
            }
        }
        return sender;
    }

    /** The connections webhooks go out on: their own pool, timeouts and address policy. */
    @BindToRegistry(value = "webhookConnections", lazy = true)
    public PoolingHttpClientConnectionManager webhookConnections(WebhookSettings settings, Lifecycle lifecycle) {
        Timeout timeout = Timeout.of(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        return lifecycle.opened(PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new AddressPolicy(settings.allowPrivate()))
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                        .setSocketTimeout(timeout).build())
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeout).build())
                .setMaxConnTotal(50).setMaxConnPerRoute(4)
                .build());
    }

    /** Invalid settings stop the start, not the first delivery. */
    @Override
    public void configure(CamelContext ctx) {
        WebhookSettings.from(ctx.getRegistry().findSingleByType(Config.class));
    }

    /**
     * A URL naming a private address outright is refused at start; names are resolved and checked at every send
     * ({@link AddressPolicy}).
     */
    private static void refuseLiteralPrivateHost(String source, WorkspaceFile.WebhookDef d) {
        String host = URI.create(d.url()).getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean literal = bare.equalsIgnoreCase("localhost") || bare.matches("[0-9.]+") || bare.contains(":");
        if (!literal) {
            return;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(bare)) {
                String why = AddressPolicy.refusal(a);
                if (why != null) {
                    throw new WorkspaceFile.InvalidWorkspaceException(source + ": " + d.field() + ".url: " + host
                            + " is " + why + " address; webhooks go to public hosts unless "
                            + "sightline.webhooks.allow-private=true");
                }
            }
        } catch (UnknownHostException e) {
            throw new WorkspaceFile.InvalidWorkspaceException(source + ": " + d.field() + ".url: unknown host " + host);
        }
    }
}
