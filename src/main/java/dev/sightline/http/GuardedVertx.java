package dev.sightline.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;
import io.vertx.ext.web.Router;

/**
 * The Vert.x instance Camel's platform-http server runs on (Camel takes a {@code Vertx} from the registry). Camel
 * 4.18 creates its HTTP server with default options and offers no hook for them, so the server is created here:
 * with {@link HttpLimits}, the connection guard ({@link Connections}) as its connection handler, JSON answers for
 * requests its decoder refuses, and, on the root router Camel installs, the guard's first handler and JSON error
 * pages for whatever the router refuses ({@link ErrorPages}).
 */
final class GuardedVertx extends VertxWrapper {

    private final HttpLimits limits;
    private final Connections connections;
    private final ErrorPages errors;

    private GuardedVertx(VertxInternal delegate, HttpLimits limits) {
        super(delegate);
        this.limits = limits;
        this.connections = new Connections(limits);
        this.errors = new ErrorPages(limits);
    }

    static GuardedVertx create(HttpLimits limits) {
        return new GuardedVertx((VertxInternal) Vertx.vertx(new VertxOptions()), limits);
    }

    Connections connections() {
        return connections;
    }

    @Override
    public HttpServer createHttpServer() {
        return createHttpServer(new HttpServerOptions());
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions options) {
        HttpServer server = new HttpServerImpl(delegate, limits.apply(options)) {
            @Override
            public synchronized HttpServer requestHandler(Handler<HttpServerRequest> handler) {
                if (handler instanceof Router root) {
                    guard(root);
                }
                return super.requestHandler(handler);
            }
        };
        connections.sweepWith(this);
        return server.connectionHandler(connections::opened).invalidRequestHandler(errors::invalidRequest);
    }

    /** Before any of Camel's routes: the connection's request has begun; a body where none belongs is refused. */
    private void guard(Router root) {
        root.route().order(Integer.MIN_VALUE).handler(ctx -> {
            connections.requestStarted(ctx);
            if (!errors.refusedBody(ctx)) {
                ctx.next();
            }
        }).failureHandler(ctx -> {
            // the connection closed while its request was read (by the client, or by the guard): there is nobody to
            // answer, and the guard's summary line has counted what it closed; Vert.x would log a stack trace each
            if (!(ctx.failure() instanceof io.vertx.core.http.HttpClosedException)) {
                ctx.next();
            }
        });
        errors.install(root);
    }
}
