package dev.sightline.workspace;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import dev.sightline.values.EntityKind;
import dev.sightline.values.Json;
import dev.sightline.values.Text;

/**
 * A workspace definition (brand, competitors, prompts) as written in {@code examples/*.yaml}. Parsing validates
 * everything and names the file and field of the first problem, so a typo never half-imports a workspace.
 */
public record WorkspaceFile(String slug, String name, String category, BigDecimal dailyBudgetUsd, EntityDef brand,
                            List<EntityDef> competitors, List<PromptDef> prompts, List<WebhookDef> webhooks,
                            String source) {

    public record EntityDef(String name, EntityKind kind, List<String> aliases, List<String> domains) {
    }

    public record PromptDef(String text, List<String> tags) {
    }

    /**
     * A webhook: where to post which events, signed with the secret (never logged, stored or returned).
     *
     * @param field where it is in the file ({@code webhooks[0]}), for messages
     */
    public record WebhookDef(String url, String secret, List<String> events, String field) {

        @Override
        public String toString() {
            return "WebhookDef[url=" + url + ", secret=***, events=" + events + "]";
        }
    }

    /** The events a webhook may subscribe to. */
    public static final List<String> WEBHOOK_EVENTS = List.of("run.completed", "alert.raised");
    private static final Pattern ENV_SECRET = Pattern.compile("^\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)\\}$");

    public static final int MAX_PROMPT_CHARS = 200_000;
    private static final Pattern SLUG = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");
    private static final Pattern TAG = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} _:./+-]{0,79}$");
    private static final Pattern DOMAIN = Pattern.compile("^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}$");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Thrown for any invalid content; the message names the file and the field. */
    public static final class InvalidWorkspaceException extends RuntimeException {
        public InvalidWorkspaceException(String message) {
            super(message);
        }
    }

    /**
     * Reads a workspace file of the working folder, or, when there is none at that path, the one the jar ships
     * with the same path (the demo workspace, {@code examples/demo.yaml}).
     */
    public static WorkspaceFile read(Path file) {
        byte[] bytes;
        try {
            if (Files.exists(file) || file.isAbsolute()) {
                bytes = Files.readAllBytes(file);
            } else {
                try (var in = WorkspaceFile.class.getClassLoader()
                        .getResourceAsStream(file.toString().replace('\\', '/'))) {
                    if (in == null) {
                        throw new java.nio.file.NoSuchFileException(file.toAbsolutePath().toString());
                    }
                    bytes = in.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new InvalidWorkspaceException("Cannot read workspace file " + file + " (sightline.workspace.file): "
                    + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidWorkspaceException(file + ": not valid UTF-8");
        }
        JsonNode root;
        try {
            plainYaml(file.toString(), text);
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new InvalidWorkspaceException(file + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        return parse(file.toString(), root);
    }

    /**
     * YAML that means what it shows: no anchors and aliases (an alias would be read as the anchor's name, and
     * aliases can multiply a small file into a huge one), and no key twice in a mapping (the last would win
     * silently).
     */
    private static void plainYaml(String source, String text) throws IOException {
        try (YAMLParser p = (YAMLParser) YAML.getFactory().createParser(text)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            while (p.nextToken() != null) {
                if (p.isCurrentAlias() || p.getCurrentAnchor() != null) {
                    String at = Json.path(p.getParsingContext());
                    throw new InvalidWorkspaceException(source + ": " + (at == null ? "" : at + ": ")
                            + "YAML anchors and aliases (&name, *name) are not allowed; write the value out");
                }
            }
        } catch (JsonParseException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                String at = Json.path(e.getProcessor().getParsingContext());
                throw new InvalidWorkspaceException(source + ": " + (at == null ? "" : at + ": ")
                        + "the key is given twice");
            }
            throw e;
        }
    }

    public static WorkspaceFile parse(String source, JsonNode root) {
        Ctx c = new Ctx(source);
        if (root == null || !root.isObject()) {
            throw c.fail("", "expected a mapping with workspace, brand, competitors and prompts");
        }
        c.onlyFields(root, "", Set.of("workspace", "budget", "brand", "competitors", "prompts", "webhooks"));
        JsonNode ws = c.object(root, "workspace");
        c.onlyFields(ws, "workspace", Set.of("slug", "name", "category"));
        String slug = c.text(ws, "workspace", "slug", true, 63);
        if (!SLUG.matcher(slug).matches()) {
            throw c.fail("workspace.slug", "must be lower-case letters, digits and dashes (got '" + slug + "')");
        }
        String name = c.text(ws, "workspace", "name", true, 200);
        String category = c.text(ws, "workspace", "category", false, 200);

        BigDecimal dailyBudget = null;
        JsonNode budget = root.get("budget");
        if (budget != null && !budget.isNull()) {
            if (!budget.isObject()) {
                throw c.fail("budget", "expected a mapping such as {daily-usd: 5}");
            }
            c.onlyFields(budget, "budget", Set.of("daily-usd"));
            JsonNode v = budget.get("daily-usd");
            if (v != null && !v.isNull()) {
                try {
                    dailyBudget = new BigDecimal(v.asText().strip());
                } catch (NumberFormatException e) {
                    throw c.fail("budget.daily-usd", "not a number (got '" + v.asText() + "')");
                }
                if (dailyBudget.signum() < 0 || dailyBudget.compareTo(new BigDecimal("100000000")) >= 0) {
                    throw c.fail("budget.daily-usd", "must be between 0 and 99,999,999 (got " + v.asText() + ")");
                }
            }
        }

        EntityDef brand = c.entity(c.object(root, "brand"), "brand", EntityKind.BRAND);
        List<EntityDef> competitors = new ArrayList<>();
        JsonNode comps = root.get("competitors");
        if (comps != null && !comps.isNull()) {
            if (!comps.isArray()) {
                throw c.fail("competitors", "expected a list");
            }
            for (int i = 0; i < comps.size(); i++) {
                competitors.add(c.entity(comps.get(i), "competitors[" + i + "]", EntityKind.COMPETITOR));
            }
        }
        Set<String> names = new HashSet<>();
        names.add(brand.name().toLowerCase(Locale.ROOT));
        for (int i = 0; i < competitors.size(); i++) {
            if (!names.add(competitors.get(i).name().toLowerCase(Locale.ROOT))) {
                throw c.fail("competitors[" + i + "].name", "duplicate entity name '" + competitors.get(i).name() + "'");
            }
        }

        JsonNode ps = root.get("prompts");
        if (ps == null || !ps.isArray()) {
            throw c.fail("prompts", "expected a list of prompts");
        }
        Map<String, PromptDef> prompts = new LinkedHashMap<>();
        for (int i = 0; i < ps.size(); i++) {
            String at = "prompts[" + i + "]";
            JsonNode p = ps.get(i);
            String text;
            List<String> tags;
            if (p.isTextual()) {
                text = p.asText();
                tags = List.of();
            } else if (p.isObject()) {
                c.onlyFields(p, at, Set.of("text", "tags"));
                text = c.text(p, at, "text", true, MAX_PROMPT_CHARS);
                tags = c.strings(p, at, "tags");
                for (int t = 0; t < tags.size(); t++) {
                    if (!TAG.matcher(tags.get(t)).matches()) {
                        throw c.fail(at + ".tags[" + t + "]", "tags are 1-80 letters, digits, spaces and _:./+- (got '"
                                + tags.get(t) + "')");
                    }
                }
            } else {
                throw c.fail(at, "expected a text or a mapping with text and tags");
            }
            c.checkText(at + ".text", text, MAX_PROMPT_CHARS);
            String normalised = text.strip();
            if (prompts.containsKey(normalised)) {
                throw c.fail(at + ".text", "duplicate prompt");
            }
            prompts.put(normalised, new PromptDef(normalised, tags.stream().distinct().toList()));
        }
        return new WorkspaceFile(slug, name, category == null ? "" : category, dailyBudget, brand, competitors,
                List.copyOf(prompts.values()), c.webhooks(root.get("webhooks")), source);
    }

    private record Ctx(String source) {

        List<WebhookDef> webhooks(JsonNode hooks) {
            if (hooks == null || hooks.isNull()) {
                return List.of();
            }
            if (!hooks.isArray()) {
                throw fail("webhooks", "expected a list of {url, secret, events}");
            }
            List<WebhookDef> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < hooks.size(); i++) {
                String at = "webhooks[" + i + "]";
                JsonNode h = hooks.get(i);
                if (!h.isObject()) {
                    throw fail(at, "expected a mapping with url, secret and events");
                }
                onlyFields(h, at, Set.of("url", "secret", "events"));
                String url = webhookUrl(text(h, at, "url", true, 2000), at + ".url");
                String secret = secret(h.get("secret"), at + ".secret");
                List<String> events = strings(h, at, "events");
                if (events.isEmpty()) {
                    throw fail(at + ".events", "name at least one of " + WEBHOOK_EVENTS);
                }
                for (int e = 0; e < events.size(); e++) {
                    if (!WEBHOOK_EVENTS.contains(events.get(e))) {
                        throw fail(at + ".events[" + e + "]", "unknown event '" + events.get(e) + "' (expected one of "
                                + WEBHOOK_EVENTS + ")");
                    }
                }
                if (!seen.add(url + "\u0000" + secret)) {
                    throw fail(at, "the same url and secret as an earlier webhook");
                }
                out.add(new WebhookDef(url, secret, events.stream().distinct().toList(), at));
            }
            return List.copyOf(out);
        }

        String webhookUrl(String url, String path) {
            java.net.URI u;
            try {
                u = new java.net.URI(url);
            } catch (java.net.URISyntaxException e) {
                throw fail(path, "not a URL (got '" + url + "')");
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw fail(path, "must be an http or https URL (got '" + url + "')");
            }
            if (u.getHost() == null || u.getHost().isBlank()) {
                throw fail(path, "has no host (got '" + url + "')");
            }
            if (u.getRawUserInfo() != null) {
                throw fail(path, "must not carry credentials before the host; the secret signs the request");
            }
            if (u.getRawFragment() != null) {
                throw fail(path, "must not have a #fragment");
            }
            return url;
        }

        /** A secret as written, or {@code ${env:NAME}}; its value never appears in a message. */
        String secret(JsonNode n, String path) {
            if (n == null || n.isNull()) {
                throw fail(path, "is required (at least 16 characters, or ${env:NAME})");
            }
            if (!n.isTextual()) {
                throw fail(path, "expected a text");
            }
            String v = n.asText().strip();
            var env = ENV_SECRET.matcher(v);
            if (env.matches()) {
                v = System.getenv(env.group(1));
                if (v == null || v.isBlank()) {
                    throw fail(path, "environment variable " + env.group(1) + " is not set");
                }
                v = v.strip();
            }
            if (v.length() < 16 || v.length() > 512) {
                throw fail(path, "must be 16 to 512 characters long");
            }
            if (v.indexOf('\0') >= 0) {
                throw fail(path, "contains a NUL character");
            }
            return v;
        }

        InvalidWorkspaceException fail(String field, String problem) {
            return new InvalidWorkspaceException(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        }

        void onlyFields(JsonNode node, String at, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f)) {
                    throw fail(at.isEmpty() ? f : at + "." + f, "unknown field (expected one of " + allowed + ")");
                }
            }
        }

        JsonNode object(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || !n.isObject()) {
                throw fail(field, "missing or not a mapping");
            }
            return n;
        }

        String text(JsonNode parent, String at, String field, boolean required, int max) {
            JsonNode n = parent.get(field);
            String path = at.isEmpty() ? field : at + "." + field;
            if (n == null || n.isNull()) {
                if (required) {
                    throw fail(path, "is required");
                }
                return null;
            }
            if (!n.isValueNode()) {
                throw fail(path, "expected a text");
            }
            String v = n.asText().strip();
            if (required && v.isEmpty()) {
                throw fail(path, "must not be empty");
            }
            checkText(path, v, max);
            return v;
        }

        void checkText(String path, String v, int max) {
            if (v.isBlank()) {
                throw fail(path, "must not be empty");
            }
            if (v.length() > max) {
                throw fail(path, "longer than " + max + " characters");
            }
            if (v.indexOf('\0') >= 0) {
                throw fail(path, "contains a NUL character");
            }
            int control = Text.controlAt(v);
            if (control >= 0) {
                throw fail(path, "contains " + Text.codePointAt(v, control) + " at character " + control
                        + " (control characters other than tab and newline, and bidirectional controls, are not"
                        + " allowed)");
            }
        }

        List<String> strings(JsonNode parent, String at, String field) {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (n.isTextual()) {
                return List.of(n.asText().strip());
            }
            if (!n.isArray()) {
                throw fail(at + "." + field, "expected a list");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (!e.isValueNode() || e.asText().isBlank()) {
                    throw fail(at + "." + field + "[" + i + "]", "expected a non-empty text");
                }
                checkText(at + "." + field + "[" + i + "]", e.asText().strip(), 200);
                out.add(e.asText().strip());
            }
            return out;
        }

        EntityDef entity(JsonNode n, String at, EntityKind kind) {
            if (n == null || !n.isObject()) {
                throw fail(at, "expected a mapping with name, aliases and domains");
            }
            onlyFields(n, at, Set.of("name", "aliases", "domains"));
            String name = text(n, at, "name", true, 200);
            List<String> aliases = strings(n, at, "aliases").stream()
                    .filter(a -> !a.equalsIgnoreCase(name)).distinct().toList();
            List<String> domains = new ArrayList<>();
            List<String> raw = strings(n, at, "domains");
            for (int i = 0; i < raw.size(); i++) {
                String d = raw.get(i).toLowerCase(Locale.ROOT).replaceFirst("^https?://", "").replaceFirst("/.*$", "")
                        .replaceFirst("^www\\.", "");
                if (!DOMAIN.matcher(d).matches()) {
                    throw fail(at + ".domains[" + i + "]", "not a domain name (got '" + raw.get(i) + "')");
                }
                if (!domains.contains(d)) {
                    domains.add(d);
                }
            }
            return new EntityDef(name, kind, aliases, List.copyOf(domains));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
