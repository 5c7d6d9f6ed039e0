package dev.sightline.analysis;

/**
 * One mention of an entity.
 *
 * @param start   offset of the mention in the original answer text (inclusive)
 * @param end     offset just past the mention (exclusive)
 * @param snippet the sentence around the mention, or about 160 characters around it when the sentence is long
 */
public record Evidence(int start, int end, String snippet) {
}
