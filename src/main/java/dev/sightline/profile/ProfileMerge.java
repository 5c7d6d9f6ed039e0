package dev.sightline.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sightline.values.Rejection;

/**
 * Merges an accepted profile proposal into a workspace file's content: the category when the file has none, the
 * brand's new aliases and domains (a different brand name becomes an alias: the brand is never renamed), and
 * competitors, new ones appended and known ones (same name, alias or domain) given what they lacked. Nothing is
 * removed.
 */
final class ProfileMerge {

    record Result(ObjectNode merged, Map<String, Object> changes) {
        boolean changed() {
            return changes.values().stream().anyMatch(v -> v instanceof List<?> l ? !l.isEmpty() : v != null);
        }
    }

    private ProfileMerge() {
    }

    static Result merge(ObjectNode file, JsonNode proposal) {
        if (proposal == null || !proposal.isObject()) {
            throw Rejection.invalid("profile", "profile must be an object with brand and competitors");
        }
        ObjectNode out = file.deepCopy();
        Map<String, Object> changes = new LinkedHashMap<>();
        String category = text(proposal.path("workspace"), "category", "profile.workspace.category");
        ObjectNode ws = out.withObjectProperty("workspace");
        if (category != null && text(ws, "category", "workspace.category") == null) {
            ws.put("category", category);
            changes.put("category", category);
        } else {
            changes.put("category", null);
        }

        ObjectNode brand = out.withObjectProperty("brand");
        JsonNode pb = proposal.path("brand");
        List<String> aliases = new ArrayList<>(strings(pb, "aliases", "profile.brand.aliases"));
        String proposedName = text(pb, "name", "profile.brand.name");
        String name = text(brand, "name", "brand.name");
        if (proposedName != null && name != null && !proposedName.equalsIgnoreCase(name)) {
            aliases.add(0, proposedName);
        }
        changes.put("brandAliasesAdded", union(brand, "aliases", aliases, name, false));
        changes.put("brandDomainsAdded", union(brand, "domains", strings(pb, "domains", "profile.brand.domains"),
                null, true));

        List<String> added = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        JsonNode pcs = proposal.path("competitors");
        if (!pcs.isMissingNode() && !pcs.isNull() && !pcs.isArray()) {
            throw Rejection.invalid("profile.competitors", "profile.competitors must be a list");
        }
        ArrayNode competitors = out.withArrayProperty("competitors");
        for (int i = 0; i < pcs.size(); i++) {
            String at = "profile.competitors[" + i + "]";
            JsonNode pc = pcs.get(i);
            String cname = text(pc, "name", at + ".name");
            if (cname == null) {
                throw Rejection.invalid(at + ".name", at + ".name is required");
            }
            List<String> caliases = strings(pc, "aliases", at + ".aliases");
            List<String> cdomains = strings(pc, "domains", at + ".domains");
            if (sameEntity(brand, cname, cdomains)) {
                continue;
            }
            ObjectNode known = null;
            for (JsonNode c : competitors) {
                if (c.isObject() && sameEntity((ObjectNode) c, cname, cdomains)) {
                    known = (ObjectNode) c;
                    break;
                }
            }
            if (known == null) {
                ObjectNode c = competitors.addObject();
                c.put("name", cname);
                if (!caliases.isEmpty()) {
                    caliases.forEach(c.putArray("aliases")::add);
                }
                if (!cdomains.isEmpty()) {
                    cdomains.stream().map(ProfileMerge::domain).distinct().forEach(c.putArray("domains")::add);
                }
                added.add(cname);
            } else {
                String knownName = known.path("name").asText();
                if (!union(known, "aliases", caliases, knownName, false).isEmpty()
                        | !union(known, "domains", cdomains, null, true).isEmpty()) {
                    updated.add(knownName);
                }
            }
        }
        changes.put("competitorsAdded", added);
        changes.put("competitorsUpdated", updated);
        return new Result(out, changes);
    }

    private static boolean sameEntity(ObjectNode e, String name, List<String> domains) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (e.path("name").asText().equalsIgnoreCase(name)) {
            return true;
        }
        for (String a : values(e.get("aliases"))) {
            if (a.toLowerCase(Locale.ROOT).equals(lower)) {
                return true;
            }
        }
        List<String> own = values(e.get("domains")).stream().map(ProfileMerge::domain).toList();
        return domains.stream().map(ProfileMerge::domain).anyMatch(own::contains);
    }

    /** Adds the values the entity lacks (case-insensitively; domains normalised); returns those added. */
    private static List<String> union(ObjectNode e, String field, List<String> add, String except, boolean domains) {
        List<String> current = new ArrayList<>(values(e.get(field)));
        List<String> lower = new ArrayList<>(current.stream().map(v -> (domains ? domain(v) : v)
                .toLowerCase(Locale.ROOT)).toList());
        List<String> added = new ArrayList<>();
        for (String v : add) {
            String value = domains ? domain(v) : v.strip();
            String key = value.toLowerCase(Locale.ROOT);
            if (value.isEmpty() || lower.contains(key) || except != null && except.equalsIgnoreCase(value)) {
                continue;
            }
            lower.add(key);
            current.add(value);
            added.add(value);
        }
        if (!added.isEmpty()) {
            ArrayNode arr = e.putArray(field);
            current.forEach(arr::add);
        }
        return added;
    }

    private static String domain(String d) {
        String s = d.strip().toLowerCase(Locale.ROOT).replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        s = slash >= 0 ? s.substring(0, slash) : s;
        return s.startsWith("www.") ? s.substring(4) : s;
    }

    private static List<String> values(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isValueNode()) {
            out.add(n.asText());
        } else if (n.isArray()) {
            n.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    private static String text(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw Rejection.invalid(path, path + " must be a string");
        }
        return n.asText().isBlank() ? null : n.asText().strip();
    }

    private static List<String> strings(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw Rejection.invalid(path, path + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual() || n.get(i).asText().isBlank()) {
                throw Rejection.invalid(path + "[" + i + "]", path + "[" + i + "] must be a non-empty string");
            }
            out.add(n.get(i).asText().strip());
        }
        return out;
    }
}
