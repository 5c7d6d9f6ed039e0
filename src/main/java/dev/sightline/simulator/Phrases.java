package dev.sightline.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The word lists and templates of {@code simulator/phrases.json}, loaded once. */
final class Phrases {

    private static final Phrases INSTANCE = load();

    private final JsonNode root;
    private final Map<String, List<String>> lists = new ConcurrentHashMap<>();
    private final Map<String, List<List<String>>> tables = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> maps = new ConcurrentHashMap<>();

    private Phrases(JsonNode root) {
        this.root = root;
    }

    static Phrases get() {
        return INSTANCE;
    }

    private static Phrases load() {
        try (InputStream in = Phrases.class.getResourceAsStream("/simulator/phrases.json")) {
            if (in == null) {
                throw new IllegalStateException("simulator/phrases.json is missing from the classpath");
            }
            return new Phrases(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> list(String key) {
        List<String> known = lists.get(key);
        return known != null ? known : lists.computeIfAbsent(key, this::readList);
    }

    String text(String key) {
        return root.get(key).asText();
    }

    private List<String> readList(String key) {
        JsonNode node = root.at("/" + key.replace('.', '/'));
        if (node.isMissingNode() || !node.isArray()) {
            throw new IllegalStateException("phrases.json has no list " + key);
        }
        List<String> out = new ArrayList<>(node.size());
        node.forEach(n -> out.add(n.asText()));
        return Collections.unmodifiableList(out);
    }

    List<List<String>> table(String key) {
        List<List<String>> known = tables.get(key);
        return known != null ? known : tables.computeIfAbsent(key, this::readTable);
    }

    private List<List<String>> readTable(String key) {
        List<List<String>> out = new ArrayList<>();
        root.get(key).forEach(row -> {
            List<String> cells = new ArrayList<>();
            row.forEach(c -> cells.add(c.asText()));
            out.add(List.copyOf(cells));
        });
        return Collections.unmodifiableList(out);
    }

    Map<String, String> map(String key) {
        Map<String, String> known = maps.get(key);
        return known != null ? known : maps.computeIfAbsent(key, this::readMap);
    }

    private Map<String, String> readMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        root.get(key).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Fills {@code {key}} placeholders; {@code {Key}} (capitalised) gives the value with its first letter upper
     * case. Unknown placeholders are left as they are, so a missing variable shows up in tests.
     */
    static String fill(String template, Map<String, String> vars) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            int close = c == '{' ? template.indexOf('}', i) : -1;
            if (close > i + 1) {
                String key = template.substring(i + 1, close);
                String value = vars.get(key);
                if (value == null && Character.isUpperCase(key.charAt(0))) {
                    String lower = Character.toLowerCase(key.charAt(0)) + key.substring(1);
                    String v = vars.get(lower);
                    value = v == null ? null : capitalise(v);
                }
                if (value != null) {
                    out.append(value);
                    i = close + 1;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** "an intuitive interface" becomes "intuitive interface". */
    static String bare(String phrase) {
        if (phrase.startsWith("a ")) {
            return phrase.substring(2);
        }
        if (phrase.startsWith("an ")) {
            return phrase.substring(3);
        }
        return phrase;
    }
}
