package dev.sightline.pages;

/** One option of a page's own list: the name it leads with, and the other site its section links to, if any. */
public record ListItem(String name, String domain) {
}
