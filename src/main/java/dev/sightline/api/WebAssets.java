package dev.sightline.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The dashboard: the static files under {@code web/} in the jar, served at {@code /} (everything outside
 * {@code /api}). Only names of letters, digits, dots, dashes and slashes, never {@code ..}; nothing from the
 * working folder. The pages call the same JSON API as any client, with the token the user signs in with.
 */
public final class WebAssets implements Handler<RoutingContext> {

    private static final Pattern SAFE = Pattern.compile("^[A-Za-z0-9_\\-./]+$");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png",
            "ico", "image/x-icon", "txt", "text/plain; charset=utf-8", "json", "application/json");
    /** The pages run only their own scripts and talk only to this server. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    private final Map<String, Buffer> files = new ConcurrentHashMap<>();

    public void mount(Router router) {
        router.getWithRegex("^/(?!api(/|$)).*").handler(this);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.endsWith("/")) {
            path = path + "index.html";
        }
        path = path.substring(1);
        Buffer file = null;
        if (SAFE.matcher(path).matches() && !path.contains("..")) {
            // only files that exist are kept: the jar's, a bounded set (misses would let any client grow the map)
            file = files.get(path);
            if (file == null) {
                file = load(path);
                if (file != null) {
                    files.put(path, file);
                }
            }
        }
        if (file == null) {
            // not a page of the dashboard: the next route (GET /metrics), else the JSON 404 every layer answers
            ctx.next();
            return;
        }
        var resp = ctx.response();
        resp.putHeader("X-Content-Type-Options", "nosniff");
        String ext = path.substring(path.lastIndexOf('.') + 1);
        resp.putHeader("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"))
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("Referrer-Policy", "no-referrer")
                .end(file);
    }

    private static Buffer load(String path) {
        try (InputStream in = WebAssets.class.getClassLoader().getResourceAsStream("web/" + path)) {
            return in == null ? null : Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            return null;
        }
    }
}
