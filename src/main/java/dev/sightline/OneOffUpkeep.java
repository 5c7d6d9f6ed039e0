package dev.sightline;

import java.util.function.BooleanSupplier;

import dev.sightline.retention.IndexCompaction;
import dev.sightline.retention.RawBodyRetention;

/**
 * The storage upkeep a one-off owes a deployment that only runs {@code --once} or {@code --experiment} (from cron, say).
 * A service does it on hourly timers ({@code routes/pipeline/65-storage.yaml}) whose first ticks come a minute or two
 * after its start, when most one-offs have exited, so such a deployment never dropped a raw body past
 * {@code sightline.retention.raw-bodies} nor rebuilt a rollup key grown by {@code sightline.storage.reindex-growth}. A
 * one-off leaves those timers out and does both once, after its run: with the defaults (bodies kept, keys checked
 * for growth) that costs a look at the keys' sizes, a few milliseconds; a due rebuild takes seconds at a year of
 * history. Each logs what it did. An interrupted one-off skips it, or stops dropping bodies at the end of a batch.
 */
final class OneOffUpkeep {

    private final SightlineApp app;

    OneOffUpkeep(SightlineApp app) {
        this.app = app;
    }

    void run(BooleanSupplier interrupted) {
        if (interrupted.getAsBoolean()) {
            return;
        }
        app.bean(RawBodyRetention.class).dropExpired(interrupted);
        if (!interrupted.getAsBoolean()) {
            app.bean(IndexCompaction.class).compactIfDue();
        }
    }
}
