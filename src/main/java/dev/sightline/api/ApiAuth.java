package dev.sightline.api;

import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import dev.sightline.workspace.TokenService;

/**
 * Every API route except health starts here (after {@link ApiRequest}): the HTTP header
 * {@code Authorization: Bearer <token>}, and nothing else, names the caller's workspace, and every query after this
 * is scoped to it. Another workspace's ids answer 404, never 403, so ids don't leak. Failed attempts are counted
 * per client address and slowed ({@link AuthFailures}). A read-only token ({@code access: read}) is answered 403 for
 * whatever does not only read ({@link #reads}).
 */
public final class ApiAuth {

    public static final String WORKSPACE = "sightline.workspaceId";
    public static final String TOKEN = "sightline.tokenId";

    private final TokenService tokens;
    private final AuthFailures failures;

    ApiAuth(TokenService tokens, AuthFailures failures) {
        this.tokens = tokens;
        this.failures = failures;
    }

    public void authenticate(Exchange ex) {
        ApiRequest request = ApiRequest.of(ex);
        String client = request.client();
        failures.check(client);
        String header = request.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            failures.failed(client, "no bearer token");
            throw new ApiException(401, "unauthorized", "Authorization",
                    "missing bearer token: send Authorization: Bearer <token>");
        }
        Optional<TokenService.Caller> caller = tokens.caller(header.substring(7).strip());
        if (caller.isEmpty()) {
            failures.failed(client, "invalid or revoked token");
            throw new ApiException(401, "unauthorized", "Authorization", "invalid or revoked token");
        }
        if (caller.get().access() == TokenService.Access.READ && !reads(request, ex.getFromRouteId())) {
            throw new ApiException(403, "forbidden", "Authorization", "this token may only read (access: read): "
                    + request.method() + " needs a token with full access");
        }
        ex.setProperty(WORKSPACE, caller.get().workspaceId());
        ex.setProperty(TOKEN, caller.get().tokenId());
    }

    /**
     * Whether a request only reads, as a read-only token may: GET and HEAD, and the POST routes that change nothing
     * stored (an event ticket, which only opens a stream; {@code POST /api/analyze}, which analyses the text it is
     * sent). Every other request, and any route added later, needs full access unless it is named here.
     */
    static boolean reads(ApiRequest request, String routeId) {
        String method = request.method();
        return method.equals("GET") || method.equals("HEAD") || READING_ROUTES.contains(routeId);
    }

    private static final java.util.Set<String> READING_ROUTES = java.util.Set.of("events-ticket", "analyze");

    /** The id of the token the request was authorised by (an event ticket's: the token that asked for it). */
    public static Long token(Exchange ex) {
        return ex.getProperty(TOKEN, Long.class);
    }

    /** Whether the request carries credentials at all (health shows details only to a caller who does). */
    static boolean presented(Exchange ex) {
        return ApiRequest.of(ex).header("Authorization") != null;
    }

    public static long workspace(Exchange ex) {
        Long ws = ex.getProperty(WORKSPACE, Long.class);
        if (ws == null) {
            throw new IllegalStateException("route did not authenticate");
        }
        return ws;
    }
}
