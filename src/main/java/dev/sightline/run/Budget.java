package dev.sightline.run;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import dev.sightline.store.Jdbc;

/**
 * The daily spend cap ({@code sightline.budget.daily-usd}). Today's spend is the cost of the responses stored
 * today (in the schedule's time zone), across all nodes; it is read from the database at most twice a second
 * and counted locally in between, so the dispatcher can ask before every claim.
 */
public final class Budget {

    private static final String SPENT = """
            SELECT coalesce(sum(cost_usd), 0) FROM response WHERE created_at >= ? AND created_at < ?""";
    private static final long REFRESH_NANOS = 500_000_000L;

    private final Jdbc jdbc;
    private final BigDecimal dailyCap;
    private final ZoneId zone;
    private final Clock clock;
    private volatile BigDecimal spent = BigDecimal.ZERO;
    private volatile LocalDate spentDay;
    private volatile long refreshedAt;

    /** @param dailyCap null: no cap */
    public Budget(Jdbc jdbc, BigDecimal dailyCap, ZoneId zone, Clock clock) {
        this.jdbc = jdbc;
        this.dailyCap = dailyCap;
        this.zone = zone;
        this.clock = clock;
    }

    public BigDecimal dailyCap() {
        return dailyCap;
    }

    public boolean enabled() {
        return dailyCap != null;
    }

    public LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }

    /** What the responses stored on {@code day} cost. */
    public BigDecimal spentOn(LocalDate day) {
        Instant from = day.atStartOfDay(zone).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(zone).toInstant();
        return jdbc.queryOne(SPENT, rs -> rs.getBigDecimal(1), from, to).orElse(BigDecimal.ZERO);
    }

    public BigDecimal spentToday() {
        LocalDate today = today();
        if (!today.equals(spentDay) || System.nanoTime() - refreshedAt > REFRESH_NANOS) {
            spent = spentOn(today);
            spentDay = today;
            refreshedAt = System.nanoTime();
        }
        return spent;
    }

    /** Counts a stored response's cost until the next read from the database. */
    public void recordSpend(BigDecimal cost) {
        if (enabled() && cost != null) {
            synchronized (this) {
                spent = spent.add(cost);
            }
        }
    }

    /** What is left today; null when there is no cap. */
    public BigDecimal remainingToday() {
        if (!enabled()) {
            return null;
        }
        BigDecimal left = dailyCap.subtract(spentToday());
        return left.signum() < 0 ? BigDecimal.ZERO : left;
    }

    /** True once today's spend reached the cap: dispatch pauses until the cap is raised or the day turns. */
    public boolean exhausted() {
        if (!enabled()) {
            return false;
        }
        try {
            return spentToday().compareTo(dailyCap) >= 0;
        } catch (RuntimeException e) {
            return spent.compareTo(dailyCap) >= 0; // database unavailable: go by what this node counted
        }
    }
}
