package dev.sightline.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import org.junit.jupiter.api.Test;

import dev.sightline.values.EntityKind;
import dev.sightline.values.Json;
import dev.sightline.values.StructuredReplies;
import dev.sightline.values.TrackedEntity;

/** The judge's prompt, its cache key and the reading of its reply against the schema the prompt sends. */
class JudgePromptTest {

    static final List<TrackedEntity> ENTITIES = List.of(
            new TrackedEntity(1, "Pipedrive", EntityKind.BRAND, List.of("Pipedrive CRM"), List.of()),
            new TrackedEntity(2, "HubSpot", EntityKind.COMPETITOR, List.of(), List.of()));

    @Test
    void thePromptCarriesTheEntitiesTheAnswerAndTheSchema() {
        String p = JudgePrompt.build(ENTITIES, "Pipedrive is great.");
        assertThat(p).startsWith(StructuredReplies.JUDGE_OPENING)
                .contains("- Pipedrive (aliases: Pipedrive CRM)\n- HubSpot\n")
                .contains("<answer>\nPipedrive is great.\n</answer>")
                .contains("\"not_mentioned\"");
    }

    @Test
    void theCacheKeyChangesWithTheAnswerTheJudgeAndTheEntities() {
        String k = JudgePrompt.cacheKey("gemini/m", ENTITIES, "a");
        assertThat(JudgePrompt.cacheKey("gemini/m", ENTITIES, "a")).isEqualTo(k);
        assertThat(JudgePrompt.cacheKey("gemini/m", ENTITIES, "b")).isNotEqualTo(k);
        assertThat(JudgePrompt.cacheKey("openai/m", ENTITIES, "a")).isNotEqualTo(k);
        assertThat(JudgePrompt.cacheKey("gemini/m", ENTITIES.subList(0, 1), "a")).isNotEqualTo(k);
    }

    @Test
    void repliesAreReadByNameAndNotMentionedOnesAreLeftOut() {
        JudgePrompt.Reading r = JudgePrompt.read("""
                ```json
                {"entities": [{"name": "pipedrive", "sentiment": "mixed", "score": 0.2},
                              {"name": "HubSpot", "sentiment": "not_mentioned", "score": 0},
                              {"name": "Zoho", "sentiment": "positive", "score": 1}]}
                ```""", ENTITIES);
        assertThat(r.error()).isNull();
        assertThat(r.judged()).containsExactly(new JudgePrompt.Judged(1, "Pipedrive", "mixed", 0.2));
        assertThat(JudgePrompt.read("Positive overall.", ENTITIES).error()).contains("not JSON");
        assertThat(JudgePrompt.read("{\"entities\": [{\"name\": \"Zoho\", \"sentiment\": \"neutral\", \"score\": 0}]}",
                ENTITIES).error()).contains("names none of the entities");
    }

    /** The hand-written check accepts exactly what the schema sent with the prompt accepts. */
    @Test
    void theCheckAgreesWithTheSchema() {
        Schema schema = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012()).getSchema(JudgePrompt.SCHEMA);
        for (String doc : List.of(
                "{\"entities\": []}",
                "{\"entities\": [{\"name\": \"A\", \"sentiment\": \"positive\", \"score\": 1}]}",
                "{\"entities\": [{\"name\": \"A\", \"sentiment\": \"great\", \"score\": 1}]}",
                "{\"entities\": [{\"name\": \"A\", \"sentiment\": \"mixed\", \"score\": 1.5}]}",
                "{\"entities\": [{\"name\": \"A\", \"sentiment\": \"mixed\"}]}",
                "{\"entities\": [{\"name\": 3, \"sentiment\": \"mixed\", \"score\": 0}]}",
                "{\"entities\": [{\"name\": \"A\", \"sentiment\": \"mixed\", \"score\": 0, \"why\": \"x\"}]}",
                "{\"entities\": {}}", "{\"verdict\": []}", "[]", "{\"entities\": [], \"more\": 1}")) {
            JsonNode node = Json.MAPPER.valueToTree(Json.parseObject(doc) == null ? Json.MAPPER.createArrayNode()
                    : Json.parseObject(doc));
            assertThat(JudgePrompt.mismatch(node) == null).as(doc).isEqualTo(schema.validate(node).isEmpty());
        }
    }
}
