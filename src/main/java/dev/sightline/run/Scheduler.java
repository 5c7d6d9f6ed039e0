package dev.sightline.run;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily trigger: what a Quartz slot asks the planning route for, one run per workspace. The slot's scheduled
 * time (not the time it actually fired, which differs after a misfire) gives the run date. With
 * {@code sightline.schedule.once-per-day} (the default) the idempotency key {@code schedule:<date>} makes a second
 * firing on the same day (another node, a restart, a misfire catch-up, a cron that fires twice) return the existing
 * run; without it each slot plans its own run, keyed by its fire time.
 */
public final class Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final List<Long> workspaces;
    private final ZoneId zone;
    private final int samples;
    private final boolean oncePerDay;

    public Scheduler(List<Long> workspaces, ZoneId zone, int samples, boolean oncePerDay) {
        this.workspaces = workspaces;
        this.zone = zone;
        this.samples = samples;
        this.oncePerDay = oncePerDay;
    }

    public List<PlanRequest> requests(Exchange ex) {
        Date scheduled = ex.getMessage().getHeader("scheduledFireTime", Date.class);
        // one line per firing, on the node that fired: with clustered Quartz each slot appears once across nodes
        LOG.info("Schedule slot {} fired", scheduled == null ? "(unscheduled)" : scheduled.toInstant());
        return workspaces.stream().map(ws -> request(ws, scheduled)).toList();
    }

    /** The run a slot asks for; {@code scheduled} null: now. */
    public PlanRequest request(long workspaceId, Date scheduled) {
        java.time.Instant at = scheduled == null ? java.time.Instant.now() : scheduled.toInstant();
        LocalDate day = at.atZone(zone).toLocalDate();
        String key = oncePerDay ? "schedule:" + day : "schedule:" + at;
        // the budget does not refuse the daily run: dispatch pauses when the day's spend reaches the cap
        return new PlanRequest(workspaceId, new RunRequest(List.of(), List.of(), samples, "schedule", key, day, true));
    }
}
