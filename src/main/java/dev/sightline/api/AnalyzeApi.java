package dev.sightline.api;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import dev.sightline.analysis.Analysis;
import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.analysis.CitedSource;
import dev.sightline.analysis.EntityResult;
import dev.sightline.analysis.Evidence;
import dev.sightline.values.Citation;
import dev.sightline.values.EntityKind;
import dev.sightline.values.Json;
import dev.sightline.values.Rejection;
import dev.sightline.values.TrackedEntity;

/**
 * {@code POST /api/analyze}: the analyzer on one answer text, for integrators. Stateless: nothing is read from or
 * written to the database; the entities come with the request.
 */
public final class AnalyzeApi {

    public static final int MAX_TEXT_BYTES = 200_000;
    static final int MAX_COMPETITORS = 100;
    static final int MAX_NAMES = 50;
    /** Words (runs of letters and digits) in one name or alias: the analyzer's index grows with them. */
    static final int MAX_WORDS = 12;
    static final int MAX_CITATIONS = 1000;
    private static final Set<String> FIELDS = Set.of("brand", "competitors", "text", "citations");
    private static final Set<String> ENTITY_FIELDS = Set.of("name", "aliases", "domains");
    /** A host as DNS spells it (after IDN), or an IPv4 address; underscores occur in real subdomains. */
    private static final Pattern DOMAIN_CHARS = Pattern.compile("[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*\\.?");
    private static final Pattern DOMAIN = Pattern.compile(
            "^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}$");

    public void analyze(Exchange ex) {
        JsonNode body = parse(ex);
        List<TrackedEntity> entities = new ArrayList<>();
        JsonNode brand = body.get("brand");
        if (brand == null || brand.isNull()) {
            throw Rejection.invalid("brand", "brand is required: {\"name\": ..., \"aliases\": [], \"domains\": []}");
        }
        entities.add(entity(brand, "brand", EntityKind.BRAND));
        JsonNode competitors = body.get("competitors");
        if (competitors != null && !competitors.isNull()) {
            if (!competitors.isArray()) {
                throw Rejection.invalid("competitors", "competitors must be an array of entities");
            }
            if (competitors.size() > MAX_COMPETITORS) {
                throw Rejection.invalid("competitors", "at most " + MAX_COMPETITORS + " competitors");
            }
            for (int i = 0; i < competitors.size(); i++) {
                entities.add(entity(competitors.get(i), "competitors[" + i + "]", EntityKind.COMPETITOR));
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entities.size(); i++) {
            if (!names.add(entities.get(i).name().toLowerCase(Locale.ROOT))) {
                throw Rejection.invalid("competitors[" + (i - 1) + "].name",
                        "duplicate entity name '" + entities.get(i).name() + "'");
            }
        }
        JsonNode textNode = body.get("text");
        if (textNode == null || textNode.isNull()) {
            throw Rejection.invalid("text", "text is required (the answer to analyse)");
        }
        if (!textNode.isTextual()) {
            throw Rejection.invalid("text", "text must be a string");
        }
        String text = textNode.asText();
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
            throw Rejection.invalid("text", "text must be at most 200 kB (" + MAX_TEXT_BYTES + " bytes UTF-8)");
        }
        List<Citation> citations = new ArrayList<>();
        List<String> urls = strings(body, "citations", "citations", MAX_CITATIONS, 4096);
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get(i).strip();
            if (!isWebUrl(url)) {
                String at = "citations[" + i + "]";
                String shown = url.length() > 100 ? url.substring(0, 100) + "..." : url;
                throw Rejection.invalid(at, at + " must be an absolute http or https URL like"
                        + " https://example.com/page (got '" + shown + "')");
            }
            citations.add(new Citation(url, null, null, "request"));
        }

