package dev.sightline.workspace;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import dev.sightline.store.Jdbc;

/**
 * API tokens. Each belongs to one workspace and is stored only as its SHA-256 hash; the clear token is shown
 * once, when it is created.
 */
public final class TokenService {

    public record TokenInfo(long id, String name, String prefix, Access access, Instant createdAt,
                            Instant lastUsedAt, Instant revokedAt) {
    }

    /** What a token may do: everything, or read (see {@code dev.sightline.api.ApiAuth}). */
    public enum Access {
        FULL, READ;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The access a label names ({@code full}, {@code read}), or empty. */
        public static Optional<Access> of(String label) {
            for (Access a : values()) {
                if (a.label().equals(label)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    public record NewToken(TokenInfo info, String token) {
    }

    private static final String INSERT = """
            INSERT INTO api_token (workspace_id, name, token_hash, prefix, access, shown_at) VALUES (?, ?, ?, ?, ?, now())
            ON CONFLICT (token_hash) DO NOTHING
            RETURNING id, name, prefix, access, created_at, last_used_at, revoked_at""";
    private static final String FIND = """
            UPDATE api_token SET last_used_at = now()
             WHERE token_hash = ? AND revoked_at IS NULL
            RETURNING id, workspace_id, access""";
    private static final String LIVE = "SELECT id FROM api_token WHERE id = ANY (?::bigint[]) AND revoked_at IS NULL";
    private static final String LIST = """
            SELECT id, name, prefix, access, created_at, last_used_at, revoked_at FROM api_token
             WHERE workspace_id = ? ORDER BY id""";
    private static final String REVOKE = """
            UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = ? AND workspace_id = ?""";
    private static final String ANY_SHOWN = """
            SELECT EXISTS (SELECT 1 FROM api_token
                            WHERE workspace_id = ? AND revoked_at IS NULL AND shown_at IS NOT NULL)""";
    private static final String OWNER_OF_HASH = "SELECT workspace_id FROM api_token WHERE token_hash = ?";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;

    public TokenService(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public NewToken create(long workspaceId, String name) {
        return create(workspaceId, name, Access.FULL);
    }

    public NewToken create(long workspaceId, String name, Access access) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String token = "sl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new NewToken(store(workspaceId, name, token, access).orElseThrow(), token);
    }

    /** Seeds a token chosen by the operator ({@code sightline.api.bootstrap-token}); idempotent. */
    public void ensure(long workspaceId, String name, String token) {
        String hash = hash(token);
        Optional<Long> owner = jdbc.queryOne(OWNER_OF_HASH, rs -> rs.getLong(1), hash);
        if (owner.isPresent()) {
            if (owner.get() != workspaceId) {
                throw new dev.sightline.config.ConfigException("Invalid setting sightline.api.bootstrap-token: "
                        + "the token already belongs to another workspace");
            }
            return;
        }
        store(workspaceId, name, token, Access.FULL);
    }

    private Optional<TokenInfo> store(long workspaceId, String name, String token, Access access) {
        return jdbc.queryOne(INSERT, TokenService::info, workspaceId, name, hash(token), prefix(token), access.label());
    }

    /**
     * What GET /api/tokens shows of a token to tell it apart: its first 8 characters, but never more than a quarter of
     * it (an operator's 16-character bootstrap token would otherwise show half of its secret).
     */
    static String prefix(String token) {
        return token.substring(0, Math.min(8, token.length() / 4));
    }

    /** Who presents a valid token: the token, its workspace and what it may do. */
    public record Caller(long tokenId, long workspaceId, Access access) {
    }

    /** The workspace a token belongs to, if it is valid and not revoked. */
    public Optional<Long> authenticate(String token) {
        return caller(token).map(Caller::workspaceId);
    }

    /** The token and its workspace, if it is valid and not revoked. */
    public Optional<Caller> caller(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        return jdbc.queryOne(FIND, rs -> new Caller(rs.getLong("id"), rs.getLong("workspace_id"),
                Access.of(rs.getString("access")).orElseThrow()), hash(token));
    }

    /** Of these tokens, the ones that are not revoked. */
    public java.util.Set<Long> live(java.util.Collection<Long> tokenIds) {
        if (tokenIds.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.query(LIVE, rs -> rs.getLong(1), List.copyOf(tokenIds)));
    }

    public List<TokenInfo> list(long workspaceId) {
        return jdbc.query(LIST, TokenService::info, workspaceId);
    }

    public boolean revoke(long workspaceId, long tokenId) {
        return jdbc.update(REVOKE, tokenId, workspaceId) == 1;
    }

    /** Whether the workspace has a live token that was ever shown to a person (printed, or answered by the API). */
    public boolean hasShownToken(long workspaceId) {
        return jdbc.queryOne(ANY_SHOWN, rs -> rs.getBoolean(1), workspaceId).orElse(false);
    }

    static String hash(String token) {
        return WorkspaceRepository.textHash(token);
    }

    private static TokenInfo info(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new TokenInfo(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"),
                Access.of(rs.getString("access")).orElseThrow(), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "last_used_at"), Jdbc.instant(rs, "revoked_at"));
    }
}
