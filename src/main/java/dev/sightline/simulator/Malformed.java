package dev.sightline.simulator;

import dev.sightline.simulator.Wire.Reply;
import java.util.LinkedHashMap;
import java.util.Map;

/** HTTP 200 replies a client cannot parse: what a proxy or a dropped connection leaves of a real answer. */
final class Malformed {

    private static final String HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Service Temporarily Unavailable</title></head>
            <body>
            <h1>Service Temporarily Unavailable</h1>
            <p>The server is temporarily unable to service your request due to maintenance downtime or capacity
            problems. Please try again later.</p>
            <hr><address>nginx</address>
            </body>
            </html>
            """;

    private Malformed() {
    }

    /** Either an HTML page or the answer's JSON cut short, chosen by the request's draw. */
    static Reply of(Reply answer, long seed, long seq) {
        double u = Rng.unit(seed ^ 0x6d616c66L, seq);
        Map<String, String> headers = new LinkedHashMap<>(answer.headers());
        if (u < 0.5) {
            headers.put("content-type", "text/html; charset=utf-8");
            return new Reply(200, headers, Wire.utf8(HTML));
        }
        byte[] body = answer.body();
        int cut = Math.max(1, (int) (body.length * (0.3 + 0.5 * Rng.unit(seed ^ 0x74727563L, seq))));
        byte[] partial = new byte[cut];
        System.arraycopy(body, 0, partial, 0, cut);
        return new Reply(200, headers, partial);
    }
}
