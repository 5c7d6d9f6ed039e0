package dev.sightline.pages;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.sightline.analysis.Domains;

/**
 * What kind of page a cited page is, from what it states about itself (schema.org types, og:type), its address
 * and its title, in this order: forum, docs, listicle, comparison, review, news, product, other.
 */
public final class PageTypes {

    public static final List<String> ALL = List.of("listicle", "comparison", "review", "product", "docs", "forum",
            "news", "other");

    private static final Set<String> FORUM_SITES = Set.of("reddit.com", "quora.com", "stackexchange.com",
            "stackoverflow.com", "ycombinator.com", "discourse.org", "tripadvisor.com");
    private static final List<String> FORUM_PATHS = List.of("/forum", "/community/", "/threads/", "/comments/",
            "/discussions/", "/questions/", "/t/");
    private static final List<String> DOCS_HOSTS = List.of("docs.", "developer.", "developers.", "help.", "support.",
            "kb.", "knowledge.", "learn.");
    private static final List<String> DOCS_PATHS = List.of("/docs", "/documentation", "/help/", "/kb/", "/guides/",
            "/api/", "/reference/", "/manual/", "/knowledge-base/");
    private static final List<String> PRODUCT_PATHS = List.of("/pricing", "/features", "/product", "/platform",
            "/solutions", "/plans", "/integrations", "/customers");
    private static final Set<String> GENERIC_FIRST_WORDS = Set.of("why", "how", "what", "which", "when", "where",
            "who", "is", "are", "can", "should", "do", "does", "our", "best", "top", "frequently", "final", "key",
            "related", "table", "more", "other", "about", "conclusion", "verdict", "summary", "faq", "faqs",
            "methodology", "overview", "introduction", "pros", "cons", "pricing", "price", "features", "bottom",
            "comments", "reviews", "alternatives", "compare", "comparison", "contents", "share", "sign", "subscribe",
            "get", "see", "read", "learn", "try", "start", "contact", "join", "follow", "the", "a", "an", "in", "to",
            "for", "step", "tip", "tips", "option", "note", "update", "updated", "editor's", "who's", "you");

    private PageTypes() {
    }

    public static String classify(ReadPage p) {
        String url = p.url() == null ? "" : p.url().toLowerCase(Locale.ROOT);
        String host = PageReader.hostOf(url);
        String path = pathOf(url);
        String title = ((p.title() == null ? "" : p.title()) + " " + (p.h1() == null ? "" : p.h1()))
                .toLowerCase(Locale.ROOT);
        if (FORUM_SITES.contains(registrable(host)) || host.startsWith("forum.") || host.startsWith("community.")
                || FORUM_PATHS.stream().anyMatch(path::contains) || p.hasType("DiscussionForumPosting")
                || p.hasType("QAPage")) {
            return "forum";
        }
        if (DOCS_HOSTS.stream().anyMatch(host::startsWith) || DOCS_PATHS.stream().anyMatch(path::startsWith)
                || p.hasType("TechArticle") || p.hasType("APIReference")) {
            return "docs";
        }
        if (isListicleTitle(title) || path.contains("/best-") || path.contains("/best/") || path.contains("/top-")
                || path.contains("/picks/") || p.hasType("ItemList") && p.listItems().size() >= 3) {
            return "listicle";
        }
        if (title.contains(" vs ") || title.contains(" vs. ") || title.contains(" versus ") || title.contains("compar")
                || title.contains("alternative") || path.contains("-vs-") || path.contains("/vs/")
                || path.contains("/compare") || path.contains("alternatives")) {
            return "comparison";
        }
        if (p.hasType("Review") || path.contains("/review") || title.contains("review")) {
            return "review";
        }
        if (p.hasType("NewsArticle") || path.contains("/news/") || path.contains("/press/")) {
            return "news";
        }
        if (p.hasType("Product") || p.hasType("SoftwareApplication") || p.hasType("Offer")
                || PRODUCT_PATHS.stream().anyMatch(path::startsWith)
                || path.equals("/") && p.hasType("Organization")) {
            return "product";
        }
        return "other";
    }

    private static boolean isListicleTitle(String title) {
        if (title.startsWith("best ") || title.contains(" best ") && hasNumber(title) || title.startsWith("top ")
                || title.contains(" top ") && hasNumber(title)) {
            return true;
        }
        return title.contains("best ") && (title.contains(" for ") || title.contains(" of 20")
                || title.contains(" in 20"));
    }

    private static boolean hasNumber(String s) {
        return s.chars().anyMatch(Character::isDigit);
    }

    private static String pathOf(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        if (slash < 0) {
            return "/";
        }
        String p = url.substring(slash);
        int q = p.indexOf('?');
        return q >= 0 ? p.substring(0, q) : p;
    }

    /** A heading that introduces a part of the page rather than naming an option ("Pros", "How we tested"). */
    public static boolean isGenericHeading(String t) {
        String first = t.split(" ")[0].toLowerCase(Locale.ROOT).replace(":", "");
        return GENERIC_FIRST_WORDS.contains(first);
    }

    public static String registrable(String host) {
        return Domains.registrable(host);
    }
}
