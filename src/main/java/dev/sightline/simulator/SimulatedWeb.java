package dev.sightline.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import dev.sightline.values.EntityKind;

/**
 * The web the simulated assistants cite, served by the simulator under {@code /web/<host><path>}: the players' own
 * sites (home, pricing, features, products, about, customers), review pages (G2, Capterra, TrustRadius), roundups
 * (TechRadar, Forbes, Zapier, PCMag, G2 and Capterra categories) and Gemini's grounding redirects, for the markets of
 * the workspaces; any other host gets a plain article. It misbehaves as the web does: Reddit's robots.txt shuts
 * crawlers out and Gartner's closes its reviews, TechRadar redirects, Forbes is slow, Capterra's category pages
 * fail once with 503, some G2 pages answer 403, some customers pages are broken (500) or a PDF. Pages are
 * deterministic for their URL and the simulated day.
 */
public final class SimulatedWeb {

    /** Gemini's grounding redirects as the simulator handed them out (they expire, as Google's do). */
    private static final Cache<String, String> GROUNDING = CacheBuilder.newBuilder().maximumSize(100_000).build();
    private static final String GROUNDING_HOST = "vertexaisearch.cloud.google.com";
    private static final String GROUNDING_PATH = "/grounding-api-redirect/";
    private static final Set<String> REVIEW_HOSTS = Set.of("www.g2.com", "www.capterra.com", "www.trustradius.com");

    private final LocalDate day;
    private final Set<SimWorld> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger mostInFlightPerHost =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile Supplier<Collection<SimWorld>> worlds = List::of;
    private volatile Duration latency = Duration.ofMillis(150);

    SimulatedWeb(LocalDate day) {
        this.day = day;
    }

    /** Remembers a grounding redirect the Gemini wire handed out: the opaque path part and where it leads. */
    static void rememberRedirect(String opaque, String url) {
        GROUNDING.put(opaque, url);
    }

    /** The markets to serve, beside those the simulator answered for (the workspaces, for brand sites). */
    public void setWorlds(Supplier<Collection<SimWorld>> worlds) {
        this.worlds = worlds;
    }

    /** Time every response takes (slow hosts take longer on top). */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    public Duration latency() {
        return latency;
    }

    /** Requests served per host (robots.txt included). */
    public Map<String, Long> served() {
        Map<String, Long> out = new LinkedHashMap<>();
        served.forEach((h, n) -> out.put(h, n.get()));
        return out;
    }

    /** The most requests one host had in progress at the same time. */
    public int mostInFlightPerHost() {
        return mostInFlightPerHost.get();
    }

    void saw(SimWorld world) {
        seen.add(world);
    }

    // ---- serving ----

    private record Page(int status, String contentType, String body, Map<String, String> headers, long extraMs) {
        static Page html(String body) {
            return new Page(200, "text/html; charset=utf-8", body, Map.of(), 0);
        }

        static Page text(int status, String body) {
            return new Page(status, "text/plain; charset=utf-8", body, Map.of(), 0);
        }

        static Page redirect(int status, String location) {
            return new Page(status, "text/html; charset=utf-8", "<a href=\"" + esc(location) + "\">moved</a>",
                    Map.of("Location", location), 0);
        }

        Page slower(long ms) {
            return new Page(status, contentType, body, headers, extraMs + ms);
        }
    }

    void handle(Vertx vertx, HttpServerRequest req) {
        long arrived = System.nanoTime();
        String rest = req.path().substring("/web/".length());
        int slash = rest.indexOf('/');
        String authority = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
        String path = slash < 0 ? "/" : rest.substring(slash);
        String host = authority.contains(":") ? authority.substring(0, authority.indexOf(':')) : authority;
        served.computeIfAbsent(host, h -> new AtomicLong()).incrementAndGet();
        var hostInFlight = inFlight.computeIfAbsent(host, h -> new java.util.concurrent.atomic.AtomicInteger());
        mostInFlightPerHost.accumulateAndGet(hostInFlight.incrementAndGet(), Math::max);
        Page page;
        try {
            page = page(host, path);
        } catch (RuntimeException e) {
            page = Page.text(500, "simulated web failed: " + e.getMessage());
        }
        Page p = page;
        // the body is made (and compressed) before the wait, and the wait counts from the request's arrival: a
        // response takes the latency it is given, not that plus the time this event loop spent on other pages
        byte[] body = p.body().getBytes(StandardCharsets.UTF_8);
        boolean gzip = acceptsGzip(req.getHeader("Accept-Encoding")) && body.length > 1024;
        byte[] sent = gzip ? gzip(body) : body;
        long delay = latency.toMillis() + p.extraMs() - (System.nanoTime() - arrived) / 1_000_000;
        Runnable send = () -> {
            hostInFlight.decrementAndGet();
            send(req.response(), p, sent, gzip);
        };
        if (delay <= 0) {
            send.run();
        } else {
            vertx.setTimer(delay, id -> send.run());
        }
    }

