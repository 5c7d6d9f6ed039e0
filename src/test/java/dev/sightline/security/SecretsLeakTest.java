package dev.sightline.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sightline.provider.ProviderKinds;
import dev.sightline.simulator.FaultProfile;
import dev.sightline.simulator.SimWorld;
import dev.sightline.store.AnswerColumns;
import dev.sightline.simulator.Simulator;
import dev.sightline.simulator.SimulatorSettings;
import dev.sightline.testing.LogCapture;
import dev.sightline.testing.TestApp;

/**
 * Real-looking API keys and a bootstrap token, a sweep with failures (401, 500, 429), then: neither string is
 * in any log line, any API response, or any database column.
 */
class SecretsLeakTest {

    static final String OPENAI_KEY = "sk-live-OPENAI-0123456789abcdefSECRET";
    static final String ANTHROPIC_KEY = "sk-ant-api03-ANTHROPIC-abcdef0123456789SECRET";
    static final String GEMINI_KEY = "AIzaGEMINI-0123456789abcdefSECRET";
    static final String BOOTSTRAP = "bootstrap-SECRET-token-0123456789";
    static final List<String> SECRETS = List.of(OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY, BOOTSTRAP);

    static LogCapture logs;
    static Simulator provider;
    static TestApp app;

    @BeforeAll
    static void start() {
        logs = LogCapture.root(Level.DEBUG);

        // an external "provider" the app calls with real keys (so the app's own simulator is not used)
        provider = Simulator.start(SimulatorSettings.forTests(java.time.LocalDate.of(2026, 11, 20)),
                SimWorld.Source.of(new SimWorld("CRM software", List.of())));
        FaultProfile base = provider.faults(ProviderKinds.OPENAI_CHAT);
        provider.setFaults(ProviderKinds.ANTHROPIC, base.withRate401(1.0));
        provider.setFaults(ProviderKinds.GEMINI, base.withRate500(0.5));
        provider.setFaults(ProviderKinds.OPENAI_CHAT, base.withRate429(0.3, Duration.ofMillis(200)));

        Map<String, String> o = new HashMap<>();
        o.put("sightline.api.bootstrap-token", BOOTSTRAP);
        o.put("sightline.simulator.enabled", "false");
        o.put("sightline.providers.openai.api-key", OPENAI_KEY);
        o.put("sightline.providers.openai.base-url", provider.baseUrl(ProviderKinds.OPENAI_CHAT));
        o.put("sightline.providers.anthropic.api-key", ANTHROPIC_KEY);
        o.put("sightline.providers.anthropic.base-url", provider.baseUrl(ProviderKinds.ANTHROPIC));
        o.put("sightline.providers.gemini.api-key", GEMINI_KEY);
        o.put("sightline.providers.gemini.base-url", provider.baseUrl(ProviderKinds.GEMINI));
        o.put("sightline.providers.perplexity.enabled", "false");
        o.put("sightline.circuit.open-duration", "1s");
        app = TestApp.start("secrets", o);
    }

    @AfterAll
    static void stop() {
        app.close();
        provider.close();
        logs.close();
    }

    @Test
    void keysAndTokensAppearNowhere() throws Exception {
        List<String> bodies = new ArrayList<>();
        var created = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + "/api/runs"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"promptTags\":[\"topic:pricing\"],\"samples\":2}")), BOOTSTRAP);
        assertThat(created.status()).isEqualTo(202);
        long runId = created.json().get("id").asLong();
        bodies.add(created.body());
        var run = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + "/api/runs/" + runId)).GET(), BOOTSTRAP);
        TestApp.await("the run to finish", Duration.ofSeconds(60), () -> !app.send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(app.baseUrl() + "/api/runs/" + runId)).GET(), BOOTSTRAP)
                .json().get("status").asText().matches("running|cancelling"));
        for (String path : List.of("/api/runs/" + runId, "/api/runs/" + runId + "/cells?limit=1000", "/api/runs",
                "/api/health", "/api/simulator", "/api/tokens", "/api/runs/999999", "/api/runs/x")) {
            bodies.add(app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + path)).GET(),
                    BOOTSTRAP).body());
        }
        String finished = bodies.get(1);
        assertThat(finished).contains("completed_with_failures");
        assertThat(app.count("SELECT count(*) FROM cell WHERE run_id = ? AND last_error LIKE 'HTTP 401%'", runId))
                .as("the sweep had failures").isPositive();

        for (String secret : SECRETS) {
            assertThat(bodies).allSatisfy(b -> assertThat(b).doesNotContain(secret));
            assertThat(logs.lines()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(secret));
            assertThat(tablesContaining(app, secret)).as("database holds " + secret).isEmpty();
        }
    }

    /** Every row of every table, as text, searched for the text in any letter case. */
    /** Every stored raw provider body, decompressed, and every answer's text and citations, decompressed. */
    static List<String> rawBodies(TestApp app) {
        List<String> out = new ArrayList<>();
        app.app().bean(dev.sightline.store.Jdbc.class).query("""
                SELECT b.encoding, b.body, """ + AnswerColumns.SELECT + """
                  FROM response s JOIN response_body b ON b.response_id = s.id""", rs -> {
            AnswerColumns.Answer a = AnswerColumns.read(rs);
            out.add(dev.sightline.store.RawBodies.decompress(rs.getString(1), rs.getBytes(2), a.text(),
                    a.citationsJson()));
            out.add(a.text() + a.citationsJson());
            return null;
        });
        return out;
    }

    /** Every stored answer's text, decompressed. */
    static List<String> answerTexts(TestApp app) {
        return app.app().bean(dev.sightline.store.Jdbc.class).query("SELECT " + AnswerColumns.SELECT
                + " FROM response s", rs -> AnswerColumns.read(rs).text());
    }

    static List<String> tablesContaining(TestApp app, String text) throws Exception {
        List<String> hits = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(app.jdbcUrl())) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).contains("response_row", "response_label", "cell", "api_token", "run", "response_body");
            // raw bodies and answers are stored deflated (RawBodies, AnswerColumns): read as text they hide what they
            // hold, so look in them decompressed
            for (String body : rawBodies(app)) {
                if (body.toLowerCase(java.util.Locale.ROOT).contains(text.toLowerCase(java.util.Locale.ROOT))) {
                    hits.add("response_body");
                    break;
                }
            }
            for (String t : tables) {
                try (var ps = c.prepareStatement("SELECT count(*) FROM \"" + t + "\" x WHERE x::text ILIKE ?")) {
                    ps.setString(1, "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            hits.add(t);
                        }
                    }
                }
            }
        }
        return hits;
    }
}
