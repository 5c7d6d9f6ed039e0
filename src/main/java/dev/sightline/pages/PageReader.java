package dev.sightline.pages;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Elements;
import org.jsoup.select.Evaluator;
import org.jsoup.select.Selector;

import dev.sightline.fetch.FetchResult;
import dev.sightline.values.Json;

/**
 * Reads a fetched HTML page with jsoup: its stated facts (title, description, language, dates, structured data),
 * its main text laid out as the analyzer reads answers (headings as {@code #}, list items as {@code 1.} and
 * {@code -}, table rows as {@code |}), its own first list of options, and its links.
 */
public final class PageReader {

    /** Elements whose text is never the page's content. */
    private static final Set<String> SKIPPED = Set.of("script", "style", "noscript", "template", "svg", "nav",
            "header", "footer", "aside", "form", "iframe", "button", "select", "input", "textarea", "canvas",
            "object", "embed", "dialog", "menu");
    // selectors parsed once: jsoup parses a CSS query on every select(String)
    private static final List<Evaluator> MAIN = css("main", "article", "[role=main]", "#content", "#main");
    private static final Evaluator META = Selector.evaluatorOf("meta[content]");
    private static final Evaluator HTTP_EQUIV = Selector.evaluatorOf("meta[http-equiv][content]");
    private static final Evaluator HTML = Selector.evaluatorOf("html");
    private static final Evaluator JSON_LD = Selector.evaluatorOf("script[type=application/ld+json]");
    private static final Evaluator ITEMPROP_PUBLISHED = Selector.evaluatorOf("[itemprop=datePublished]");
    private static final Evaluator ITEMPROP_MODIFIED = Selector.evaluatorOf("[itemprop=dateModified]");
    private static final Evaluator TIME_PUBDATE = Selector.evaluatorOf("time[pubdate]");
    private static final Evaluator H1 = Selector.evaluatorOf("h1");
    private static final List<Evaluator> SECTION_HEADINGS = css("h2", "h3");
    private static final Evaluator LISTS = Selector.evaluatorOf("ol, ul");
    private static final Evaluator LEAD = Selector.evaluatorOf("strong, b, a");
    private static final Evaluator LINKS = Selector.evaluatorOf("a[href]");
    private static final Evaluator ROWS = Selector.evaluatorOf("tr");
    private static final Evaluator TABLE = Selector.evaluatorOf("table");
    private static final Pattern BLANK_LINES = Pattern.compile("\n{3,}");
    private static final int MAX_LIST = 50;

    private static List<Evaluator> css(String... queries) {
        return java.util.Arrays.stream(queries).map(Selector::evaluatorOf).toList();
    }

    private PageReader() {
    }

    public static ReadPage read(FetchResult fetched) {
        Document doc;
        try {
            // a charset from the Content-Type header wins; without one jsoup reads the BOM, then the meta tags
            doc = Jsoup.parse(new ByteArrayInputStream(fetched.body()),
                    fetched.charset() == null ? null : fetched.charset().name(), fetched.finalUrl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return read(doc, fetched.finalUrl());
    }

    static ReadPage read(Document doc, String url) {
        List<JsonNode> structured = structuredData(doc);
        Map<String, String> meta = metas(doc);
        String title = firstNonBlank(doc.title(), meta.get("og:title"));
        String description = firstNonBlank(meta.get("description"), meta.get("og:description"));
        String siteName = meta.get("og:site_name");
        String language = language(doc, meta);
        LocalDate published = firstDate(meta.get("article:published_time"), meta.get("datePublished"),
                meta.get("date"), meta.get("dc.date"), ld(structured, "datePublished"),
                attr(doc, ITEMPROP_PUBLISHED, "content", "datetime"), attr(doc, TIME_PUBDATE, "datetime"));
        LocalDate modified = firstDate(meta.get("article:modified_time"), meta.get("og:updated_time"),
                meta.get("dateModified"), meta.get("last-modified"), ld(structured, "dateModified"),
                attr(doc, ITEMPROP_MODIFIED, "content", "datetime"));
        Element main = mainElement(doc);
        String text = new TextRenderer().render(main);
        List<ListItem> items = ownList(main, url);
        List<Link> links = links(doc);
        Element h1 = main.selectFirst(H1);
        ReadPage p = new ReadPage(url, title, description, siteName, language, published, modified, wordCount(text),
                text, h1 == null ? null : clean(h1.text()), items, links, structured, null);
        return p.withPageType(PageTypes.classify(p));
    }

    // ---- facts ----

    /** The meta tags by name (property, name or itemprop; any case): the first non-blank content of each. */
    private static Map<String, String> metas(Document doc) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Element m : doc.select(META)) {
            String key = firstNonBlank(m.attr("property"), m.attr("name"), m.attr("itemprop"));
            String v = clean(m.attr("content"));
            if (key != null && v != null) {
                out.putIfAbsent(key, v);
            }
        }
        return out;
    }