    private static boolean acceptsGzip(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip");
    }

    /** Gzip at the fastest level, as web servers compress on the fly (nginx's default gzip_comp_level is 1). */
    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 3 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            z.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void send(HttpServerResponse resp, Page p, byte[] body, boolean gzip) {
        if (resp.ended() || resp.closed()) {
            return;
        }
        if (gzip) {
            resp.putHeader("Content-Encoding", "gzip");
        }
        resp.setStatusCode(p.status());
        resp.putHeader("Content-Type", p.contentType());
        p.headers().forEach(resp::putHeader);
        resp.end(Buffer.buffer(body));
    }

    // ---- the site map ----

    private Page page(String host, String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (p.equals("/robots.txt")) {
            return robots(host);
        }
        if (host.equals(GROUNDING_HOST) && p.startsWith(GROUNDING_PATH)) {
            String target = GROUNDING.getIfPresent(p.substring(GROUNDING_PATH.length()));
            return target == null ? Page.text(404, "This link has expired.") : Page.redirect(302, target);
        }
        List<Scene> markets = markets();
        Vendor v = vendor(markets, host);
        if (v != null) {
            return vendorPage(v, p);
        }
        if (REVIEW_HOSTS.contains(host)) {
            Page r = reviewPage(markets, host, p);
            if (r != null) {
                return r;
            }
        }
        Page roundup = roundup(markets, host, p);
        return roundup != null ? roundup : article(host, p);
    }

    private Page robots(String host) {
        return switch (host) {
            case "www.reddit.com", "reddit.com" -> Page.text(200, "User-agent: *\nDisallow: /\n");
            case "www.gartner.com" -> Page.text(200, "User-agent: *\nDisallow: /reviews/\nDisallow: /account/\n");
            case "www.g2.com" -> Page.text(200, "User-agent: *\nDisallow: /search\n\nUser-agent: Sightline\n"
                    + "Disallow: /compare\n");
            case "www.forbes.com", "zapier.com" -> Page.text(404, "not found");
            default -> Page.text(200, "# simulated\nUser-agent: *\nAllow: /\nDisallow: /admin/\n");
        };
    }

    /** A world's category and its players. */
    private record Scene(String category, List<Player> players) {
    }

    private List<Scene> markets() {
        Map<SimWorld, Boolean> all = new LinkedHashMap<>();
        for (SimWorld w : worlds.get()) {
            all.put(w, true);
        }
        seen.forEach(w -> all.put(w, true));
        List<Scene> out = new ArrayList<>();
        for (SimWorld w : all.keySet()) {
            out.add(new Scene(w.category(), Market.of(w)));
        }
        return out;
    }

    private record Vendor(Scene market, Player player) {
    }

    private static Vendor vendor(List<Scene> markets, String host) {
        String bare = host.startsWith("www.") ? host.substring(4) : host;
        for (Scene m : markets) {
            for (Player p : m.players()) {
                if (p.domain() != null && bare.equals(p.domain().toLowerCase(Locale.ROOT).replaceFirst("^www\\.", ""))) {
                    return new Vendor(m, p);
                }
            }
        }
        return null;
    }

    // ---- vendor sites ----

