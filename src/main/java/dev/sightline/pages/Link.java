package dev.sightline.pages;

/** A link of a page: absolute URL and its text. */
public record Link(String url, String text) {
}
