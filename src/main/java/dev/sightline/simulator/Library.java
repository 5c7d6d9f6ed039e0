package dev.sightline.simulator;

import dev.sightline.simulator.Composition.SourcePage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;

/**
 * The pages one simulated web search finds: the players' own sites, review sites and media roundups. Pages are
 * numbered in the order the answer first cites them.
 */
final class Library {

    private record Site(String domain, String kind) {
    }

    private static final List<Site> ROUNDUPS = List.of(new Site("techradar.com", "techradar"),
            new Site("forbes.com", "forbes"), new Site("zapier.com", "zapier"), new Site("pcmag.com", "pcmag"),
            new Site("g2.com", "g2-category"), new Site("gartner.com", "gartner"), new Site("reddit.com", "reddit"),
            new Site("capterra.com", "capterra-category"));
    private static final List<String> REVIEW_SITES = List.of("g2.com", "capterra.com", "trustradius.com");
    private static final List<String> OWN_PAGES = List.of("home", "pricing", "features", "customers");
    private static final Pattern PRICE = Pattern.compile("\\$\\d+/[a-z/]+");
    private static final Map<String, String> PAGE_TITLES = Phrases.get().map("pageTitles");
    private static final List<String> SUBREDDITS = Phrases.get().list("subreddits");
    private static final List<String> SNIPPETS = Phrases.get().list("sourceSnippets");
    private static final Pattern NOT_ALNUM = Pattern.compile("[^A-Za-z0-9]");

    private final List<SourcePage> pages = new ArrayList<>();
    private final Map<String, Integer> byUrl = new HashMap<>();
    private final Rng r;
    private final String category;
    private final String prompt;
    private final LocalDate day;
    private final boolean openAiLinks;

    Library(Rng r, String category, String prompt, LocalDate day, boolean openAiLinks) {
        this.r = r;
        this.category = category;
        this.prompt = prompt;
        this.day = day;
        this.openAiLinks = openAiLinks;
    }

    List<SourcePage> pages() {
        return pages;
    }

