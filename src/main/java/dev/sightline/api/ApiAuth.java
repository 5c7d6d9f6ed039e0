package dev.sightline.api;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import dev.sightline.workspace.TokenService;

/**
 * Every API route except health starts here: {@code Authorization: Bearer <token>} names the caller's workspace,
 * and every query after this is scoped to it. Another workspace's ids answer 404, never 403, so ids don't leak.
 */
public final class ApiAuth {

    public static final String WORKSPACE = "sightline.workspaceId";

    private final TokenService tokens;

    public ApiAuth(TokenService tokens) {
        this.tokens = tokens;
    }

    public void authenticate(Exchange ex) {
        // the request's own header: platform-http also turns query parameters into message headers, and a token must
        // never be taken from a URL (URLs end up in logs, histories and proxies)
        String header = ex.getMessage() instanceof HttpMessage http ? http.getRequest().getHeader("Authorization")
                : Http.param(ex, "Authorization");
        // the credential is needed only here; it must not travel further with the exchange
        ex.getMessage().removeHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "unauthorized", "Authorization",
                    "missing bearer token: send Authorization: Bearer <token>");
        }
        long ws = tokens.authenticate(header.substring(7).strip())
                .orElseThrow(() -> new ApiException(401, "unauthorized", "Authorization", "invalid or revoked token"));
        ex.setProperty(WORKSPACE, ws);
    }

    public static long workspace(Exchange ex) {
        Long ws = ex.getProperty(WORKSPACE, Long.class);
        if (ws == null) {
            throw new IllegalStateException("route did not authenticate");
        }
        return ws;
    }
}
