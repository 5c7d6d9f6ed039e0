package dev.sightline.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import dev.sightline.analysis.Analysis;
import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.values.Citation;
import dev.sightline.values.EntityKind;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;
import dev.sightline.values.TrackedEntity;

/** Rule graders, the grader prompt's reply, placeholders and the intervals of pass rates. */
class GradersTest {

    static final List<TrackedEntity> ENTITIES = List.of(
            new TrackedEntity(1, "Pipedrive", EntityKind.BRAND, List.of(), List.of("pipedrive.com")),
            new TrackedEntity(2, "HubSpot", EntityKind.COMPETITOR, List.of(), List.of("hubspot.com")));
    static final String ANSWER = """
            Here are the best CRMs for a small team:

            1. **HubSpot** - free to start and easy to use.
            2. **Pipedrive** - great pipeline view, although reporting is limited.

            See https://www.pipedrive.com/en/pricing for prices.""";

    static Graders.Grade grade(String json, String text) {
        Analysis a = new AnswerAnalyzer(ENTITIES).analyze(text, List.<Citation>of());
        return Graders.apply(Graders.parse(Json.parseObject("{\"g\": [" + json + "]}").get("g"), "graders", ENTITIES)
                .get(0), text, a);
    }

    @Test
    void textGraders() {
        assertThat(grade("{\"type\": \"contains\", \"value\": \"pipeline VIEW\"}", ANSWER).pass()).isTrue();
        assertThat(grade("{\"type\": \"contains\", \"value\": \"pipeline VIEW\", \"caseSensitive\": true}", ANSWER)
                .pass()).isFalse();
        assertThat(grade("{\"type\": \"not-contains\", \"value\": \"As an AI\"}", ANSWER).pass()).isTrue();
        assertThat(grade("{\"type\": \"regex\", \"value\": \"\\\\*\\\\*\\\\w+\\\\*\\\\*\"}", ANSWER).pass()).isTrue();
        assertThat(grade("{\"type\": \"max-length\", \"value\": 50}", ANSWER).reason()).endsWith("at most 50");
        assertThat(grade("{\"type\": \"is-json\"}", ANSWER).pass()).isFalse();
        assertThat(grade("{\"type\": \"is-json\"}", " {\"crm\": \"Pipedrive\"} ").pass()).isTrue();
        String schema = "{\"type\": \"is-json\", \"schema\": {\"type\": \"object\", \"required\": [\"crm\"], "
                + "\"properties\": {\"crm\": {\"type\": \"string\"}}}}";
        assertThat(grade(schema, "{\"crm\": \"Pipedrive\"}").pass()).isTrue();
        Graders.Grade wrong = grade(schema, "{\"crm\": 3}");
        assertThat(wrong.pass()).isFalse();
        assertThat(wrong.reason()).contains("does not match the schema").contains("crm");
    }

    @Test
    void analyzerGradersReadTheAnalysis() {
        assertThat(grade("{\"type\": \"mentions-brand\"}", ANSWER).pass()).isTrue();
        assertThat(grade("{\"type\": \"mentions-brand\"}", "Try HubSpot.").pass()).isFalse();
        assertThat(grade("{\"type\": \"mentions-brand\", \"entity\": \"hubspot\"}", "Try HubSpot.").pass()).isTrue();
        assertThat(grade("{\"type\": \"brand-rank-at-most\", \"value\": 1}", ANSWER).reason())
                .isEqualTo("Pipedrive is ranked 2, at most 1");
        assertThat(grade("{\"type\": \"brand-rank-at-most\", \"value\": 2}", ANSWER).pass()).isTrue();
        assertThat(grade("{\"type\": \"cites-domain\", \"value\": \"pipedrive.com\"}", ANSWER).pass()).isTrue();
        assertThat(grade("{\"type\": \"cites-domain\", \"value\": \"hubspot.com\"}", ANSWER).pass()).isFalse();
        assertThat(grade("{\"type\": \"sentiment-is\", \"value\": \"mixed\"}", ANSWER).pass()).isTrue();
        // without an analysis (the analyzer failed) they cannot decide: an error, never a pass
        Graders.Rule rule = Graders.parse(Json.parseObject("{\"g\": [{\"type\": \"mentions-brand\"}]}").get("g"),
                "graders", ENTITIES).get(0);
        Graders.Grade none = Graders.apply(rule, ANSWER, null);
        assertThat(none.pass()).isNull();
        assertThat(none.error()).contains("analyzer failed");
    }

    @Test
    void aRegexThatBacktracksForEverIsAGradingErrorAfterASecond() {
        long t0 = System.nanoTime();
        Graders.Grade g = grade("{\"type\": \"regex\", \"value\": \"(.*a){12}x\"}", "a".repeat(40));
        assertThat(g.pass()).isNull();
        assertThat(g.error()).contains("longer than 1 s");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
    }

