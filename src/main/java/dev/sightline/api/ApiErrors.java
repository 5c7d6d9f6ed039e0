package dev.sightline.api;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.http.ErrorBody;
import dev.sightline.store.Jdbc;
import dev.sightline.values.Rejection;

/** Renders any exception an API route throws as a JSON error: the right status, never a stack trace. */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    public void render(Exchange ex) {
        Throwable t = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Rejection api = find(t);
        if (api == null) {
            if (isDatabaseDown(t)) {
                api = new ApiException(503, "database_unavailable", null,
                        "the database is unavailable; try again shortly");
            } else {
                LOG.error("API request {} failed", ex.getExchangeId(), t);
                api = new ApiException(500, "internal_error", null,
                        "internal error (reference " + ex.getExchangeId() + ")");
            }
        }
        int status = ApiException.statusOf(api);
        Http.reply(ex, status, ErrorBody.of(status, api.code(), api.getMessage(), api.field()));
        if (api instanceof ApiException a && a.retryAfterSeconds() != null) {
            ex.getMessage().setHeader("Retry-After", a.retryAfterSeconds().toString());
        } else if (status == 503) {
            ex.getMessage().setHeader("Retry-After", "5");
        }
    }

    private static Rejection find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Rejection a) {
                return a;
            }
        }
        return null;
    }

    static boolean isDatabaseDown(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLTransientConnectionException || c instanceof java.net.ConnectException) {
                return true;
            }
            if (c instanceof Jdbc.DataAccessException d && d.sqlState() != null && d.sqlState().startsWith("08")) {
                return true;
            }
            if (c instanceof java.sql.SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
