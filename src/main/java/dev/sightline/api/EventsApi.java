package dev.sightline.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;

import dev.sightline.events.EventLog;
import dev.sightline.events.EventLog.Cursor;
import dev.sightline.events.EventScope;
import dev.sightline.events.Tickets;
import dev.sightline.run.RunRepository;
import dev.sightline.values.Rejection;

/**
 * Event streams before they open (routes/api/events.yaml): the stream handler ({@link EventStreams}) sends each
 * request through a route that authorises it like every endpoint, and this bean decides what it may stream. Also
 * {@code POST /api/events/tickets}.
 */
public final class EventsApi {

    /** Exchange property set by {@link EventStreams}: the payload field naming the thing a stream follows. */
    static final String SCOPE_KEY = "sightline.streamScopeKey";

    /**
     * What a stream that passed its checks shows: a scope, and where it starts (null: from now on).
     *
     * @param tokenId the token the stream was opened with (or that asked for its ticket); null: none known
     */
    public record Opening(EventScope scope, Cursor from, Long tokenId) {
    }

    /** Whether a thing of some kind (a run, a job...) is the workspace's. */
    public interface Owner {
        boolean owns(long workspaceId, long id);
    }

    private record Thing(String noun, Owner owner) {
    }

    private final EventLog log;
    private final Tickets tickets;
    private final Map<String, Thing> things = new ConcurrentHashMap<>();

    public EventsApi(RunRepository runs, EventLog log, Tickets tickets) {
        this.log = log;
        this.tickets = tickets;
        thing(EventScope.RUN, "run", (ws, id) -> runs.find(ws, id).isPresent());
    }

    /** Streams of one thing's events, by the payload field that names it ({@code runId}, {@code jobId}...). */
    public void thing(String key, String noun, Owner owner) {
        things.put(key, new Thing(noun, owner));
    }

    /** The stream's scope (an unknown run, or thing, is 404) and start (an id this server never gave out is 400). */
    public Opening open(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        EventScope scope = EventScope.workspace(ws);
        String key = ex.getProperty(SCOPE_KEY, String.class);
        if (key != null) {
            Thing thing = things.get(key);
            if (thing == null) {
                throw new IllegalStateException("no stream of " + key + " things is known");
            }
            long id = Http.id(ex, "id");
            if (!thing.owner().owns(ws, id)) {
                throw Rejection.notFound(thing.noun() + " " + id);
            }
            scope = EventScope.of(ws, key, id);
        }
        // EventSource sends Last-Event-ID when it reconnects; a client opening a new one with a ticket passes it in
        // the query
        String last = Http.header(ex, "Last-Event-ID");
        if (last == null) {
            last = Http.param(ex, "lastEventId");
        }
        Cursor from = null;
        if (last != null) {
            from = Cursor.parse(last, "Last-Event-ID");
            if (!log.issued(from)) {
                throw Rejection.invalid("Last-Event-ID", "Last-Event-ID '" + last + "' is not an event id of this "
                        + "server");
            }
        }
        return new Opening(scope, from, ApiAuth.token(ex));
    }

    /** A stream opened with {@code ?ticket=}: the ticket names the workspace, once. */
    public void redeemTicket(Exchange ex) {
        Tickets.Redeemed r = tickets.redeem(Http.param(ex, "ticket"));
        if (r.workspaceId() == null) {
            String why = switch (r.refusal()) {
                case USED -> "ticket was already used: ask POST /api/events/tickets for a new one";
                case EXPIRED -> "ticket expired: ask POST /api/events/tickets for a new one";
                case REVOKED -> "the token that asked for this ticket was revoked";
                case UNKNOWN -> "unknown ticket";
            };
            throw new ApiException(401, "unauthorized", "ticket", why);
        }
        ex.setProperty(ApiAuth.WORKSPACE, r.workspaceId());
        if (r.tokenId() != null) {
            ex.setProperty(ApiAuth.TOKEN, r.tokenId());
        }
    }

    /** {@code POST /api/events/tickets}: 201 {"ticket", "expiresAt", "expiresInSeconds"}. */
    public void createTicket(Exchange ex) {
        Tickets.Ticket t = tickets.create(ApiAuth.workspace(ex), ApiAuth.token(ex));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ticket", t.ticket());
        out.put("expiresAt", t.expiresAt());
        out.put("expiresInSeconds", tickets.ttl().toSeconds());
        Http.reply(ex, 201, out);
    }
}
