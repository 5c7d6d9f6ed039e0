package dev.sightline.profile;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sightline.analysis.AnswerAnalyzer;
import dev.sightline.fetch.FetchResult;
import dev.sightline.fetch.WebFetcher;
import dev.sightline.pages.Link;
import dev.sightline.pages.PageReader;
import dev.sightline.pages.PageTypes;
import dev.sightline.pages.ReadPage;
import dev.sightline.store.AnswerColumns;
import dev.sightline.store.Jdbc;
import dev.sightline.values.EntityKind;
import dev.sightline.values.Json;
import dev.sightline.values.TrackedEntity;
import dev.sightline.workspace.Workspace;

/**
 * Derives a brand's profile from its website and from what the workspace already stored: the home page and up to ten
 * pages of the same site (pricing, product, about first) give the name and aliases (og:site_name, schema.org
 * Organization, titles), domains, product names and category; the stored answers and cited pages that name the
 * brand give candidate competitors (the other options listed beside it). The result is a proposal for a person to
 * accept, never applied by itself.
 */
public final class BrandProfiler {

    static final int MAX_PAGES = 10;
    private static final int MAX_ANSWERS = 1000;
    private static final int MAX_COMPETITORS = 10;
    private static final List<String> SEPARATORS = List.of(" | ", " – ", " — ", " - ", ": ", " · ");
    /** Link paths by how much they tell about a brand, most first; a path with none of them ranks last. */
    private static final List<Map.Entry<String, String>> PAGE_KINDS = List.of(
            Map.entry("pricing", "pricing page"), Map.entry("plans", "pricing page"),
            Map.entry("products", "product page"), Map.entry("product", "product page"),
            Map.entry("features", "features page"), Map.entry("platform", "platform page"),
            Map.entry("solutions", "solutions page"), Map.entry("about", "about page"),
            Map.entry("company", "about page"), Map.entry("customers", "customers page"),
            Map.entry("integrations", "integrations page"), Map.entry("compare", "comparison page"));
    private static final List<String> SKIP_PATHS = List.of("login", "log-in", "signin", "sign-in", "signup", "sign-up",
            "register", "cart", "checkout", "privacy", "terms", "legal", "cookie", "careers", "jobs", "status",
            "cdn-cgi", "wp-admin", "account");
    private static final List<String> SKIP_EXTENSIONS = List.of(".pdf", ".jpg", ".jpeg", ".png", ".gif", ".svg",
            ".webp", ".zip", ".mp4", ".css", ".js", ".xml", ".json");
    private static final Set<String> SOCIAL = Set.of("twitter.com", "x.com", "linkedin.com", "facebook.com",
            "youtube.com", "instagram.com", "github.com", "wikipedia.org", "tiktok.com", "crunchbase.com");
    private static final Set<String> HEAD_NOUNS = Set.of("software", "platform", "tool", "tools", "app", "apps",
            "service", "services", "solution", "solutions", "crm", "system", "suite", "marketplace", "bank", "api");

    private static final String ANSWERS = "SELECT " + AnswerColumns.SELECT + """
              FROM response s JOIN cell l ON l.id = s.cell_id JOIN run r ON r.id = l.run_id
             WHERE r.workspace_id = ? ORDER BY s.id DESC LIMIT ?""";
    private static final String PAGE_LISTS = """
            SELECT list_items::text FROM page
             WHERE workspace_id = ? AND error IS NULL AND jsonb_array_length(list_items) > 0
             ORDER BY id DESC LIMIT 2000""";
    private static final String CITED_DOMAINS = """
            SELECT DISTINCT c.domain FROM citation c JOIN response s ON s.id = c.response_id
              JOIN cell l ON l.id = s.cell_id JOIN run r ON r.id = l.run_id
             WHERE r.workspace_id = ? LIMIT 5000""";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /** Writes a step in words; false when the item's lease was lost (the profile stops). */
    public interface Steps {
        boolean step(String words, int number, int total);
    }

    /** How a profile came out. */
    public record Outcome(FetchResult.Outcome outcome, String resultJson, String reason, Duration retryAfter,
                          boolean leaseLost) {
    }

