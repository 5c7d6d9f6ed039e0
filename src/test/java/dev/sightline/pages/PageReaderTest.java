package dev.sightline.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

class PageReaderTest {

    private static ReadPage read(String html, String url) {
        return PageReader.read(Jsoup.parse(html, url), url);
    }

    @Test
    void aListicleIsReadWithItsFactsItsOwnListAndItsMainTextLaidOutForTheAnalyzer() {
        ReadPage p = read("""
                <!doctype html><html lang="en_gb"><head><title>The 7 best CRM tools in 2026 | Example</title>
                <meta name="description" content="We tested them all.">
                <meta property="og:site_name" content="Example">
                <meta property="article:published_time" content="2026-03-01T08:00:00Z">
                <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
                  {"@type":"Article","dateModified":"2026-04-02"}]}</script></head>
                <body><nav><a href="/">Home</a> Pipedrive HubSpot</nav><main>
                <h1>The best CRM tools</h1><p>Our picks for small teams.</p>
                <h2>1. Pipedrive – best for sales</h2><p><a href="https://www.pipedrive.com/">Visit</a> Simple.</p>
                <h2>2. HubSpot</h2><p>Free tier.</p><h2>3. Close</h2><p>Calls.</p>
                <h2>How we tested</h2><p>Hands on.</p>
                <table><tr><th>Tool</th><th>Price</th></tr><tr><td>Close</td><td>$49</td></tr></table>
                <ul><li>one</li><li>two</li></ul></main><footer>Pipedrive footer</footer></body></html>""",
                "https://example.com/best-crm");
        assertThat(p.title()).isEqualTo("The 7 best CRM tools in 2026 | Example");
        assertThat(p.description()).isEqualTo("We tested them all.");
        assertThat(p.siteName()).isEqualTo("Example");
        assertThat(p.language()).isEqualTo("en-GB");
        assertThat(p.published()).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(p.modified()).isEqualTo(LocalDate.of(2026, 4, 2));
        assertThat(p.pageType()).isEqualTo("listicle");
        assertThat(p.listItems()).extracting(ListItem::name).containsExactly("Pipedrive", "HubSpot", "Close");
        assertThat(p.listItems().get(0).domain()).isEqualTo("pipedrive.com");
        assertThat(p.text()).contains("## 1. Pipedrive – best for sales", "| Close | $49 |", "- one\n- two")
                .doesNotContain("footer").doesNotContain("Home");
        assertThat(p.wordCount()).isBetween(20, 60);
    }

    @Test
    void pageTypesComeFromStructuredDataAddressAndTitle() {
        assertThat(read("<title>Pipedrive vs HubSpot</title>", "https://x.com/a").pageType()).isEqualTo("comparison");
        assertThat(read("<title>Acme Reviews</title>", "https://www.g2.com/products/acme/reviews").pageType())
                .isEqualTo("review");
        assertThat(read("<title>Thread</title>", "https://www.reddit.com/r/crm/comments/1/x/").pageType())
                .isEqualTo("forum");
        assertThat(read("<title>API</title>", "https://docs.acme.com/start").pageType()).isEqualTo("docs");
        assertThat(read("<title>Pricing</title>", "https://acme.com/pricing").pageType()).isEqualTo("product");
        assertThat(read("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script><title>Acme raises"
                + "</title>", "https://news.example/a").pageType()).isEqualTo("news");
        assertThat(read("<title>About the weather</title>", "https://x.com/a").pageType()).isEqualTo("other");
    }

    @Test
    void leadsThatAreNoNamesAreNotListItems() {
        assertThat(PageReader.leadName("1. Pipedrive: best for sales")).isEqualTo("Pipedrive");
        assertThat(PageReader.leadName("#2 monday sales CRM")).isEqualTo("monday sales CRM");
        for (String generic : List.of("How we tested", "Pros and cons", "Frequently asked questions", "why it matters",
                "The bottom line")) {
            assertThat(PageReader.leadName(generic)).as(generic).isNull();
        }
    }
}