        Analysis a = new AnswerAnalyzer(entities).analyze(text, citations);
        Http.reply(ex, 200, view(a));
    }

    static Map<String, Object> view(Analysis a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("analyzerVersion", a.analyzerVersion());
        out.put("answerState", a.state().json());
        out.put("brandVisible", a.brandVisible());
        out.put("shareOfVoice", a.shareOfVoice());
        List<Map<String, Object>> entities = new ArrayList<>();
        for (EntityResult e : a.entities()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.entity().name());
            m.put("kind", e.entity().kind().json());
            m.put("mentioned", e.mentioned());
            m.put("count", e.count());
            m.put("listRank", e.listRank());
            m.put("mentionOrder", e.mentionOrder());
            m.put("sentiment", e.sentiment() == null ? null : e.sentiment().json());
            m.put("sentimentScore", e.sentimentScore());
            List<Map<String, Object>> evidence = new ArrayList<>();
            for (Evidence ev : e.evidence()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("start", ev.start());
                x.put("end", ev.end());
                x.put("snippet", ev.snippet());
                evidence.add(x);
            }
            m.put("evidence", evidence);
            entities.add(m);
        }
        out.put("entities", entities);
        List<Map<String, Object>> citations = new ArrayList<>();
        for (CitedSource c : a.citations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", c.url());
            m.put("domain", c.domain());
            m.put("owner", c.owner().json());
            m.put("ownerName", c.ownerName());
            m.put("source", c.source());
            citations.add(m);
        }
        out.put("citations", citations);
        return out;
    }

    private static JsonNode parse(Exchange ex) {
        JsonNode node = Body.read(ex, "body");
        if (node == null) {
            throw Rejection.invalid("body", "the request body must be a JSON object with brand and text");
        }
        if (!node.isObject()) {
            throw Rejection.invalid("body", "the request body must be a JSON object");
        }
        onlyFields(node, "", FIELDS);
        return node;
    }

    private static TrackedEntity entity(JsonNode node, String path, EntityKind kind) {
        if (node == null || !node.isObject()) {
            throw Rejection.invalid(path, path + " must be an object {\"name\", \"aliases\", \"domains\"}");
        }
        onlyFields(node, path + ".", ENTITY_FIELDS);
        JsonNode n = node.get("name");
        if (n == null || n.isNull()) {
            throw Rejection.invalid(path + ".name", path + ".name is required");
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw Rejection.invalid(path + ".name", path + ".name must be a non-empty string");
        }
        String name = n.asText().strip();
        if (name.length() > 200) {
            throw Rejection.invalid(path + ".name", path + ".name must be at most 200 characters");
        }
        atMostMaxWords(name, path + ".name");
        List<String> aliases = strings(node, "aliases", path + ".aliases", MAX_NAMES, 200).stream()
                .map(String::strip).toList();
        for (int i = 0; i < aliases.size(); i++) {
            atMostMaxWords(aliases.get(i), path + ".aliases[" + i + "]");
        }
        List<String> domains = new ArrayList<>();
        List<String> given = strings(node, "domains", path + ".domains", MAX_NAMES, 253);
        for (int i = 0; i < given.size(); i++) {
            String d = given.get(i).strip().toLowerCase(Locale.ROOT);
            if (d.startsWith("www.")) {
                d = d.substring(4);
            }
            if (!DOMAIN.matcher(d).matches()) {
                String at = path + ".domains[" + i + "]";
                throw Rejection.invalid(at, at + " must be a domain like example.com, without scheme or path"
                        + " (got '" + given.get(i) + "')");
            }
            domains.add(d);
        }
        return new TrackedEntity(0, name, kind, aliases, domains);
    }

    /**
     * An absolute http(s) URL with a host, written without spaces: a page a reader could open. Its path, query and
     * fragment may hold what browsers accept ("|", "[]", non-ASCII letters), not only what RFC 3986 allows.
     */
    static boolean isWebUrl(String url) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        String lower = url.toLowerCase(Locale.ROOT);
        int after = lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : -1;
        if (after < 0) {
            return false;
        }
        int end = after;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String host = url.substring(after, end);
        host = host.substring(host.lastIndexOf('@') + 1);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 1 && (close == host.length() - 1 || port(host.substring(close + 1)));
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            if (!port(host.substring(colon))) {
                return false;
            }
            host = host.substring(0, colon);
        }
        if (host.isEmpty()) {
            return false;
        }
        try {
            return DOMAIN_CHARS.matcher(IDN.toASCII(host, IDN.ALLOW_UNASSIGNED)).matches();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** ":8080", or ":" with no number, which browsers read as the default port. */
    private static boolean port(String s) {
        return s.startsWith(":") && s.length() <= 6 && s.substring(1).chars().allMatch(Character::isDigit);
    }

    private static void atMostMaxWords(String name, String path) {
        int words = 0;
        for (int i = 0; i < name.length(); i++) {
            boolean letter = Character.isLetterOrDigit(name.charAt(i));
            if (letter && (i == 0 || !Character.isLetterOrDigit(name.charAt(i - 1)))) {
                words++;
            }
        }
        if (words > MAX_WORDS) {
            throw Rejection.invalid(path, path + " must have at most " + MAX_WORDS + " words (got " + words
                    + ")");
        }
    }

    private static List<String> strings(JsonNode parent, String field, String path, int max, int maxLength) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw Rejection.invalid(path, path + " must be an array of strings");
        }
        if (n.size() > max) {
            throw Rejection.invalid(path, path + " must have at most " + max + " entries");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            String at = path + "[" + i + "]";
            if (!e.isTextual() || e.asText().isBlank()) {
                throw Rejection.invalid(at, at + " must be a non-empty string");
            }
            if (e.asText().length() > maxLength) {
                throw Rejection.invalid(at, at + " must be at most " + maxLength + " characters");
            }
            out.add(e.asText());
        }
        return out;
    }

    private static void onlyFields(JsonNode node, String prefix, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw Rejection.invalid(prefix + f, "unknown field '" + prefix + f + "' (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }
}
