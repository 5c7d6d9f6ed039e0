package dev.sightline.run;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import dev.sightline.store.Jdbc;

/**
 * Daily spend caps per workspace: its own {@code budget.daily-usd}, else {@code sightline.budget.daily-usd}. A
 * workspace's spend today is the cost of its responses stored today (in the schedule's time zone), across all
 * nodes; it is read from the database at most twice a second and counted locally in between, so the dispatcher can
 * ask before every claim. One workspace's spend never holds back another's cells.
 */
public final class Budget {

    private static final String SPENT = """
            SELECT r.workspace_id, coalesce(sum(s.cost_usd), 0)
              FROM response s JOIN cell c ON c.id = s.cell_id JOIN run r ON r.id = c.run_id
             WHERE s.created_at >= ? AND s.created_at < ?
             GROUP BY r.workspace_id""";
    private static final String CAPPED_WORKSPACES = "SELECT id FROM workspace WHERE daily_budget_usd IS NOT NULL";
    private static final long REFRESH_NANOS = 500_000_000L;

    private final Jdbc jdbc;
    private final BigDecimal defaultCap;
    private final LongFunction<BigDecimal> workspaceCap;
    private final ZoneId zone;
    private final Clock clock;
    private final boolean anyCap;
    private final SpendReader reader;
    private volatile Map<Long, BigDecimal> spent = Map.of();
    /** Spends recorded here, numbered, until a read that began after them has them (see {@link #refresh}). */
    private final Queue<Recorded> recorded = new ConcurrentLinkedQueue<>();
    private final AtomicLong recordedCount = new AtomicLong();
    private volatile LocalDate spentDay;
    private volatile long refreshedAt;

    /** What responses stored on a day cost, per workspace (the database; a test may read otherwise). */
    interface SpendReader {
        Map<Long, BigDecimal> read(LocalDate day);
    }

    private record Recorded(long number, long workspaceId, BigDecimal cost) {
    }

    /**
     * @param defaultCap   {@code sightline.budget.daily-usd}; null: no cap unless a workspace sets its own
     * @param workspaceCap a workspace's own cap, null when it has none
     */
    public Budget(Jdbc jdbc, BigDecimal defaultCap, LongFunction<BigDecimal> workspaceCap, ZoneId zone, Clock clock) {
        this(jdbc, defaultCap, workspaceCap, zone, clock, null);
    }

    Budget(Jdbc jdbc, BigDecimal defaultCap, LongFunction<BigDecimal> workspaceCap, ZoneId zone, Clock clock,
           SpendReader reader) {
        this.reader = reader != null ? reader : this::spentByWorkspace;
        this.jdbc = jdbc;
        this.defaultCap = defaultCap;
        this.workspaceCap = workspaceCap;
        this.zone = zone;
        this.clock = clock;
        this.anyCap = defaultCap != null
                || !jdbc.query(CAPPED_WORKSPACES, rs -> rs.getLong(1)).isEmpty();
    }

    /** The cap that applies to a workspace today; null when it has none. */
    public BigDecimal capFor(long workspaceId) {
        BigDecimal own = workspaceCap.apply(workspaceId);
        return own != null ? own : defaultCap;
    }

    /** Which setting the workspace's cap comes from, for messages. */
    public String capSource(long workspaceId) {
        return workspaceCap.apply(workspaceId) != null ? "budget.daily-usd of the workspace file"
                : "sightline.budget.daily-usd";
    }

    public boolean enabled(long workspaceId) {
        return capFor(workspaceId) != null;
    }

    public LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }

    /** What a workspace's responses stored on {@code day} cost. */
    public BigDecimal spentOn(long workspaceId, LocalDate day) {
        return spentByWorkspace(day).getOrDefault(workspaceId, BigDecimal.ZERO);
    }

    private Map<Long, BigDecimal> spentByWorkspace(LocalDate day) {
        Instant from = day.atStartOfDay(zone).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(zone).toInstant();
        Map<Long, BigDecimal> out = new HashMap<>();
        jdbc.query(SPENT, rs -> out.put(rs.getLong(1), rs.getBigDecimal(2)), from, to);
        return out;
    }

    public BigDecimal spentToday(long workspaceId) {
        refresh();
        BigDecimal total = spent.getOrDefault(workspaceId, BigDecimal.ZERO);
        for (Recorded r : recorded) {
            if (r.workspaceId() == workspaceId) {
                total = total.add(r.cost());
            }
        }
        return total;
    }

    /**
     * Reads the day's spend again when it is older than {@link #REFRESH_NANOS} (or the day turned). A spend is
     * recorded after its response was committed, so one recorded before the read began is in what it reads, and is
     * dropped; one recorded since may or may not be, and is kept until the next read (counted twice for at most
     * that long rather than not at all: a response committed after the read's snapshot whose spend was recorded
     * before the read ended was once counted nowhere until the next read, and a call more could pass the cap).
     */
    private synchronized void refresh() {
        LocalDate today = today();
        if (!today.equals(spentDay) || System.nanoTime() - refreshedAt > REFRESH_NANOS) {
            long before = recordedCount.get();
            Map<Long, BigDecimal> read = reader.read(today);
            recorded.removeIf(r -> r.number() <= before);
            spent = read;
            spentDay = today;
            refreshedAt = System.nanoTime();
        }
    }

    /** Counts a stored (committed) response's cost until a read from the database has it. */
    public void recordSpend(long workspaceId, BigDecimal cost) {
        if (anyCap && cost != null && cost.signum() > 0) {
            // one numbered before a read began but queued after that read dropped its predecessors goes with the
            // next read: counted twice until then, never not at all
            recorded.add(new Recorded(recordedCount.incrementAndGet(), workspaceId, cost));
        }
    }

    /** What is left today; null when the workspace has no cap. */
    public BigDecimal remainingToday(long workspaceId) {
        BigDecimal cap = capFor(workspaceId);
        if (cap == null) {
            return null;
        }
        BigDecimal left = cap.subtract(spentToday(workspaceId));
        return left.signum() < 0 ? BigDecimal.ZERO : left;
    }

    /** True once today's spend reached the workspace's cap: its cells wait until the cap is raised or the day turns. */
    public boolean exhausted(long workspaceId) {
        BigDecimal cap = capFor(workspaceId);
        if (cap == null) {
            return false;
        }
        try {
            return spentToday(workspaceId).compareTo(cap) >= 0;
        } catch (RuntimeException e) {
            // database unavailable: go by what this node counted
            return spent.getOrDefault(workspaceId, BigDecimal.ZERO).compareTo(cap) >= 0;
        }
    }

    /** Workspaces whose cells must wait now (the dispatcher leaves them in the database). */
    public long[] exhaustedWorkspaces() {
        if (!anyCap) {
            return new long[0];
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            // database unavailable: nothing is claimed anyway; go by what was read last
        }
        Map<Long, BigDecimal> now = new HashMap<>(spent);
        recorded.forEach(r -> now.merge(r.workspaceId(), r.cost(), BigDecimal::add));
        return now.entrySet().stream().filter(e -> {
            BigDecimal cap = capFor(e.getKey());
            return cap != null && e.getValue().compareTo(cap) >= 0;
        }).mapToLong(Map.Entry::getKey).toArray();
    }
}