    private static String attr(Document doc, Evaluator css, String... attrs) {
        Element e = doc.selectFirst(css);
        if (e == null) {
            return null;
        }
        for (String a : attrs) {
            String v = clean(e.attr(a));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String language(Document doc, Map<String, String> meta) {
        Element html = doc.selectFirst(HTML);
        String raw = firstNonBlank(html == null ? null : html.attr("lang"), html == null ? null : html.attr("xml:lang"),
                meta.get("content-language"), httpEquiv(doc, "content-language"), meta.get("og:locale"));
        if (raw == null) {
            return null;
        }
        String[] parts = raw.split(",")[0].strip().replace('_', '-').split("-");
        String primary = parts[0].toLowerCase(Locale.ROOT);
        if (primary.length() < 2 || primary.length() > 3 || !primary.chars().allMatch(Character::isLetter)) {
            return null;
        }
        if (parts.length > 1 && parts[1].length() == 2 && parts[1].chars().allMatch(Character::isLetter)) {
            return primary + "-" + parts[1].toUpperCase(Locale.ROOT);
        }
        return primary;
    }

    private static String httpEquiv(Document doc, String name) {
        for (Element m : doc.select(HTTP_EQUIV)) {
            if (m.attr("http-equiv").equalsIgnoreCase(name)) {
                return clean(m.attr("content"));
            }
        }
        return null;
    }

    /** The objects of the page's JSON-LD blocks, {@code @graph} and arrays flattened. */
    private static List<JsonNode> structuredData(Document doc) {
        List<JsonNode> out = new ArrayList<>();
        for (Element s : doc.select(JSON_LD)) {
            try {
                flatten(Json.MAPPER.readTree(s.data()), out, 0);
            } catch (IOException | RuntimeException e) {
                // a broken block says nothing; the rest of the page still counts
            }
        }
        return out;
    }

    private static void flatten(JsonNode n, List<JsonNode> out, int depth) {
        if (n == null || depth > 4 || out.size() > 200) {
            return;
        }
        if (n.isArray()) {
            n.forEach(c -> flatten(c, out, depth + 1));
        } else if (n.isObject()) {
            if (n.has("@type")) {
                out.add(n);
            }
            flatten(n.get("@graph"), out, depth + 1);
        }
    }

    private static String ld(List<JsonNode> structured, String field) {
        for (JsonNode n : structured) {
            if (n.hasNonNull(field) && n.get(field).isTextual()) {
                return n.get(field).asText();
            }
        }
        return null;
    }

    /** The date part of an ISO-8601 date or timestamp; the first one that reads. */
    private static LocalDate firstDate(String... values) {
        for (String v : values) {
            if (v != null && v.length() >= 10) {
                try {
                    LocalDate d = LocalDate.parse(v.strip().substring(0, 10));
                    if (d.getYear() >= 1990 && d.getYear() <= 2100) {
                        return d;
                    }
                } catch (DateTimeParseException e) {
                    // not an ISO date: try the next statement of it
                }
            }
        }
        return null;
    }

    private static int wordCount(String text) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < text.length(); i++) {
            boolean word = Character.isLetterOrDigit(text.charAt(i));
            if (word && !in) {
                n++;
            }
            in = word;
        }
        return n;
    }

    // ---- main text ----

    private static Element mainElement(Document doc) {
        for (Evaluator css : MAIN) {
            Elements found = doc.select(css);
            if (found.size() == 1 && found.first().text().length() > 200) {
                return found.first();
            }
        }
        return doc.body() == null ? doc : doc.body();
    }

