package dev.sightline.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sightline.values.Citation;
import dev.sightline.values.EntityKind;
import dev.sightline.values.TrackedEntity;

/** The labelled answer corpus in {@code src/test/resources/corpus/answers.json}. */
public final class Corpus {

    public static final Path DEFAULT = Path.of("src/test/resources/corpus/answers.json");

    /** The labels a human gave one entity in one answer. */
    public record Expected(boolean mentioned, Integer listRank, Sentiment sentiment) {
    }

    /** One labelled answer. */
    public record Entry(String id, String provider, String workspace, String text, List<Citation> citations,
                        List<TrackedEntity> entities, Map<String, Expected> expected, Set<String> citedDomains) {

        /** The label for an entity; entities the label set leaves out are not mentioned. */
        public Expected expectedFor(String entityName) {
            return expected.getOrDefault(entityName, new Expected(false, null, null));
        }
    }

    private Corpus() {
    }

    public static List<Entry> load(Path path) {
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(path));
            List<Entry> entries = new ArrayList<>();
            for (JsonNode n : root) {
                List<Citation> citations = new ArrayList<>();
                for (JsonNode c : n.path("citations")) {
                    citations.add(new Citation(text(c, "url"), text(c, "title"), text(c, "domain"), text(c, "source")));
                }
                List<TrackedEntity> entities = new ArrayList<>();
                long id = 1;
                for (JsonNode e : n.path("entities")) {
                    List<String> aliases = new ArrayList<>();
                    e.path("aliases").forEach(a -> aliases.add(a.asText()));
                    List<String> domains = new ArrayList<>();
                    e.path("domains").forEach(d -> domains.add(d.asText()));
                    entities.add(new TrackedEntity(id++, e.path("name").asText(),
                            EntityKind.valueOf(e.path("kind").asText().toUpperCase(Locale.ROOT)), aliases, domains));
                }
                Map<String, Expected> expected = new LinkedHashMap<>();
                n.path("expected").path("entities").fields().forEachRemaining(f -> {
                    JsonNode v = f.getValue();
                    expected.put(f.getKey(), new Expected(v.path("mentioned").asBoolean(),
                            v.path("listRank").isNull() || v.path("listRank").isMissingNode() ? null
                                    : v.path("listRank").asInt(),
                            Sentiment.fromJson(text(v, "sentiment"))));
                });
                Set<String> domains = new TreeSet<>();
                n.path("expected").path("citedDomains").forEach(d -> domains.add(d.asText()));
                entries.add(new Entry(n.path("id").asText(), n.path("provider").asText(), n.path("workspace").asText(),
                        n.path("text").asText(), List.copyOf(citations), List.copyOf(entities), expected, domains));
            }
            return List.copyOf(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