    private Page vendorPage(Vendor v, String path) {
        Player p = v.player();
        String cat = v.market().category();
        String base = "https://www." + p.domain().replaceFirst("^www\\.", "");
        List<String> products = products(p);
        String nav = "<nav><a href=\"/\">" + esc(p.name()) + "</a> <a href=\"/pricing\">Pricing</a> "
                + "<a href=\"/features\">Features</a> " + productLinks(products)
                + "<a href=\"/about\">About us</a> <a href=\"/customers\">Customers</a> "
                + "<a href=\"/integrations\">Integrations</a> <a href=\"/login\">Log in</a> "
                + "<a href=\"/signup\">Start free trial</a> <a href=\"/legal/privacy\">Privacy</a></nav>";
        String org = "{\"@context\":\"https://schema.org\",\"@type\":\"Organization\",\"name\":" + json(p.name())
                + ",\"alternateName\":" + jsonList(p.aliases()) + ",\"url\":" + json(base + "/")
                + ",\"sameAs\":[\"https://www.linkedin.com/company/" + p.slug() + "\",\"https://x.com/" + p.slug()
                + "\"]}";
        String appList = appJsonLd(products, cat);
        switch (path) {
            case "/", "" -> {
                String body = "<h1>" + esc(p.name()) + ": " + esc(cat) + " for " + esc(p.bestFor()) + "</h1>"
                        + "<p>" + esc(p.name()) + " is " + esc(cat) + " for " + esc(p.bestFor()) + ", with "
                        + esc(p.strengths().get(0)) + " and " + esc(p.strengths().get(1)) + ".</p>"
                        + "<h2>Why teams choose " + esc(p.name()) + "</h2><ul>" + li(p.strengths()) + "</ul>"
                        + "<p>" + esc(p.price()) + ". <a href=\"/pricing\">See pricing</a>.</p>";
                return Page.html(doc(p.name() + " | " + capitalise(cat) + " for " + p.bestFor(),
                        p.name() + " is " + cat + " for " + p.bestFor() + ".", p.name(), "website", nav,
                        body, List.of(org, appList), null));
            }
            case "/pricing" -> {
                String body = "<h1>" + esc(p.name()) + " pricing</h1><p>" + esc(p.price()) + ".</p><table>"
                        + "<tr><th>Plan</th><th>Price</th><th>Best for</th></tr>"
                        + "<tr><td>Essential</td><td>" + esc(p.price()) + "</td><td>" + esc(p.bestFor()) + "</td></tr>"
                        + "<tr><td>Professional</td><td>Contact sales</td><td>growing teams</td></tr></table>";
                return Page.html(doc(p.name() + " Pricing: Plans & Features", "Compare " + p.name() + " plans.",
                        p.name(), "website", nav, body, List.of(appList), null));
            }
            case "/features" -> {
                String body = "<h1>Features of " + esc(p.name()) + "</h1><p>Everything in " + esc(p.name())
                        + ", from " + esc(p.strengths().get(0)) + " to " + esc(p.strengths().get(2)) + ".</p><ul>"
                        + li(products) + "</ul>";
                return Page.html(doc("Features | " + p.name(), p.name() + " features.", p.name(), "website", nav,
                        body, List.of(appList), null));
            }
            case "/about" -> {
                String body = "<h1>About " + esc(p.name()) + "</h1><p>" + esc(p.name()) + " builds " + esc(cat)
                        + " for " + esc(p.bestFor()) + ".</p>";
                return Page.html(doc("About us | " + p.name(), "The company behind " + p.name() + ".", p.name(),
                        "website", nav, body, List.of(org), null));
            }
            case "/customers" -> {
                int fate = (int) (Rng.hash("customers", p.name()) & 3);
                if (fate == 1) {
                    return Page.text(500, "Internal Server Error");
                }
                if (fate == 2) {
                    return new Page(200, "application/pdf", "%PDF-1.4 simulated customer stories", Map.of(), 0);
                }
                return Page.html(doc("Customer Stories | " + p.name(), "How teams use " + p.name() + ".", p.name(),
                        "website", nav, "<h1>Customer stories</h1><p>Teams like yours run on " + esc(p.name())
                                + ".</p>", List.of(), null));
            }
            case "/integrations" -> {
                return Page.html(doc("Integrations | " + p.name(), p.name() + " integrations.", p.name(), "website",
                        nav, "<h1>Integrations</h1><p>Connect " + esc(p.name()) + " to the tools you use.</p>",
                        List.of(), null));
            }
            default -> {
                for (String product : products) {
                    if (path.equals("/products/" + Market.slug(product))) {
                        String app = "{\"@context\":\"https://schema.org\",\"@type\":\"SoftwareApplication\",\"name\":"
                                + json(product) + ",\"applicationCategory\":" + json(capitalise(cat)) + "}";
                        return Page.html(doc(product + " | " + p.name(), product + " by " + p.name() + ".",
                                p.name(), "product", nav, "<h1>" + esc(product) + "</h1><p>" + esc(product)
                                        + " brings " + esc(p.strengths().get(3)) + " to " + esc(p.name()) + ".</p>",
                                List.of(app), null));
                    }
                }
                return Page.text(404, "Not found");
            }
        }
    }

