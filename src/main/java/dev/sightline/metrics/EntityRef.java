package dev.sightline.metrics;

/** A stored entity as metrics name it: id, name and kind ("brand" or "competitor"). */
public record EntityRef(long id, String name, String kind) {
}