    private final WebFetcher fetcher;
    private final Jdbc jdbc;

    public BrandProfiler(WebFetcher fetcher, Jdbc jdbc) {
        this.fetcher = fetcher;
        this.jdbc = jdbc;
    }

    public Outcome profile(String url, Workspace workspace, WebFetcher.Abort abort, Steps steps) {
        int total = 1 + MAX_PAGES + 3;
        if (!steps.step("Fetching home page", 1, total)) {
            return lost();
        }
        FetchResult home = fetcher.fetch(url, abort);
        if (!home.ok()) {
            return new Outcome(home.outcome(), null, "home page " + url + ": " + home.reason(), home.retryAfter(),
                    false);
        }
        ReadPage homePage = PageReader.read(home);
        String site = PageTypes.registrable(PageReader.hostOf(home.finalUrl()));
        List<Map<String, Object>> read = new ArrayList<>();
        read.add(pageEntry(home, homePage));
        List<ReadPage> pages = new ArrayList<>();
        pages.add(homePage);
        List<Map.Entry<String, String>> links = sameSiteLinks(homePage, site);
        total = 1 + links.size() + 3;
        int n = 1;
        for (Map.Entry<String, String> link : links) {
            if (abort.aborted()) {
                return aborted();
            }
            if (!steps.step("Fetching " + link.getValue(), ++n, total)) {
                return lost();
            }
            FetchResult f = fetcher.fetch(link.getKey(), abort);
            if (f.ok()) {
                ReadPage p = PageReader.read(f);
                pages.add(p);
                read.add(pageEntry(f, p));
            } else {
                read.add(pageEntry(f, null));
            }
        }
        if (abort.aborted()) {
            return aborted();
        }
        Identity id = identity(pages, site);
        TrackedEntity proposed = new TrackedEntity(0, id.name(), EntityKind.BRAND, id.aliases(), id.domains());
        if (!steps.step("Reading stored answers", ++n, total)) {
            return lost();
        }
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        int answersRead = coMentionsInAnswers(workspace.id(), proposed, candidates);
        if (!steps.step("Reading cited pages", ++n, total)) {
            return lost();
        }
        int pagesRead = coMentionsInPages(workspace.id(), proposed, candidates);
        if (!steps.step("Proposing the profile", ++n, total)) {
            return lost();
        }
        return new Outcome(FetchResult.Outcome.OK, Json.write(result(url, home.finalUrl(), site, id, workspace,
                candidates, read, answersRead, pagesRead)), null, null, false);
    }

    private static Outcome lost() {
        return new Outcome(FetchResult.Outcome.ABORTED, null, "lease lost", null, true);
    }

    private static Outcome aborted() {
        return new Outcome(FetchResult.Outcome.ABORTED, null, "aborted", null, false);
    }

    private static Map<String, Object> pageEntry(FetchResult f, ReadPage p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", f.url());
        m.put("finalUrl", f.finalUrl());
        m.put("status", f.status() == 0 ? null : f.status());
        m.put("title", p == null ? null : p.title());
        m.put("error", f.ok() ? null : f.reason());
        return m;
    }

    // ---- which pages of the site ----

    /** Up to ten links to other pages of the same site, the most telling first, each with a step name. */
    static List<Map.Entry<String, String>> sameSiteLinks(ReadPage home, String site) {
        Map<String, Integer> rank = new LinkedHashMap<>();
        Map<String, String> label = new HashMap<>();
        String homePath = pathOf(home.url());
        for (Link l : home.links()) {
            String u = stripQuery(l.url());
            String host = PageReader.hostOf(u);
            if (!PageTypes.registrable(host).equals(site)) {
                continue;
            }
            String path = pathOf(u).toLowerCase(Locale.ROOT);
            if (path.equals(homePath) || path.equals("/") || SKIP_EXTENSIONS.stream().anyMatch(path::endsWith)
                    || SKIP_PATHS.stream().anyMatch(s -> path.contains("/" + s))) {
                continue;
            }
            int r = PAGE_KINDS.size() + 1;
            String name = "page " + pathOf(u);
            for (int i = 0; i < PAGE_KINDS.size(); i++) {
                String kind = PAGE_KINDS.get(i).getKey();
                if (path.startsWith("/" + kind) || path.contains("/" + kind + "/")) {
                    r = i;
                    name = PAGE_KINDS.get(i).getValue() + (path.equals("/" + kind) || path.equals("/" + kind + "/")
                            ? "" : " (" + pathOf(u) + ")");
                    break;
                }
            }
            if (path.chars().filter(c -> c == '/').count() > 3) {
                r += PAGE_KINDS.size();
            }
            if (!rank.containsKey(u) || rank.get(u) > r) {
                rank.put(u, r);
                label.put(u, name);
            }
        }
        return rank.entrySet().stream().sorted(Map.Entry.comparingByValue()).limit(MAX_PAGES)
                .map(e -> Map.entry(e.getKey(), label.get(e.getKey()))).toList();
    }

