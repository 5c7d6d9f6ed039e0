package dev.sightline.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java steps of {@code routes/pipeline/80-webhooks.yaml}: claim due deliveries for this node's idle senders, fix
 * each one's body and sign it, and record what the receiver answered. A delivery is retried with backoff until it
 * is delivered or {@code sightline.webhooks.retry-for} has passed; a receiver that fails only ever delays its own
 * deliveries. Secrets live in memory only, for the webhooks of the files this node imported.
 */
public final class WebhookSender {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

    /** Exchange property: the {@link WebhookRepository.Claim} being sent. */
    public static final String DELIVERY = "sightline.webhookDelivery";
    private static final String STARTED = "sightline.webhookStartedNanos";
    public static final String SIGNATURE_HEADER = "Sightline-Signature";

    /** A webhook this node can sign for. */
    record Hook(long id, String url, byte[] secret) {
    }

    /** The lease of a delivery ended before its body was fixed: another node sends it now. */
    static final class LeaseLostException extends RuntimeException {
        LeaseLostException(long id) {
            super("lease of webhook delivery " + id + " was lost", null, false, false);
        }
    }

    private final WebhookRepository repository;
    private final WebhookBodies bodies;
    private final WebhookSettings settings;
    private final String node;
    private final Clock clock;
    private final Map<Long, Hook> hooks = new ConcurrentHashMap<>();
    private final AtomicInteger busy = new AtomicInteger();

    public WebhookSender(WebhookRepository repository, WebhookBodies bodies, WebhookSettings settings, String node,
                         Clock clock) {
        this.repository = repository;
        this.bodies = bodies;
        this.settings = settings;
        this.node = node;
        this.clock = clock;
    }

    void add(long id, String url, String secret) {
        hooks.put(id, new Hook(id, url, secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** The webhooks this node sends to (those of the workspace files it imported). */
    public List<Long> webhookIds() {
        return List.copyOf(hooks.keySet());
    }

    /** Due deliveries, as many as this node has idle senders. */
    public List<WebhookRepository.Claim> claim() {
        int free = settings.senders() - busy.get();
        if (free <= 0 || hooks.isEmpty()) {
            return List.of();
        }
        List<WebhookRepository.Claim> claimed = repository.claim(List.copyOf(hooks.keySet()), free, node,
                settings.lease());
        busy.addAndGet(claimed.size());
        return claimed;
    }

    /** Body: a claim. Becomes the signed request to the webhook's URL. */
    public void prepare(Exchange exchange) {
        WebhookRepository.Claim claim = exchange.getMessage().getBody(WebhookRepository.Claim.class);
        exchange.setProperty(DELIVERY, claim);
        Hook hook = hooks.get(claim.webhookId());
        String body = claim.body() != null ? claim.body()
                : repository.keepBody(claim, bodies.of(claim.eventId()))
                        .orElseThrow(() -> new LeaseLostException(claim.id()));
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        m.setHeader(Exchange.HTTP_URI, hook.url());
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader(SIGNATURE_HEADER, signature(hook.secret(), clock.instant().getEpochSecond(), body));
        m.setHeader("Sightline-Event", claim.eventType());
        m.setHeader("Sightline-Delivery", Long.toString(claim.id()));
        m.setBody(body);
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">} */
    public static String signature(byte[] secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] sig = mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The receiver answered: a 2xx delivers, anything else is retried. */
    public void answered(Exchange exchange) {
        WebhookRepository.Claim claim = exchange.getProperty(DELIVERY, WebhookRepository.Claim.class);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        boolean ok = status >= 200 && status < 300;
        record(exchange, claim, ok ? "delivered" : "retry", status, ok ? null : "HTTP " + status);
    }

    /** No answer (timeout, refused connection, refused address) or a step failed. */
    public void failed(Exchange exchange) {
        WebhookRepository.Claim claim = exchange.getProperty(DELIVERY, WebhookRepository.Claim.class);
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (claim == null || e instanceof LeaseLostException) {
            LOG.debug("Webhook delivery not sent: {}", e == null ? "?" : e.getMessage());
            return;
        }
        AddressPolicy.RefusedAddressException refused = refusedAddress(e);
        if (refused != null) {
            record(exchange, claim, "failed", null, refused.getMessage());
            return;
        }
        record(exchange, claim, "retry", null, e == null ? "unknown error" : e.getClass().getSimpleName() + ": "
                + e.getMessage());
    }

    /** Whatever happened, the sender is free again. */
    public void done(Exchange exchange) {
        busy.decrementAndGet();
    }

    private void record(Exchange exchange, WebhookRepository.Claim claim, String outcome, Integer status,
                        String error) {
        long started = exchange.getProperty(STARTED, System.nanoTime(), Long.class);
        long ms = (System.nanoTime() - started) / 1_000_000;
        Duration delay = settings.delay(claim.attempt(), ThreadLocalRandom.current().nextDouble());
        try {
            var now = repository.record(claim, outcome, status, error, delay, settings.retryFor(), node, ms);
            if (now.isEmpty()) {
                LOG.warn("Outcome of webhook delivery {} dropped: its lease ended, another node sends it now",
                        claim.id());
            } else if (now.get().equals("failed")) {
                LOG.warn("Webhook delivery {} ({}) failed after {} attempts: {}", claim.id(), claim.eventType(),
                        claim.attempt(), error);
            } else if (now.get().equals("pending")) {
                LOG.debug("Webhook delivery {} attempt {} failed, retry in {} ms: {}", claim.id(), claim.attempt(),
                        delay.toMillis(), error);
            }
        } catch (RuntimeException e) {
            LOG.warn("Recording webhook delivery {} failed: {}; its lease will expire and it is sent again",
                    claim.id(), e.getMessage());
        }
    }

    private static AddressPolicy.RefusedAddressException refusedAddress(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AddressPolicy.RefusedAddressException r) {
                return r;
            }
        }
        return null;
    }
}
