package dev.sightline.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * README's worked example, as an integrator would test it: examples/routes/pipeline/40-stored.yaml replaces the
 * jar's 40-stored.yaml, and every stored answer is also written to a folder while analysis goes on as before.
 */
class ArchiveExampleTest extends ProviderRouteTest {

    /** A new folder each run: a file left by an earlier run would be read while this run rewrites it. */
    static final Path FOLDER = newFolder();

    static {
        EXTRA.put("archive.dir", FOLDER.toString());
    }

    @Override
    protected List<String> routeFiles() {
        return List.of("routes/errors.yaml", "routes/pipeline/20-dispatch.yaml", "routes/pipeline/30-providers.yaml",
                "examples/routes/pipeline/40-stored.yaml");
    }

    @Test
    void everyStoredAnswerIsAlsoWrittenToTheFolder() throws Exception {
        MockEndpoint http = provider(200, "openai-chat/success.json");
        MockEndpoint analysis = getMockEndpoint("mock:analysis");
        analysis.expectedMessageCount(1);
        sendCell(42);
        MockEndpoint.assertIsSatisfied(context);
        awaitOutcomes("store 42", "finished 42");
        // the hand-over to analysis (what the mock saw) and the cell's end come before the file step: wait for it
        // to have written the file (it exists, empty, a moment before its content is written)
        Path written = FOLDER.resolve("1").resolve("42.md");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((!Files.exists(written) || Files.size(written) == 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(written).exists();
        assertThat(Files.readString(written)).isEqualTo("an answer");
        assertThat(http.getReceivedCounter()).isEqualTo(1);
    }

    private static Path newFolder() {
        try {
            Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(Path.of("target"), "archive-example-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
