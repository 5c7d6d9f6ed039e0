package dev.sightline.events;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import dev.sightline.store.Jdbc;
import dev.sightline.workspace.WorkspaceRepository;

/**
 * Short-lived single-use tickets that open one event stream, for browsers (an EventSource cannot send an
 * Authorization header, and a long-lived token must never be in a URL). Stored hashed, in the database, so a
 * ticket taken from one node opens a stream on any other.
 */
public final class Tickets {

    public record Ticket(String ticket, Instant expiresAt) {
    }

    /** Why a ticket opens nothing. */
    public enum Refusal { UNKNOWN, USED, EXPIRED, REVOKED }

    /** A redeemed ticket's workspace and the token that asked for it (null for tickets from before V26). */
    public record Redeemed(Long workspaceId, Long tokenId, Refusal refusal) {
    }

    private static final String INSERT = """
            INSERT INTO event_ticket (hash, workspace_id, token_id, expires_at)
            VALUES (?, ?, ?, now() + make_interval(secs => ?))
            RETURNING expires_at""";
    private static final String PURGE = "DELETE FROM event_ticket WHERE expires_at < now() - interval '1 hour'";
    private static final String REDEEM = """
            UPDATE event_ticket e SET used_at = now()
             WHERE hash = ? AND used_at IS NULL AND expires_at > now()
               AND NOT EXISTS (SELECT 1 FROM api_token t WHERE t.id = e.token_id AND t.revoked_at IS NOT NULL)
            RETURNING workspace_id, token_id""";
    private static final String STATE = """
            SELECT e.used_at IS NOT NULL AS used,
                   EXISTS (SELECT 1 FROM api_token t WHERE t.id = e.token_id AND t.revoked_at IS NOT NULL) AS revoked
              FROM event_ticket e WHERE hash = ?""";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;
    private final Duration ttl;

    public Tickets(Jdbc jdbc, Duration ttl) {
        this.jdbc = jdbc;
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A ticket for the workspace, asked for by the token {@code tokenId} (whose revocation ends its stream). */
    public Ticket create(long workspaceId, Long tokenId) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String ticket = "tk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        jdbc.update(PURGE);
        Instant expires = jdbc.queryOne(INSERT, rs -> Jdbc.instant(rs, "expires_at"),
                WorkspaceRepository.textHash(ticket), workspaceId, tokenId, ttl.toMillis() / 1000.0).orElseThrow();
        return new Ticket(ticket, expires);
    }

    /**
     * The ticket's workspace, once: a second use, one after it expired, or one whose token was revoked since it asked
     * for the ticket, is refused with the reason.
     */
    public Redeemed redeem(String ticket) {
        if (ticket == null || ticket.length() > 100) {
            return new Redeemed(null, null, Refusal.UNKNOWN);
        }
        String hash = WorkspaceRepository.textHash(ticket);
        Optional<Redeemed> ok = jdbc.queryOne(REDEEM, rs -> new Redeemed(rs.getLong("workspace_id"),
                (Long) rs.getObject("token_id"), null), hash);
        if (ok.isPresent()) {
            return ok.get();
        }
        return jdbc.queryOne(STATE, rs -> rs.getBoolean("used") ? Refusal.USED
                        : rs.getBoolean("revoked") ? Refusal.REVOKED : Refusal.EXPIRED, hash)
                .map(why -> new Redeemed(null, null, why))
                .orElse(new Redeemed(null, null, Refusal.UNKNOWN));
    }
}