    /** Lays out an element's text as the analyzer reads answers. */
    static final class TextRenderer {
        private final StringBuilder out = new StringBuilder();
        private boolean space;

        String render(Element root) {
            children(root, 0);
            return BLANK_LINES.matcher(out).replaceAll("\n\n").strip();
        }

        private void children(Element e, int depth) {
            for (Node n : e.childNodes()) {
                node(n, depth);
            }
        }

        private void node(Node n, int depth) {
            if (n instanceof TextNode t) {
                inline(t.text());
                return;
            }
            if (!(n instanceof Element e) || SKIPPED.contains(e.normalName()) || e.hasAttr("hidden")
                    || "true".equals(e.attr("aria-hidden"))) {
                return;
            }
            String tag = e.normalName();
            switch (tag) {
                case "h1", "h2", "h3", "h4", "h5", "h6" -> {
                    block();
                    out.append("#".repeat(tag.charAt(1) - '0')).append(' ').append(clean(e.text(), ""));
                    block();
                }
                case "br" -> {
                    out.append('\n');
                    space = false;
                }
                case "ul", "ol" -> {
                    block();
                    int i = 1;
                    for (Element li : e.children()) {
                        if (!li.normalName().equals("li")) {
                            continue;
                        }
                        line();
                        out.append("  ".repeat(Math.min(depth, 4)))
                                .append(tag.equals("ol") ? (i++) + ". " : "- ");
                        space = false;
                        children(li, depth + 1);
                    }
                    block();
                }
                case "table" -> table(e);
                case "strong", "b" -> {
                    String t = clean(e.text(), "");
                    if (!t.isEmpty()) {
                        inline("**" + t + "**");
                    }
                }
                default -> {
                    boolean isBlock = e.isBlock();
                    if (isBlock) {
                        block();
                    }
                    children(e, depth);
                    if (isBlock) {
                        block();
                    }
                }
            }
        }

        private void table(Element table) {
            block();
            boolean first = true;
            for (Element row : table.select(ROWS)) {
                if (row.closest(TABLE) != table) {
                    continue;
                }
                List<String> cells = new ArrayList<>();
                for (Element c : row.children()) {
                    if (c.normalName().equals("td") || c.normalName().equals("th")) {
                        cells.add(clean(c.text(), "").replace("|", "/"));
                    }
                }
                if (cells.isEmpty()) {
                    continue;
                }
                out.append("| ").append(String.join(" | ", cells)).append(" |\n");
                if (first) {
                    out.append("|").append(" --- |".repeat(cells.size())).append('\n');
                    first = false;
                }
            }
            block();
        }

        private void inline(String text) {
            String collapsed = collapse(text);
            if (collapsed.isEmpty()) {
                return;
            }
            boolean lead = collapsed.charAt(0) == ' ';
            String t = collapsed.strip();
            if (t.isEmpty()) {
                space = true;
                return;
            }
            char last = out.length() == 0 ? '\n' : out.charAt(out.length() - 1);
            if ((lead || space) && last != '\n' && last != ' ') {
                out.append(' ');
            }
            out.append(t);
            space = collapsed.charAt(collapsed.length() - 1) == ' ';
        }

