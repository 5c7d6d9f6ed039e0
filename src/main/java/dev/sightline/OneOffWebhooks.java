package dev.sightline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.camel.ProducerTemplate;

import dev.sightline.alerts.AlertChecks;
import dev.sightline.webhooks.WebhookRepository;
import dev.sightline.webhooks.WebhookSender;
import dev.sightline.webhooks.WebhookSettings;

/**
 * What a one-off owes its run's webhooks before it exits. A service checks an ended run for alerts and sends its
 * deliveries within a second or two; a one-off exits a tenth of a second after its run ends, so a deployment that
 * only runs {@code --once} or {@code --experiment} would send them during the next day's one-off. When the workspace
 * has webhooks, the one-off checks its run for alerts now and sends the run's deliveries
 * ({@code routes/pipeline/80-webhooks.yaml}), waiting at most {@code sightline.webhooks.timeout} and a second. A
 * delivery that fails stays in the outbox for its retry by the next node, as any delivery does. Without webhooks, or
 * once the one-off is interrupted, this does nothing.
 */
final class OneOffWebhooks {

    private static final Duration POLL = Duration.ofMillis(50);

    private final SightlineApp app;

    OneOffWebhooks(SightlineApp app) {
        this.app = app;
    }

    void send(PrintStream out, long runId, BooleanSupplier interrupted) throws InterruptedException {
        List<Long> hooks = app.bean(WebhookSender.class).webhookIds();
        if (hooks.isEmpty() || interrupted.getAsBoolean()) {
            return;
        }
        long deadline = System.nanoTime() + app.bean(WebhookSettings.class).timeout().plusSeconds(1).toNanos();
        // every ended run not checked yet, the oldest first: this run among them
        AlertChecks checks = app.bean(AlertChecks.class);
        int checked;
        do {
            checked = checks.checkDue(); // a few runs a call
        } while (checked > 0 && System.nanoTime() < deadline && !interrupted.getAsBoolean());
        WebhookRepository deliveries = app.bean(WebhookRepository.class);
        WebhookRepository.RunDeliveries d = deliveries.runDeliveries(hooks, runId);
        ProducerTemplate send = app.context().createProducerTemplate();
        try {
            while (d.due() > 0 && System.nanoTime() < deadline && !interrupted.getAsBoolean()) {
                send.sendBody("direct:send-due-webhooks", null);
                Thread.sleep(POLL.toMillis());
                d = deliveries.runDeliveries(hooks, runId);
            }
        } finally {
            send.stop();
        }
        if (d.delivered() + d.failed() + d.retrying() + d.due() > 0) {
            out.printf("%nWebhooks of run %d: %d delivered, %d waiting for a retry, %d failed, %d still sending%n",
                    runId, d.delivered(), d.retrying(), d.failed(), d.due());
        }
    }
}
