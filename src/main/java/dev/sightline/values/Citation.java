package dev.sightline.values;

/**
 * A web page an answer cites, as the provider reported it.
 *
 * @param url    the cited URL (for Gemini grounding: the redirect URI the API returns)
 * @param title  page title, may be null
 * @param domain the domain when the provider states it separately (Gemini grounding puts the bare domain in
 *               the title and a redirect in the URI); null otherwise
 * @param source the provider's own name for where it came from: {@code url_citation},
 *               {@code web_search_result_location}, {@code grounding_chunk}, {@code citations},
 *               {@code search_results}
 */
public record Citation(String url, String title, String domain, String source) {
}
