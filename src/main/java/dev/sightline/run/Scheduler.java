package dev.sightline.run;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.values.Rejection;

/**
 * The daily trigger. The Quartz slot's scheduled time (not the time it actually fired, which differs after a
 * misfire) gives the run date, and the idempotency key {@code schedule:<date>} makes a second firing for the same
 * slot (another node, a restart, a misfire catch-up) return the existing run instead of planning a new one.
 */
public final class Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final RunService runs;
    private final List<Long> workspaces;
    private final ZoneId zone;
    private final int samples;

    public Scheduler(RunService runs, List<Long> workspaces, ZoneId zone, int samples) {
        this.runs = runs;
        this.workspaces = workspaces;
        this.zone = zone;
        this.samples = samples;
    }

    public void fire(Exchange ex) {
        Date scheduled = ex.getMessage().getHeader("scheduledFireTime", Date.class);
        // one line per firing, on the node that fired: with clustered Quartz each slot appears once across nodes
        LOG.info("Schedule slot {} fired", scheduled == null ? "(unscheduled)" : scheduled.toInstant());
        LocalDate day = scheduled == null ? runs.today() : scheduled.toInstant().atZone(zone).toLocalDate();
        for (long ws : workspaces) {
            planFor(ws, day);
        }
    }

    public RunRepository.Planned planFor(long workspaceId, LocalDate day) {
        try {
            // the budget does not refuse the daily run: dispatch pauses when the day's spend reaches the cap
            RunRepository.Planned p = runs.plan(workspaceId, new RunRequest(List.of(), List.of(), samples, "schedule",
                    "schedule:" + day, day, true));
            if (!p.created()) {
                LOG.info("Scheduled run for workspace {} on {} exists already (run {})", workspaceId, day,
                        p.run().id());
            }
            return p;
        } catch (Rejection e) {
            LOG.warn("Scheduled run for workspace {} on {} not planned: {}", workspaceId, day, e.getMessage());
            return null;
        }
    }
}
