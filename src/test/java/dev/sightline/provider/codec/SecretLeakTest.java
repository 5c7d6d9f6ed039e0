package dev.sightline.provider.codec;

import dev.sightline.provider.ProviderCodec;
import dev.sightline.provider.ProviderFailure;
import dev.sightline.provider.ProviderKinds;
import dev.sightline.provider.ProviderRequest;
import dev.sightline.provider.ProviderResult;
import dev.sightline.provider.ProviderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.sightline.provider.codec.Fixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** The API key reaches the wire in one header and nowhere else: not a path, a log line or a failure message. */
class SecretLeakTest {

    private static final int[] STATUSES = {200, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504, 529};

    static List<String> kinds() {
        return ProviderKinds.ALL;
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void requestShowsTheKeyOnlyInItsHeader(String kind) {
        ProviderSettings s = Fixtures.settings(kind, "model-x", true, 0.5);
        ProviderRequest request = Codecs.forKind(kind).buildRequest(s, Fixtures.PROMPT);

        assertThat(request.toString()).doesNotContain(KEY).contains("***");
        assertThat(request.path()).doesNotContain(KEY);
        assertThat(request.body()).doesNotContain(KEY);
        assertThat(request.headers().entrySet().stream().filter(e -> e.getValue().contains(KEY)))
                .hasSize(1)
                .allSatisfy(e -> assertThat(ProviderRequest.isCredential(e.getKey())).isTrue());
    }

    /** Every fixture of every kind, under every status, including bodies that quote the key back. */
    @ParameterizedTest
    @MethodSource("kinds")
    void failureMessagesNeverContainTheKey(String kind) throws IOException, URISyntaxException {
        ProviderCodec codec = Codecs.forKind(kind);
        ProviderSettings s = Fixtures.settings(kind, "model-x", true, null);
        Path dir = Path.of(SecretLeakTest.class.getResource("/fixtures/" + kind).toURI());
        List<String> bodies;
        try (Stream<Path> files = Files.list(dir)) {
            bodies = new java.util.ArrayList<>(files.map(SecretLeakTest::read).toList());
        }
        bodies.add("{\"error\":{\"message\":\"bad key " + KEY + "\",\"type\":\"x\",\"status\":\"" + KEY + "\"}}");
        bodies.add("{\"error\":\"" + KEY + " rejected\"}");
        bodies.add("<html><body>Authorization: Bearer " + KEY + "</body></html>");
        bodies.add("{\"status\":\"failed\",\"output\":[],\"error\":{\"message\":\"" + KEY + "\",\"code\":\"" + KEY
                + "\"}}");
        int failures = 0;
        for (String body : bodies) {
            for (int status : STATUSES) {
                ProviderResult r = codec.decode(s, status, Map.of(), body);
                if (!r.isOk()) {
                    ProviderFailure f = r.failure();
                    failures++;
                    assertThat(f.describe()).as("%s %d %s", kind, status, body).doesNotContain(KEY);
                }
            }
        }
        assertThat(failures).isGreaterThan(bodies.size() * (STATUSES.length - 1) - 1);
    }

    /**
     * Masking comes before any cut and ignores letter case: an error page cut at 200 characters right through the
     * key, and a message that shouts the key back, keep no piece of it.
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void keyCutByTheSnippetOrInUpperCaseLeavesNoPiece(String kind) {
        ProviderSettings s = Fixtures.settings(kind, "model-x", false, null);
        ProviderCodec codec = Codecs.forKind(kind);
        String page = "<html><body>" + "x".repeat(176) + KEY + " failed</body></html>";
        String shout = "{\"error\":{\"message\":\"bad key " + KEY.toUpperCase(java.util.Locale.ROOT)
                + "\",\"type\":\"" + KEY.toUpperCase(java.util.Locale.ROOT) + "\"}}";
        for (int status : new int[] {200, 401, 500}) {
            for (String body : List.of(page, shout)) {
                ProviderFailure f = codec.decode(s, status, Map.of(), body).failure();
                String said = f.describe().toLowerCase(java.util.Locale.ROOT);
                assertThat(said).as("%s %d %s", kind, status, body).doesNotContain(KEY.substring(0, 10))
                        .doesNotContain(KEY.substring(KEY.length() - 10));
            }
        }
    }

    @Test
    void keyQuotedByTheProviderIsMaskedNotDropped() {
        ProviderSettings s = Fixtures.settings("openai-chat", "gpt-4o-mini", false, null);
        ProviderFailure f = Fixtures.decode(s, "openai-chat", "error-401.json", 401).failure();

        assertThat(f.message()).contains("Incorrect API key provided: ***.");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