        private static String collapse(String text) {
            StringBuilder sb = new StringBuilder(text.length());
            boolean ws = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c) || c == '\u00a0') {
                    ws = true;
                } else {
                    if (ws) {
                        sb.append(' ');
                        ws = false;
                    }
                    sb.append(c);
                }
            }
            if (ws) {
                sb.append(' ');
            }
            return sb.toString();
        }

        private void line() {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
            space = false;
        }

        private void block() {
            line();
            if (out.length() > 1 && out.charAt(out.length() - 2) != '\n') {
                out.append('\n');
            }
        }
    }

    // ---- the page's own list, its links ----

    /**
     * The page's first list of options: a run of at least three section headings (h2/h3) that name something, or
     * else the first list of at least three items that lead with a name.
     */
    static List<ListItem> ownList(Element main, String pageUrl) {
        String own = PageTypes.registrable(hostOf(pageUrl));
        for (Evaluator level : SECTION_HEADINGS) {
            List<ListItem> fromHeadings = new ArrayList<>();
            for (Element h : main.select(level)) {
                String name = leadName(h.text());
                if (name != null) {
                    fromHeadings.add(new ListItem(name, linkedDomain(sectionOf(h), own)));
                }
            }
            if (fromHeadings.size() >= 3) {
                return dedupe(fromHeadings);
            }
        }
        for (Element list : main.select(LISTS)) {
            List<ListItem> items = new ArrayList<>();
            for (Element li : list.children()) {
                if (!li.normalName().equals("li")) {
                    continue;
                }
                Element strong = li.selectFirst(LEAD);
                String lead = strong != null && li.text().startsWith(strong.text()) ? strong.text() : li.ownText();
                String name = leadName(lead);
                if (name != null) {
                    items.add(new ListItem(name, linkedDomain(List.of(li), own)));
                }
            }
            if (items.size() >= 3 && items.size() * 2 >= list.children().size()) {
                return dedupe(items);
            }
        }
        return List.of();
    }

    private static List<ListItem> dedupe(List<ListItem> items) {
        Set<String> seen = new LinkedHashSet<>();
        List<ListItem> out = new ArrayList<>();
        for (ListItem i : items) {
            if (seen.add(i.name().toLowerCase(Locale.ROOT)) && out.size() < MAX_LIST) {
                out.add(i);
            }
        }
        return out;
    }

    /** A heading and what follows it up to the next heading. */
    private static List<Element> sectionOf(Element heading) {
        List<Element> out = new ArrayList<>();
        out.add(heading);
        for (Element s = heading.nextElementSibling(); s != null && !isHeading(s.normalName());
             s = s.nextElementSibling()) {
            out.add(s);
        }
        return out;
    }

    private static boolean isHeading(String tag) {
        return tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6';
    }

    private static String linkedDomain(List<Element> elements, String ownDomain) {
        for (Element e : elements) {
            for (Element a : e.select(LINKS)) {
                String host = hostOf(a.absUrl("href"));
                String d = PageTypes.registrable(host);
                if (!d.isEmpty() && !d.equals(ownDomain)) {
                    return d;
                }
            }
        }
        return null;
    }

    /** "1. Pipedrive – best for small teams" as "Pipedrive"; null when the lead is no name. */
    public static String leadName(String text) {
        String t = clean(text, "");
        // a numbering in front ("1. ", "#2 ", "3) ") is not part of the name
        int i = t.startsWith("#") ? 1 : 0;
        int d = i;
        while (d < t.length() && Character.isDigit(t.charAt(d))) {
            d++;
        }
        if (d > i && d < t.length() && ".): ".indexOf(t.charAt(d)) >= 0) {
            t = t.substring(d + 1).strip();
        }
        for (String sep : List.of(" – ", " — ", " - ", ": ", " (", ", ", " | ")) {
            int at = t.indexOf(sep);
            if (at > 0) {
                t = t.substring(0, at);
            }
        }
        t = t.strip();
        if (t.endsWith(":") || t.endsWith(".")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        // a name starts with a capital or a digit, or has one inside ("monday sales CRM")
        if (t.isEmpty() || t.length() > 60 || !Character.isLetterOrDigit(t.codePointAt(0))
                || t.chars().noneMatch(ch -> Character.isUpperCase(ch) || Character.isDigit(ch))) {
            return null;
        }
        String[] words = t.split(" ");
        if (words.length > 5 || PageTypes.isGenericHeading(t)) {
            return null;
        }
        return t;
    }

    private static List<Link> links(Document doc) {
        List<Link> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Element a : doc.select(LINKS)) {
            String href = a.absUrl("href");
            int hash = href.indexOf('#');
            if (hash >= 0) {
                href = href.substring(0, hash);
            }
            if ((href.startsWith("http://") || href.startsWith("https://")) && seen.add(href) && out.size() < 500) {
                out.add(new Link(href, clean(a.text(), "")));
            }
        }
        return out;
    }

    public static String hostOf(String url) {
        try {
            String h = URI.create(url).getHost();
            return h == null ? "" : h.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    private static String clean(String s) {
        if (s == null) {
            return null;
        }
        String t = s.replace('\u00a0', ' ').strip();
        return t.isEmpty() ? null : t;
    }

    private static String clean(String s, String empty) {
        String c = clean(s);
        return c == null ? empty : c;
    }
}
