package dev.sightline.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;

import dev.sightline.experiment.Datasets;
import dev.sightline.values.Rejection;

/**
 * {@code /api/datasets}: upload (CSV or a JSON array, read as it streams in), list, read, page the rows. The upload's
 * route (routes/api/experiments.yaml) leaves the body unread ({@code useBodyHandler=false}), so this bean gets the
 * connection's stream, not a buffered copy, and the API's 1 MB body limit does not apply: the dataset limits do.
 */
public final class DatasetsApi {

    /** A client that sends nothing for this long loses its upload. */
    private static final long IDLE_MILLIS = 60_000;

    private final Datasets datasets;

    public DatasetsApi(Datasets datasets) {
        this.datasets = datasets;
    }

    /** {@code POST /api/datasets?name=} with {@code Content-Type: text/csv} or {@code application/json}: 201. */
    public void upload(Exchange ex) throws IOException {
        long ws = ApiAuth.workspace(ex);
        Object body = ex.getMessage().getBody();
        InputStream in = body instanceof HttpServerRequest r ? new RequestBodyStream(r, IDLE_MILLIS)
                : ex.getMessage().getBody(InputStream.class);
        try (InputStream stream = in == null ? InputStream.nullInputStream() : in) {
            // name and content type are checked before a byte of the body is read
            String name = Http.param(ex, "name");
            String format = format(contentType(ex));
            if (name == null) {
                throw Rejection.invalid("name", "name (a query parameter) is required: POST /api/datasets?name=...");
            }
            Datasets.Dataset d = datasets.importFrom(ws, name, format, stream);
            Http.reply(ex, 201, view(d));
            ex.getMessage().setHeader("Location", "/api/datasets/" + d.id());
        }
    }

    public void list(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        int limit = Http.intParam(ex, "limit", 100, 1, 1000);
        Http.reply(ex, 200, Map.of("datasets", datasets.list(ws, limit).stream().map(DatasetsApi::view).toList()));
    }

    public void get(Exchange ex) {
        Http.reply(ex, 200, view(find(ex)));
    }

    /** {@code GET /api/datasets/{id}/rows?limit=&after=}: rows after the index {@code after}, in order. */
    public void rows(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Datasets.Dataset d = find(ex);
        int limit = Http.intParam(ex, "limit", 100, 1, 1000);
        int after = Http.intParam(ex, "after", -1, -1, Integer.MAX_VALUE);
        List<Datasets.Row> rows = datasets.rows(ws, d.id(), after, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("datasetId", d.id());
        out.put("columns", d.columns());
        out.put("rows", rows.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", r.index());
            m.put("data", r.data());
            m.put("checksum", r.checksum());
            return m;
        }).toList());
        out.put("nextAfter", rows.size() == limit ? rows.get(rows.size() - 1).index() : null);
        Http.reply(ex, 200, out);
    }

    private Datasets.Dataset find(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        long id = Http.id(ex, "id");
        return datasets.find(ws, id).orElseThrow(() -> Rejection.notFound("dataset " + id));
    }

    /** The request's own Content-Type header (a query parameter of that name must not stand in for it). */
    private static String contentType(Exchange ex) {
        return Http.header(ex, "Content-Type");
    }

    static String format(String contentType) {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        int semi = ct.indexOf(';');
        String type = (semi < 0 ? ct : ct.substring(0, semi)).strip();
        if (semi >= 0) {
            String params = ct.substring(semi + 1).replace(" ", "");
            if (params.contains("charset=") && !params.contains("charset=utf-8")
                    && !params.contains("charset=\"utf-8\"")) {
                throw Rejection.invalid("Content-Type", "datasets are UTF-8 (got " + contentType + ")");
            }
        }
        return switch (type) {
            case "text/csv" -> "csv";
            case "application/json" -> "json";
            default -> throw Rejection.invalid("Content-Type", "Content-Type must be text/csv or application/json (got "
                    + (contentType == null ? "none" : contentType) + ")");
        };
    }

    static Map<String, Object> view(Datasets.Dataset d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("name", d.name());
        m.put("format", d.format());
        m.put("columns", d.columns());
        m.put("rows", d.rows());
        m.put("bytes", d.bytes());
        m.put("checksum", d.checksum());
        m.put("createdAt", d.createdAt());
        return m;
    }
}