    /** Two or three products named after the player ("Pipedrive Campaigns"). */
    static List<String> products(Player p) {
        List<String> suffixes = List.of("Campaigns", "Insights", "Automations", "Mobile", "Forms", "Scheduler",
                "Analytics", "Assistant");
        Rng r = new Rng(Rng.hash("products", p.name()));
        List<String> out = new ArrayList<>();
        for (String s : r.sample(suffixes, 2 + r.nextInt(2))) {
            out.add(p.name() + " " + s);
        }
        return out;
    }

    private static String productLinks(List<String> products) {
        StringBuilder sb = new StringBuilder();
        for (String product : products) {
            sb.append("<a href=\"/products/").append(Market.slug(product)).append("\">").append(esc(product))
                    .append("</a> ");
        }
        return sb.toString();
    }

    private static String appJsonLd(List<String> products, String cat) {
        StringBuilder sb = new StringBuilder("[");
        for (String product : products) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"@context\":\"https://schema.org\",\"@type\":\"SoftwareApplication\",\"name\":")
                    .append(json(product)).append(",\"applicationCategory\":").append(json(capitalise(cat)))
                    .append('}');
        }
        return sb.append(']').toString();
    }

    // ---- review sites ----

    private Page reviewPage(List<Scene> markets, String host, String path) {
        for (Scene m : markets) {
            for (Player p : m.players()) {
                String name = p.name().replaceAll("[^A-Za-z0-9]", "");
                boolean match = switch (host) {
                    case "www.g2.com", "www.trustradius.com" -> path.equals("/products/" + p.slug() + "/reviews");
                    default -> path.startsWith("/p/") && (path.endsWith("/" + name + "/") || path.endsWith("/" + name));
                };
                if (!match) {
                    continue;
                }
                if (host.equals("www.g2.com") && Math.floorMod(Rng.hash("g2-wall", p.name()), 5) == 0) {
                    return Page.text(403, "Access denied: please verify you are a human");
                }
                if (host.equals("www.capterra.com") && !path.endsWith("/")) {
                    return Page.redirect(301, "https://www.capterra.com" + path + "/");
                }
                List<Player> others = alternatives(m, p, host);
                StringBuilder body = new StringBuilder("<h1>" + esc(p.name()) + " Reviews</h1><p>" + esc(p.name())
                        + " is rated 4." + (Rng.hash("rating", host, p.name()) & 7) + " out of 5 by verified users. "
                        + "Reviewers praise " + esc(p.strengths().get(0)) + " but mention "
                        + esc(p.weaknesses().get(0)) + ".</p><h3>Pros</h3><ul>" + li(p.strengths().subList(0, 2))
                        + "</ul><h3>Cons</h3><ul>" + li(p.weaknesses().subList(0, 2)) + "</ul>"
                        + "<h2>Top alternatives to " + esc(p.name()) + "</h2><ol>");
                for (Player o : others) {
                    body.append("<li><strong>").append(esc(o.name())).append("</strong> – best for ")
                            .append(esc(o.bestFor())).append("</li>");
                }
                body.append("</ol>");
                String review = "{\"@context\":\"https://schema.org\",\"@type\":\"Product\",\"name\":" + json(p.name())
                        + ",\"aggregateRating\":{\"@type\":\"AggregateRating\",\"ratingValue\":\"4.4\","
                        + "\"reviewCount\":\"812\"},\"review\":{\"@type\":\"Review\",\"author\":\"A verified user\"}}";
                return Page.html(doc(p.name() + " Reviews " + day.getYear() + ": Pros, Cons & Pricing",
                        "Read verified " + p.name() + " reviews.", siteName(host), "article", "", body.toString(),
                        List.of(review), day.minusDays(Rng.hash("published", host, p.name()) & 255)));
            }
        }
        return null;
    }

    private static List<Player> alternatives(Scene m, Player p, String site) {
        List<Player> others = new ArrayList<>(m.players());
        others.remove(p);
        Rng r = new Rng(Rng.hash("alternatives", site, p.name()));
        return r.sample(others, Math.min(4, others.size()));
    }

    // ---- roundups ----

    private Page roundup(List<Scene> markets, String host, String path) {
        for (Scene m : markets) {
            String slug = Market.slug(m.category());
            String cat = m.category();
            switch (host) {
                case "www.techradar.com" -> {
                    if (path.equals("/best/best-" + slug)) {
                        return Page.redirect(301, "https://www.techradar.com/pro/best-" + slug);
                    }
                    if (path.equals("/pro/best-" + slug)) {
                        return listicle(m, host, "Best " + titleCase(cat) + " of " + day.getYear() + " | TechRadar");
                    }
                }
                case "www.forbes.com" -> {
                    if (path.equals("/advisor/business/software/best-" + slug + "/")) {
                        return listicle(m, host, "Best " + titleCase(cat) + " Of " + day.getYear()
                                + " – Forbes Advisor").slower(2500);
                    }
                }
                case "zapier.com" -> {
                    if (path.equals("/blog/best-" + slug + "/")) {
                        return listicle(m, host, "The best " + cat + " in " + day.getYear() + " | Zapier");
                    }
                }
                case "www.pcmag.com" -> {
                    if (path.equals("/picks/the-best-" + slug)) {
                        return listicle(m, host, "The Best " + titleCase(cat) + " for " + day.getYear() + " | PCMag");
                    }
                }
                case "www.g2.com" -> {
                    if (path.equals("/categories/" + slug)) {
                        return listicle(m, host, "Best " + titleCase(cat) + " in " + day.getYear()
                                + ": Compare Reviews on 100+ Products | G2");
                    }
                }
                case "www.capterra.com" -> {
                    if (path.equals("/" + slug + "/")) {
                        if (firstTime(host + path)) {
                            return new Page(503, "text/html", "<h1>Service temporarily unavailable</h1>",
                                    Map.of("Retry-After", "1"), 0);
                        }
                        return listicle(m, host, "Best " + titleCase(cat) + " " + day.getYear()
                                + " - Reviews & Pricing | Capterra");
                    }
                }
                case "www.gartner.com" -> {
                    if (path.equals("/reviews/market/" + slug)) {
                        return listicle(m, host, "Best " + titleCase(cat) + " Reviews " + day.getYear()
                                + " | Gartner Peer Insights");
                    }
                }
                default -> {
                }
            }
        }
        return null;
    }

    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    private boolean firstTime(String key) {
        return failedOnce.add(key);
    }

    /** A numbered roundup of six to nine players; some sites leave the workspace's brand out. */
    private Page listicle(Scene m, String host, String title) {
        Rng r = new Rng(Rng.hash("roundup", host, m.category()));
        List<Player> pool = new ArrayList<>(m.players());
        boolean withoutBrand = r.chance(0.45);
        if (withoutBrand) {
            pool.removeIf(p -> p.kind() == EntityKind.BRAND);
        }
        List<Player> picked = r.sample(pool, Math.min(pool.size(), r.between(6, 9)));
        StringBuilder body = new StringBuilder("<h1>" + esc(title.split(" [|–-] ")[0]) + "</h1><p class=\"byline\">"
                + "By our editors. We tested " + picked.size() + " " + esc(m.category()) + " products.</p>");
        int i = 1;
        for (Player p : picked) {
            String site = p.domain() == null ? null : "https://www." + p.domain().replaceFirst("^www\\.", "") + "/";
            body.append("<h2>").append(i++).append(". ").append(esc(p.name())).append("</h2><p><strong>Best for ")
                    .append(esc(p.bestFor())).append("</strong>. ").append(esc(p.name())).append(" offers ")
                    .append(esc(p.strengths().get(0))).append(" and ").append(esc(p.strengths().get(1)))
                    .append(", though some reviewers note ").append(esc(p.weaknesses().get(0))).append(". ")
                    .append(esc(p.price())).append(".</p>");
            if (site != null) {
                body.append("<p><a href=\"").append(esc(site)).append("\">Visit ").append(esc(p.name()))
                        .append("</a></p>");
            }
        }
        body.append("<h2>How we tested</h2><p>We signed up for each product and ran the same tasks.</p>");
        LocalDate published = day.minusDays(Rng.hash("published", host, m.category()) & 127);
        return Page.html(doc(title, "We compared the best " + m.category() + " for every budget.", siteName(host),
                "article", "<nav><a href=\"/\">Home</a> <a href=\"/news/\">News</a></nav>", body.toString(),
                List.of(), published));
    }

    // ---- anything else ----

    /** A plain article for a host the simulated markets do not know (what a benchmark's invented hosts get). */
    private Page article(String host, String path) {
        Rng r = new Rng(Rng.hash("article", host, path));
        List<String> names = List.of("Acorn", "Birch", "Cedar", "Dune", "Ember", "Fjord", "Grove", "Harbor");
        StringBuilder body = new StringBuilder("<h1>Notes from " + esc(host) + "</h1>");
        int i = 1;
        for (String n : r.sample(names, 5)) {
            body.append("<h2>").append(i++).append(". ").append(n).append(" Works</h2><p>")
                    .append(n).append(" Works is a tool that many readers mention. It is simple to set up and its ")
                    .append("support team answers quickly, though its reports are basic.</p>");
        }
        return Page.html(doc("Top tools we use | " + host, "Tools the team at " + host + " relies on.", host,
                "article", "", body.toString(), List.of(), day.minusDays(r.between(1, 400))));
    }

    // ---- HTML ----

    private static String doc(String title, String description, String siteName, String ogType, String nav,
                              String body, List<String> jsonLd, LocalDate published) {
        StringBuilder sb = new StringBuilder("<!doctype html><html lang=\"en-US\"><head><meta charset=\"utf-8\">");
        sb.append("<title>").append(esc(title)).append("</title>");
        sb.append("<meta name=\"description\" content=\"").append(esc(description)).append("\">");
        sb.append("<meta property=\"og:site_name\" content=\"").append(esc(siteName)).append("\">");
        sb.append("<meta property=\"og:type\" content=\"").append(ogType).append("\">");
        if (published != null) {
            sb.append("<meta property=\"article:published_time\" content=\"").append(published)
                    .append("T08:00:00Z\">");
            sb.append("<meta property=\"article:modified_time\" content=\"")
                    .append(published.plusDays(3)).append("T08:00:00Z\">");
        }
        for (String ld : jsonLd) {
            sb.append("<script type=\"application/ld+json\">").append(ld).append("</script>");
        }
        sb.append("<script>window.dataLayer=[];</script><style>body{font-family:sans-serif}</style></head><body>");
        sb.append("<header>").append(nav).append("</header><main>").append(body).append("</main>");
        sb.append("<footer><p>© ").append(LocalDate.now(ZoneOffset.UTC).getYear()).append(' ').append(esc(siteName))
                .append(". <a href=\"/legal/terms\">Terms</a></p></footer></body></html>");
        return sb.toString();
    }

    private static String li(List<String> items) {
        StringBuilder sb = new StringBuilder();
        items.forEach(i -> sb.append("<li>").append(esc(capitalise(i))).append("</li>"));
        return sb.toString();
    }

    private static String siteName(String host) {
        return switch (host) {
            case "www.g2.com" -> "G2";
            case "www.capterra.com" -> "Capterra";
            case "www.trustradius.com" -> "TrustRadius";
            case "www.techradar.com" -> "TechRadar";
            case "www.forbes.com" -> "Forbes";
            case "zapier.com" -> "Zapier";
            case "www.pcmag.com" -> "PCMag";
            case "www.gartner.com" -> "Gartner";
            default -> host;
        };
    }

    private static String titleCase(String s) {
        return Library.titleCase(s);
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String json(String s) {
        return dev.sightline.values.Json.write(s);
    }

    private static String jsonList(List<String> items) {
        return dev.sightline.values.Json.write(items);
    }
}
