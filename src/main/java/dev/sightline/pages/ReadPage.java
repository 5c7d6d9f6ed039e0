package dev.sightline.pages;

import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@link PageReader} read from one HTML page.
 *
 * @param url         the page's final URL
 * @param text        the main text, laid out as the analyzer reads answers
 * @param h1          the main heading
 * @param listItems   the page's own first list of options
 * @param links       absolute http(s) links, in page order
 * @param structured  JSON-LD objects (those with an {@code @type})
 * @param pageType    listicle, comparison, review, product, docs, forum, news or other
 */
public record ReadPage(String url, String title, String description, String siteName, String language,
                       LocalDate published, LocalDate modified, int wordCount, String text, String h1,
                       List<ListItem> listItems, List<Link> links, List<JsonNode> structured, String pageType) {

    ReadPage withPageType(String type) {
        return new ReadPage(url, title, description, siteName, language, published, modified, wordCount, text, h1,
                listItems, links, structured, type);
    }

    /** The {@code @type}s of the page's structured data, e.g. Organization, Product, Review. */
    public boolean hasType(String type) {
        for (JsonNode n : structured) {
            JsonNode t = n.get("@type");
            if (t != null && (t.isTextual() && t.asText().equalsIgnoreCase(type)
                    || t.isArray() && t.toString().toLowerCase(java.util.Locale.ROOT)
                    .contains("\"" + type.toLowerCase(java.util.Locale.ROOT) + "\""))) {
                return true;
            }
        }
        return false;
    }
}