    @Test
    void aRegexThatOverflowsTheStackIsAGradingErrorNotAThrow() {
        // java.util.regex recurses once per repetition of a group with alternatives: a long answer overflows the stack
        Graders.Grade g = grade("{\"type\": \"regex\", \"value\": \"((((.|\\\\s)|(.|\\\\s))|((.|\\\\s)|(.|\\\\s))))*zzz\"}",
                "word ".repeat(20_000));
        assertThat(g.pass()).isNull();
        assertThat(g.error()).contains("nests too deeply");
        // and the same rule on a short answer still grades
        assertThat(grade("{\"type\": \"regex\", \"value\": \"((.|\\\\s))*zzz\"}", "a zzz").pass()).isTrue();
    }

    @Test
    void aUsersSchemaIsNeverFetchedFromAnywhere() throws IOException {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            fetched.incrementAndGet();
            byte[] b = "{\"type\": \"string\"}".getBytes();
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
        try {
            String ref = "http://127.0.0.1:" + server.getAddress().getPort() + "/s.json";
            String g = "{\"type\": \"is-json\", \"schema\": {\"$ref\": \"" + ref + "\"}}";
            try {
                grade(g, "{\"a\": 1}");
            } catch (Rejection expected) {
                // refusing the schema is fine too; fetching it is not
            }
        } finally {
            server.stop(0);
        }
        assertThat(fetched.get()).isZero();
    }

    @Test
    void graderRepliesMustBeTheJsonAskedFor() {
        assertThat(GraderReply.parse("{\"pass\": true, \"score\": 0.9, \"reason\": \"ok\"}").pass()).isTrue();
        assertThat(GraderReply.parse("```json\n{\"pass\": false, \"reason\": \"no\"}\n```").score()).isZero();
        for (String bad : List.of("Looks good to me!", "{\"pass\": \"yes\"}", "{\"pass\": true, \"score\": 7}",
                "[true]", "", "{\"pass\": true} and more")) {
            Graders.Grade g = GraderReply.parse(bad);
            assertThat(g.pass()).as(bad).isNull();
            assertThat(g.error()).as(bad).contains("not the JSON {pass, score, reason}");
        }
    }

    @Test
    void placeholdersAreParsedOnceAndRenderedInOnePass() {
        Template t = Template.of("Hi {{ name }}, about {{topic}} and {{name}} {{unclosed");
        assertThat(t.variables()).containsExactly("name", "topic");
        assertThat(t.render(java.util.Map.of("name", "{{topic}}", "topic", "CRM")))
                .isEqualTo("Hi {{topic}}, about CRM and {{topic}} {{unclosed");
        assertThat(t.missing(java.util.Set.of("name"))).containsExactly("topic");
    }

    @Test
    void passRatesStateTheirUncertaintyWithTheRowAsTheUnit() {
        // one sample per row: the plain Wilson interval
        PassRates.Rate single = PassRates.rate(List.of(new PassRates.RowCount(0, 1, 1),
                new PassRates.RowCount(1, 1, 0), new PassRates.RowCount(2, 1, 1), new PassRates.RowCount(3, 1, 1)));
        assertThat(single.method()).isEqualTo("wilson");
        assertThat(single.nEff()).isEqualTo(4.0);
        // ten samples of rows that always agree: as uncertain as the four rows, not as forty answers
        List<PassRates.RowCount> clustered = List.of(new PassRates.RowCount(0, 10, 10),
                new PassRates.RowCount(1, 10, 0), new PassRates.RowCount(2, 10, 10), new PassRates.RowCount(3, 10, 10));
        PassRates.Rate c = PassRates.rate(clustered);
        assertThat(c.n()).isEqualTo(40);
        assertThat(c.rate()).isEqualTo(0.75);
        assertThat(c.nEff()).isLessThan(5.5);
        assertThat(c.high() - c.low()).isGreaterThan(0.4);
        // a difference is significant only when its interval leaves out zero
        double[] a = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        double[] b = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThat(PassRates.difference(a, b).significant()).isTrue();
        double[] x = {1, 0, 1, 0};
        double[] y = {1, 0, 0, 1};
        PassRates.Difference same = PassRates.difference(x, y);
        assertThat(same.difference()).isZero();
        assertThat(same.low()).isNegative();
        assertThat(same.high()).isPositive();
        assertThat(same.significant()).isFalse();
    }

    @Test
    void badGradersNameTheirField() {
        JsonNode bad = Json.parseObject("{\"g\": [{\"type\": \"contains\"}]}").get("g");
        assertThatThrownBy(() -> Graders.parse(bad, "graders", ENTITIES)).isInstanceOf(Rejection.class)
                .extracting(e -> ((Rejection) e).field()).isEqualTo("graders[0].value");
    }
}