    /** One or two pages backing a statement about the player. */
    List<Integer> about(Player p) {
        List<Integer> out = new ArrayList<>(2);
        int n = r.chance(0.35) ? 2 : 1;
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble();
            int idx;
            if (x < 0.45 && p.domain() != null) {
                idx = own(p);
            } else if (x < 0.85) {
                idx = review(p);
            } else {
                idx = roundup();
            }
            if (!out.contains(idx)) {
                out.add(idx);
            }
        }
        return out;
    }

    int own(Player p) {
        String page = r.pick(OWN_PAGES);
        String host = p.domain().startsWith("www.") || p.domain().indexOf('.') != p.domain().lastIndexOf('.')
                ? p.domain() : "www." + p.domain();
        String url = "https://" + host + (page.equals("home") ? "/" : "/" + page);
        Map<String, String> vars = vars(p);
        String title = Phrases.fill(PAGE_TITLES.get(page), vars);
        return add(url, title, bare(p.domain()), p);
    }

    int review(Player p) {
        String site = r.pick(REVIEW_SITES);
        int year = day.getYear();
        String url;
        String title;
        switch (site) {
            case "g2.com" -> {
                url = "https://www.g2.com/products/" + p.slug() + "/reviews";
                title = p.name() + " Reviews " + year + ": Details, Pricing, & Features | G2";
            }
            case "capterra.com" -> {
                long id = 100_000 + (Rng.hash("capterra", p.name()) & 0xFFFFF) % 200_000;
                url = "https://www.capterra.com/p/" + id + "/" + NOT_ALNUM.matcher(p.name()).replaceAll("") + "/";
                title = p.name() + " Reviews " + year + ". Verified Reviews, Pros & Cons | Capterra";
            }
            default -> {
                url = "https://www.trustradius.com/products/" + p.slug() + "/reviews";
                title = p.name() + " Reviews & Ratings " + year + " | TrustRadius";
            }
        }
        return add(url, title, site, p);
    }

    int roundup() {
        Site site = r.pick(ROUNDUPS);
        String slug = Market.slug(category);
        String cat = titleCase(category);
        int year = day.getYear();
        String url;
        String title;
        switch (site.kind()) {
            case "techradar" -> {
                url = "https://www.techradar.com/best/best-" + slug;
                title = "Best " + cat + " of " + year + " | TechRadar";
            }
            case "forbes" -> {
                url = "https://www.forbes.com/advisor/business/software/best-" + slug + "/";
                title = "Best " + cat + " Of " + year + " – Forbes Advisor";
            }
            case "zapier" -> {
                url = "https://zapier.com/blog/best-" + slug + "/";
                title = "The " + r.between(5, 12) + " best " + category + " in " + year + " | Zapier";
            }
            case "pcmag" -> {
                url = "https://www.pcmag.com/picks/the-best-" + slug;
                title = "The Best " + cat + " for " + year + " | PCMag";
            }
            case "g2-category" -> {
                url = "https://www.g2.com/categories/" + slug;
                title = "Best " + cat + " in " + year + ": Compare Reviews on 100+ Products | G2";
            }
            case "gartner" -> {
                url = "https://www.gartner.com/reviews/market/" + slug;
                title = "Best " + cat + " Reviews " + year + " | Gartner Peer Insights";
            }
            case "capterra-category" -> {
                url = "https://www.capterra.com/" + slug + "/";
                title = "Best " + cat + " " + year + " - Reviews & Pricing | Capterra";
            }
            default -> {
                String sub = r.pick(SUBREDDITS);
                String id = Long.toString((Rng.hash("reddit", prompt, sub) & 0x7FFFFFFFFL) % 2_000_000_000L + 36L * 36 * 36 * 36 * 36, 36);
                String question = prompt.length() > 70 ? prompt.substring(0, 70) : prompt;
                url = "https://www.reddit.com/r/" + sub + "/comments/" + id + "/" + Market.slug(question) + "/";
                title = question.strip() + " : r/" + sub;
            }
        }
        return add(url, title, site.domain(), null);
    }

    private int add(String url, String title, String domain, Player p) {
        String finalUrl = openAiLinks ? url + (url.contains("?") ? "&" : "?") + "utm_source=openai" : url;
        Integer known = byUrl.get(finalUrl);
        if (known != null) {
            return known;
        }
        Map<String, String> vars = p == null ? vars(null) : vars(p);
        String snippet = Phrases.fill(r.pick(SNIPPETS), vars);
        if (p == null) {
            snippet = Phrases.fill("Compare the top {category} by price, features and verified user reviews.", vars);
        }
        LocalDate published = day.minusDays(r.between(3, 420));
        pages.add(new SourcePage(finalUrl, title, domain, snippet, published));
        byUrl.put(finalUrl, pages.size() - 1);
        return pages.size() - 1;
    }

    private Map<String, String> vars(Player p) {
        Map<String, String> v = new HashMap<>();
        v.put("category", category);
        v.put("year", Integer.toString(day.getYear()));
        v.put("n", Integer.toString(r.between(8, 25)));
        if (p != null) {
            v.put("name", p.name());
            v.put("strength", p.strengths().get(0));
            v.put("strength2", p.strengths().get(1));
            v.put("strengthBare", Phrases.bare(p.strengths().get(0)));
            v.put("weakness", p.weaknesses().get(0));
            v.put("bestFor", p.bestFor());
            Matcher m = PRICE.matcher(p.price());
            v.put("price", m.find() ? m.group() : "a custom quote");
        }
        return v;
    }

    private static String bare(String domain) {
        return domain.startsWith("www.") ? domain.substring(4) : domain;
    }

    static String titleCase(String s) {
        StringBuilder out = new StringBuilder();
        for (String w : s.split(" ")) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            boolean acronym = w.length() > 1 && w.equals(w.toUpperCase(Locale.ROOT));
            out.append(acronym ? w : Phrases.capitalise(w));
        }
        return out.toString();
    }
}
