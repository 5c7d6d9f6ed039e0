package dev.sightline.http;

import java.util.Set;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.values.Text;

/**
 * Errors the HTTP server answers before a request reaches a route (no such path, wrong method, body too large,
 * malformed request line or headers, a body on a GET), in the API's JSON error shape. A client's mistake is not
 * logged above DEBUG and never with a stack trace; an error of the server's own is logged once, with its trace.
 */
final class ErrorPages {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);
    private static final Set<HttpMethod> NO_BODY = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE,
            HttpMethod.OPTIONS, HttpMethod.TRACE);

    private final HttpLimits limits;

    ErrorPages(HttpLimits limits) {
        this.limits = limits;
    }

    /** Every error status the router may end a request with is answered here. */
    void install(Router root) {
        for (int status = 400; status < 600; status++) {
            root.errorHandler(status, this::routingFailed);
        }
    }

    /**
     * A body where none belongs, or a form: Camel's body handler fails on a form body of a GET with a server
     * error, and turns form fields into message headers beside the HTTP headers. The API takes JSON only.
     */
    boolean refusedBody(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean body = req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || length != null && !length.strip().equals("0");
        if (body && NO_BODY.contains(req.method())) {
            send(req, 400, "invalid_request", "a " + req.method() + " request must not have a body", true);
            return true;
        }
        String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && (type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
                || type.regionMatches(true, 0, "multipart/", 0, 10))) {
            send(req, 415, "unsupported_media_type", "the request body must be JSON (Content-Type: application/json)",
                    true);
            return true;
        }
        return false;
    }

    /** The server's handler for requests its decoder could not read: request line or headers too long, garbage. */
    void invalidRequest(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        if (cause instanceof TooLongHttpLineException) {
            send(req, 414, "uri_too_long", "the request line is longer than " + limits.maxRequestLine()
                    + " bytes (sightline.http.max-request-line)", true);
        } else if (cause instanceof TooLongHttpHeaderException) {
            send(req, 431, "headers_too_large", "the request headers are larger than " + limits.maxHeaderSize()
                    + " bytes (sightline.http.max-header-size)", true);
        } else {
            // the decoder's message quotes the offending header value, which may be a credential: never echoed
            boolean character = cause != null && cause.getMessage() != null
                    && cause.getMessage().contains("prohibited character");
            send(req, 400, "invalid_request", character
                    ? "malformed HTTP request: a header value holds a character HTTP does not allow (such as NUL)"
                    : "malformed HTTP request line or headers", true);
        }
        LOG.debug("Unreadable HTTP request from {}: {}", client(req), cause == null ? "?" : cause.getClass().getSimpleName());
    }

    private void routingFailed(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
        String where = req.method() + " " + req.path();
        String message = switch (status) {
            case 404 -> "no endpoint " + where;
            case 405 -> "method " + req.method() + " is not allowed on " + req.path();
            case 413 -> "the request body is larger than " + limits.maxBodySize() + " bytes (camel.server.max-body-size)";
            default -> status >= 500 ? "internal error" : detail(ctx.failure(), status);
        };
        if (status >= 500) {
            LOG.error("HTTP {} {} failed", status, Text.quote(where, 200), ctx.failure());
        } else {
            LOG.debug("HTTP {} {} from {}", status, Text.quote(where, 200), client(req));
        }
        send(req, status, ErrorBody.code(status), message, false);
    }

    private static String detail(Throwable failure, int status) {
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root == null ? null : root.getMessage();
        return status == 400 ? "malformed request" + (m == null ? "" : ": " + m) : "request refused (HTTP " + status + ")";
    }

    /** The JSON error; closing the connection when what is left of the request cannot be trusted or read. */
    private static void send(HttpServerRequest req, int status, String code, String message, boolean close) {
        HttpServerResponse res = req.response();
        if (res.headWritten()) {
            req.connection().close();
            return;
        }
        res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (close) {
            res.putHeader(HttpHeaders.CONNECTION, "close");
        }
        res.end(ErrorBody.json(status, code, message, null)).onComplete(ar -> {
            if (close) {
                req.connection().close();
            }
        });
    }

    private String client(HttpServerRequest req) {
        return limits.clients().of(req);
    }
}
