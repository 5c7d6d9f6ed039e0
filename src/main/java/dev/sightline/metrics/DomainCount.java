package dev.sightline.metrics;

/**
 * A cited registrable domain.
 *
 * @param owner     brand, competitor or other, as the analysis recorded it
 * @param ownerName the owning entity's name, null for other
 * @param count     citations of the domain
 * @param answers   answers citing it at least once
 */
public record DomainCount(String domain, String owner, String ownerName, long count, long answers) {
}
