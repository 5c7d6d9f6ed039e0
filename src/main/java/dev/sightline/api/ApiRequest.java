package dev.sightline.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import dev.sightline.http.ClientAddresses;
import dev.sightline.values.Rejection;
import dev.sightline.values.Text;

/**
 * The HTTP request as the client sent it, read once at the start of every API route ({@code routes/errors.yaml}):
 * path parameters from the URL path by the endpoint's template, query parameters from the query string, headers
 * from the HTTP headers, each in its own place. Camel puts all three (and form fields) into one map of message
 * headers, where a query parameter can stand in for a header ({@code ?authorization=...}) or a path parameter
 * ({@code /runs/1?id=2}); those message headers are cleared here so no later step can read them.
 * Every value is decoded as strict UTF-8 and may hold no NUL: a value that breaks either is refused with 400
 * naming it.
 */
public final class ApiRequest {

    static final String PROPERTY = "sightline.request";

    /**
     * Exchange properties a Vert.x handler of our own sets when it hands a request to an API route through
     * {@code direct:} (the event streams): the HTTP request itself and its path parameters (as Vert.x decoded them).
     */
    public static final String HANDED_OVER = "sightline.httpRequest";
    public static final String HANDED_OVER_PATH = "sightline.httpRequestPath";

    private final HttpServerRequest http;
    private final Map<String, String> path;
    private final Map<String, String> query;
    private final ClientAddresses clients;

    private ApiRequest(HttpServerRequest http, Map<String, String> path, Map<String, String> query,
                       ClientAddresses clients) {
        this.http = http;
        this.path = path;
        this.query = query;
        this.clients = clients;
    }

    /** The bean {@code apiRequest}: the first step of every API route. */
    public static final class Reader {

        private final ClientAddresses clients;

        Reader(ClientAddresses clients) {
            this.clients = clients;
        }

        public void read(Exchange ex) {
            HttpServerRequest handed = ex.getProperty(HANDED_OVER, HttpServerRequest.class);
            if (handed != null) {
                @SuppressWarnings("unchecked")
                Map<String, String> raw = ex.getProperty(HANDED_OVER_PATH, Map.of(), Map.class);
                Map<String, String> path = new LinkedHashMap<>();
                raw.forEach((name, value) -> path.put(name, check(name, value)));
                ex.getMessage().removeHeaders("*");
                ex.setProperty(PROPERTY, new ApiRequest(handed, path, queryParameters(handed.query()), clients));
                return;
            }
            if (!(ex.getMessage() instanceof HttpMessage m)) {
                throw new IllegalStateException("not an HTTP request: " + ex.getMessage().getClass().getSimpleName());
            }
            HttpServerRequest req = m.getRequest();
            ex.getMessage().removeHeaders("*");
            ex.setProperty(PROPERTY, new ApiRequest(req, pathParameters(ex.getFromEndpoint(), req.path()),
                    queryParameters(req.query()), clients));
        }
    }

    static ApiRequest of(Exchange ex) {
        ApiRequest r = ex.getProperty(PROPERTY, ApiRequest.class);
        if (r == null) {
            throw new IllegalStateException("route did not read its request (routes/errors.yaml)");
        }
        return r;
    }

    /** A parameter of the URL path ({@code {id}} of {@code /runs/{id}}), never anything else. */
    String path(String name) {
        return path.get(name);
    }

    /** A query parameter; one given twice is refused (which one would count is a guess). */
    String query(String name) {
        return query.get(name);
    }

    /** An HTTP header of the request (never a query parameter or form field of the same name). */
    String header(String name) {
        String v = http.getHeader(name);
        if (v == null) {
            return null;
        }
        // HTTP hands header bytes over as ISO-8859-1 characters: the bytes, read as the UTF-8 they should be
        return check(name, strictUtf8(name, v.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** The HTTP method, upper case ({@code GET}, {@code POST}...). */
    String method() {
        return http.method().name();
    }

    /** Who the request comes from: the peer, or behind a trusted proxy the client it names ({@link ClientAddresses}). */
    String client() {
        return clients.of(http);
    }

    private static Map<String, String> pathParameters(Endpoint from, String rawPath) {
        if (!(from instanceof PlatformHttpEndpoint endpoint) || rawPath == null) {
            return Map.of();
        }
        String[] template = endpoint.getPath().split("/");
        String[] actual = rawPath.split("/");
        // the template may lack the context path: line the two up from the end
        int offset = actual.length - template.length;
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}") && i + offset >= 0) {
                String name = t.substring(1, t.length() - 1);
                out.put(name, check(name, decode(name, actual[i + offset], false)));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> queryParameters(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = check("query", decode("query", eq < 0 ? pair : pair.substring(0, eq), true));
            String value = check(name, decode(name, eq < 0 ? "" : pair.substring(eq + 1), true));
            if (out.putIfAbsent(name, value) != null) {
                throw Rejection.invalid(name, name + " is given more than once");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Percent-decoding to bytes, then strict UTF-8. */
    private static String decode(String field, String s, boolean plusIsSpace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw Rejection.invalid(field, field + " has a malformed percent-escape");
                }
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return strictUtf8(field, bytes.toByteArray());
    }

    static String strictUtf8(String field, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw Rejection.invalid(field, field + " is not valid UTF-8");
        }
    }

    /** NUL and unpaired surrogates are no text; PostgreSQL cannot even store NUL. */
    static String check(String field, String value) {
        int at = Text.invalidAt(value);
        if (at >= 0) {
            throw Rejection.invalid(field, field + " contains " + Text.codePointAt(value, at)
                    + " at character " + at + " (NUL and unpaired surrogates are not text)");
        }
        return value;
    }
}
