package dev.sightline.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import dev.sightline.values.Json;
import dev.sightline.values.Rejection;
import dev.sightline.workspace.TokenService;

/**
 * {@code /api/tokens}: create (the clear token is shown once; {@code access} {@code full}, the default, or
 * {@code read}), list and revoke the workspace's tokens.
 */
public final class TokensApi {

    private final TokenService tokens;

    public TokensApi(TokenService tokens) {
        this.tokens = tokens;
    }

    public void create(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        JsonNode body = Body.object(ex, Set.of("name", "access"));
        String name = Body.text(body, "name", false);
        if (name == null || name.isBlank()) {
            name = "api";
        }
        if (name.length() > 100 || name.indexOf('\0') >= 0) {
            throw Rejection.invalid("name", "name must be at most 100 characters, without NUL");
        }
        String label = Body.text(body, "access", false);
        TokenService.Access access = label == null ? TokenService.Access.FULL : TokenService.Access.of(label)
                .orElseThrow(() -> Rejection.invalid("access", "access must be \"full\" or \"read\""));
        TokenService.NewToken t = tokens.create(ws, name.strip(), access);
        Map<String, Object> out = view(t.info());
        out.put("token", t.token());
        Http.reply(ex, 201, out);
    }

    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Http.reply(ex, 200, Map.of("tokens", tokens.list(ws).stream().map(TokensApi::view).toList()));
    }

    public void revoke(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        long id = Http.id(ex, "id");
        if (!tokens.revoke(ws, id)) {
            throw Rejection.notFound("token " + id);
        }
        Http.replyText(ex, 204, "application/json", "");
    }

    static Map<String, Object> view(TokenService.TokenInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("prefix", t.prefix());
        m.put("access", t.access().label());
        m.put("createdAt", t.createdAt());
        m.put("lastUsedAt", t.lastUsedAt());
        m.put("revokedAt", t.revokedAt());
        return m;
    }
}