    private static String pathOf(String url) {
        try {
            String p = URI.create(url).getPath();
            return p == null || p.isEmpty() ? "/" : p;
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }

    private static String stripQuery(String url) {
        int q = url.indexOf('?');
        return q >= 0 ? url.substring(0, q) : url;
    }

    // ---- who the brand is ----

    record Identity(String name, List<String> aliases, List<String> domains, List<String> products, String category) {
    }

    static Identity identity(List<ReadPage> pages, String site) {
        ReadPage home = pages.get(0);
        Map<String, Integer> score = new LinkedHashMap<>();
        Set<String> aliases = new LinkedHashSet<>();
        Set<String> domains = new LinkedHashSet<>();
        domains.add(site);
        Set<String> products = new LinkedHashSet<>();
        Map<String, Integer> categories = new LinkedHashMap<>();
        for (JsonNode n : home.structured()) {
            if (isType(n, "Organization", "Corporation", "Brand", "OnlineBusiness", "WebSite")) {
                String name = Json.text(n.get("name"));
                if (name != null && name.length() <= 60) {
                    score.merge(name.strip(), isType(n, "WebSite") ? 2 : 4, Integer::sum);
                }
                texts(n.get("alternateName")).forEach(aliases::add);
                addDomain(domains, Json.text(n.get("url")));
                texts(n.get("sameAs")).forEach(s -> addDomain(domains, s));
            }
        }
        if (home.siteName() != null) {
            score.merge(home.siteName(), 3, Integer::sum);
        }
        String label = site.contains(".") ? site.substring(0, site.indexOf('.')) : site;
        for (ReadPage p : pages) {
            for (String seg : segments(p.title())) {
                score.merge(seg, p == home ? 2 : 1, Integer::sum);
            }
            for (JsonNode n : p.structured()) {
                if (isType(n, "Product", "SoftwareApplication", "WebApplication", "MobileApplication", "Service")) {
                    String name = Json.text(n.get("name"));
                    if (name != null && name.length() <= 80) {
                        products.add(name.strip());
                    }
                    String cat = Json.text(n.get("applicationCategory"));
                    if (cat != null && !cat.endsWith("Application") && cat.length() <= 60) {
                        categories.merge(cat.strip(), 1, Integer::sum);
                    }
                }
            }
        }
        score.replaceAll((name, s) -> compact(name).equals(label) ? s + 3 : s);
        String name = score.entrySet().stream()
                .filter(e -> !PageTypes.isGenericHeading(e.getKey()))
                .max(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(e -> -e.getKey().length()))
                .map(Map.Entry::getKey).orElse(capitalise(label));
        // a segment of the home page's title that is the name and a word or two more ("Pipedrive CRM") is a name
        // people use too, unless it names a product
        for (String seg : segments(home.title())) {
            String[] words = seg.split(" ");
            if (!seg.equalsIgnoreCase(name) && seg.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT)
                    + " ") && words.length <= name.split(" ").length + 2
                    && !PageTypes.isGenericHeading(words[words.length - 1])) {
                aliases.add(seg);
            }
        }
        aliases.removeIf(a -> a.equalsIgnoreCase(name) || a.length() > 60
                || products.stream().anyMatch(a::equalsIgnoreCase));
        products.removeIf(p -> p.equalsIgnoreCase(name));
        String category = categories.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElseGet(() -> categoryFrom(home.description(), home.h1()));
        return new Identity(name, List.copyOf(aliases), List.copyOf(domains), List.copyOf(products), category);
    }

    private static boolean isType(JsonNode n, String... types) {
        JsonNode t = n.get("@type");
        for (String type : types) {
            if (t != null && (t.isTextual() && t.asText().equalsIgnoreCase(type)
                    || t.isArray() && t.toString().contains("\"" + type + "\""))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> texts(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isTextual()) {
            out.add(n.asText().strip());
        } else if (n.isArray()) {
            n.forEach(e -> {
                if (e.isTextual()) {
                    out.add(e.asText().strip());
                }
            });
        }
        return out;
    }

    private static void addDomain(Set<String> domains, String url) {
        if (url == null) {
            return;
        }
        String d = PageTypes.registrable(PageReader.hostOf(url.contains("://") ? url : "https://" + url));
        if (!d.isEmpty() && d.contains(".") && !SOCIAL.contains(d)) {
            domains.add(d);
        }
    }

    /** A title's parts that could be a name ("Pipedrive | CRM for small teams" gives both parts). */
    static List<String> segments(String title) {
        List<String> parts = new ArrayList<>();
        if (title == null) {
            return parts;
        }
        List<String> current = List.of(title.strip());
        for (String sep : SEPARATORS) {
            List<String> next = new ArrayList<>();
            for (String c : current) {
                for (String piece : c.split(java.util.regex.Pattern.quote(sep))) {
                    if (!piece.isBlank()) {
                        next.add(piece.strip());
                    }
                }
            }
            current = next;
        }
        for (String c : current) {
            if (c.split(" ").length <= 4 && c.length() <= 40 && Character.isLetterOrDigit(c.charAt(0))) {
                parts.add(c);
            }
        }
        return parts;
    }

    /** "Pipedrive is the CRM software for small sales teams" as "CRM software". */
    static String categoryFrom(String... texts) {
        for (String t : texts) {
            if (t == null) {
                continue;
            }
            String[] words = t.split("[\\s,.;:!()]+");
            for (int i = 0; i < words.length; i++) {
                if (HEAD_NOUNS.contains(words[i].toLowerCase(Locale.ROOT))) {
                    int start = i;
                    while (start > 0 && i - start < 2 && isCategoryWord(words[start - 1])) {
                        start--;
                    }
                    String phrase = String.join(" ", java.util.Arrays.copyOfRange(words, start, i + 1));
                    if (start < i || words[i].equals("CRM")) {
                        return phrase;
                    }
                }
            }
        }
        return null;
    }

    private static boolean isCategoryWord(String w) {
        String l = w.toLowerCase(Locale.ROOT);
        return !w.isEmpty() && Character.isLetter(w.charAt(0)) && !Set.of("the", "a", "an", "is", "are", "best", "easy",
                "simple", "leading", "modern", "powerful", "our", "your", "and", "for", "of", "to", "with", "all-in-one",
                "#1", "top", "smart", "new", "online", "free").contains(l);
    }

    private static String compact(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ---- who it is compared with ----

    /** A candidate competitor and how often it stood beside the brand. */
    static final class Candidate {
        final String name;
        int answers;
        int pages;
        final Set<String> domains = new LinkedHashSet<>();

        Candidate(String name) {
            this.name = name;
        }
    }

    private int coMentionsInAnswers(long workspaceId, TrackedEntity brand, Map<String, Candidate> candidates) {
        AnswerAnalyzer analyzer = new AnswerAnalyzer(List.of(brand));
        Set<String> own = ownNames(brand);
        int[] read = {0};
        jdbc.query(ANSWERS, rs -> {
            String text = AnswerColumns.read(rs).text();
            read[0]++;
            if (text != null && analyzer.analyze(text, List.of()).brandVisible()) {
                for (String name : ListLeads.of(text)) {
                    if (!own.contains(compact(name))) {
                        candidates.computeIfAbsent(compact(name), k -> new Candidate(name)).answers++;
                    }
                }
            }
            return null;
        }, workspaceId, MAX_ANSWERS);
        return read[0];
    }

    private int coMentionsInPages(long workspaceId, TrackedEntity brand, Map<String, Candidate> candidates) {
        Set<String> own = ownNames(brand);
        int[] read = {0};
        jdbc.query(PAGE_LISTS, rs -> {
            JsonNode items;
            try {
                items = Json.MAPPER.readTree(rs.getString(1));
            } catch (java.io.IOException e) {
                return null;
            }
            read[0]++;
            boolean withBrand = false;
            for (JsonNode i : items) {
                withBrand |= own.contains(compact(i.path("name").asText()));
            }
            if (withBrand) {
                for (JsonNode i : items) {
                    String name = i.path("name").asText();
                    if (!name.isEmpty() && !own.contains(compact(name))) {
                        Candidate c = candidates.computeIfAbsent(compact(name), k -> new Candidate(name));
                        c.pages++;
                        if (i.hasNonNull("domain")) {
                            c.domains.add(i.get("domain").asText());
                        }
                    }
                }
            }
            return null;
        }, workspaceId);
        return read[0];
    }

    private static Set<String> ownNames(TrackedEntity brand) {
        Set<String> own = new LinkedHashSet<>();
        own.add(compact(brand.name()));
        brand.aliases().forEach(a -> own.add(compact(a)));
        return own;
    }

    // ---- the proposal ----

    private Map<String, Object> result(String url, String finalUrl, String site, Identity id, Workspace workspace,
                                       Map<String, Candidate> candidates, List<Map<String, Object>> read,
                                       int answersRead, int pagesRead) {
        Map<String, String> byLabel = new HashMap<>();
        jdbc.query(CITED_DOMAINS, rs -> byLabel.putIfAbsent(compact(firstLabel(rs.getString(1))), rs.getString(1)),
                workspace.id());
        Set<String> tracked = new LinkedHashSet<>();
        for (TrackedEntity e : workspace.entities()) {
            tracked.add(compact(e.name()));
            e.aliases().forEach(a -> tracked.add(compact(a)));
        }
        List<Candidate> ranked = candidates.values().stream()
                .filter(c -> c.answers + c.pages >= 2)
                .sorted(Comparator.<Candidate>comparingInt(c -> -(c.answers + c.pages)).thenComparing(c -> c.name))
                .toList();
        List<Map<String, Object>> evidence = new ArrayList<>();
        List<Map<String, Object>> proposedCompetitors = new ArrayList<>();
        for (Candidate c : ranked) {
            if (c.domains.isEmpty() && byLabel.containsKey(compact(c.name))) {
                c.domains.add(byLabel.get(compact(c.name)));
            }
            boolean known = tracked.contains(compact(c.name));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", c.name);
            e.put("domains", List.copyOf(c.domains));
            e.put("answers", c.answers);
            e.put("pages", c.pages);
            e.put("tracked", known);
            if (evidence.size() < 3 * MAX_COMPETITORS) {
                evidence.add(e);
            }
            if (!known && proposedCompetitors.size() < MAX_COMPETITORS) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("name", c.name);
                if (!c.domains.isEmpty()) {
                    p.put("domains", List.copyOf(c.domains));
                }
                proposedCompetitors.add(p);
            }
        }
        Map<String, Object> proposal = new LinkedHashMap<>();
        if (id.category() != null) {
            proposal.put("workspace", Map.of("category", id.category()));
        }
        Map<String, Object> brand = new LinkedHashMap<>();
        brand.put("name", id.name());
        brand.put("aliases", id.aliases());
        brand.put("domains", id.domains());
        proposal.put("brand", brand);
        proposal.put("competitors", proposedCompetitors);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("url", url);
        out.put("finalUrl", finalUrl);
        out.put("site", site);
        out.put("proposal", proposal);
        try {
            out.put("yaml", YAML.writeValueAsString(proposal));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.put("products", id.products());
        out.put("category", id.category());
        out.put("competitorEvidence", evidence);
        out.put("pagesRead", read);
        out.put("answersRead", answersRead);
        out.put("citedPagesRead", pagesRead);
        return out;
    }

    private static String firstLabel(String domain) {
        int dot = domain.indexOf('.');
        return dot > 0 ? domain.substring(0, dot) : domain;
    }
}
