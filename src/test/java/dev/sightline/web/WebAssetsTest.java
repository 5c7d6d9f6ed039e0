package dev.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.testing.TestApp;

/** The dashboard's files: served from the jar's web/ folder only, with a policy that runs no script but theirs. */
class WebAssetsTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start("web-assets", Map.of());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static TestApp.Reply get(String path) {
        return app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).GET(), null);
    }

    @Test
    void thePagesAndTheirScriptsAreServedWithAStrictPolicy() {
        TestApp.Reply index = get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("Content-Type")).startsWith("text/html");
        assertThat(index.header("Content-Security-Policy")).contains("script-src 'self'").contains("object-src 'none'");
        assertThat(index.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(index.body()).contains("<script type=\"module\" src=\"js/main.js\">");
        assertThat(get("/js/main.js").header("Content-Type")).startsWith("text/javascript");
        assertThat(get("/vendor/uplot/uPlot.esm.js").status()).isEqualTo(200);
        assertThat(get("/vendor/uplot/LICENSE").body()).contains("MIT License");
    }

    @Test
    void nothingOutsideTheWebFolderIsServed() {
        for (String path : new String[] {"/application.properties", "/logback.xml", "/sql/V1__core_schema.sql",
                "/web/index.html", "/%2e%2e/pom.xml", "/js/../../application.properties", "/nope.html"}) {
            assertThat(get(path).status()).as(path).isEqualTo(404);
        }
        // paths under /api are the API's, never the dashboard's
        assertThat(get("/api/nothing-here").status()).isEqualTo(404);
        assertThat(get("/api/nothing-here").body()).doesNotContain("Sightline");
    }
}
