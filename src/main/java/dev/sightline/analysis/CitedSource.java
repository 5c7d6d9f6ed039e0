package dev.sightline.analysis;

/**
 * A web page the answer cites.
 *
 * @param url       the URL as cited (for Gemini grounding: the provider's redirect URL)
 * @param domain    registrable domain (the host itself for IP addresses and hosts without a public suffix)
 * @param owner     brand, competitor or other
 * @param ownerName the owning entity's name, null when owner is other
 * @param source    {@code native} (the provider's citation list) or {@code text} (a link or bare URL in the text)
 * @param marker    1-based position in the provider's citation list for native citations, else null
 */
public record CitedSource(String url, String domain, Owner owner, String ownerName, String source, Integer marker) {
}
