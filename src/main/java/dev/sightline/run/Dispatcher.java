package dev.sightline.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves due cells from PostgreSQL to the providers' SEDA queues. Per provider it claims only as many cells as
 * there are idle consumers, so a lease covers a call and not a wait in a queue; a consumer that finishes a cell
 * claims the next one at once, and a timer picks up cells whose retry time has come.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** Exchange property that carries the {@link CellClaim} through a provider route. */
    public static final String CLAIM = "sightline.claim";

    private final CellRepository cells;
    private final ProducerTemplate producer;
    private final String node;
    private final Duration lease;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile Predicate<String> mayDispatch = p -> true;
    private volatile boolean paused;

    /** One provider on this node: its queue and how many of its consumers are idle. */
    private static final class Lane {
        final String provider;
        final String sedaUri;
        final AtomicInteger idle;
        final AtomicBoolean claiming = new AtomicBoolean();
        volatile boolean again;
        volatile Endpoint endpoint;

        Lane(String provider, String sedaUri, int consumers) {
            this.provider = provider;
            this.sedaUri = sedaUri;
            this.idle = new AtomicInteger(consumers);
        }
    }

    /**
     * A claimed cell on this node; {@code started} once its request is about to go out, {@code finishing} once its
     * outcome is being written (the lease ends with that write, not when the cell leaves this map).
     */
    public static final class InFlight {
        public final CellClaim claim;
        volatile boolean started;
        volatile boolean finishing;

        InFlight(CellClaim claim) {
            this.claim = claim;
        }

        public boolean started() {
            return started;
        }
    }

    public Dispatcher(CellRepository cells, ProducerTemplate producer, String node, Duration lease) {
        this.cells = cells;
        this.producer = producer;
        this.node = node;
        this.lease = lease;
    }

    public void addLane(String provider, String sedaUri, int consumers) {
        lanes.put(provider, new Lane(provider, sedaUri, consumers));
    }

    /** A gate checked before each claim (open circuit, budget pause). */
    public void setGate(Predicate<String> mayDispatch) {
        this.mayDispatch = mayDispatch;
    }

    /** Stops claiming until {@link #resume()}; cells already claimed carry on. */
    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
        dispatchAll();
    }

    public boolean isPaused() {
        return paused;
    }

    public String node() {
        return node;
    }

    public Duration lease() {
        return lease;
    }

    /** Timer tick and run-planned signal: try every provider. */
    public void dispatchAll() {
        for (Lane lane : lanes.values()) {
            dispatch(lane);
        }
    }

    public void dispatch(String provider) {
        Lane lane = lanes.get(provider);
        if (lane != null) {
            dispatch(lane);
        }
    }

    private void dispatch(Lane lane) {
        if (stopping.get()) {
            return;
        }
        if (!lane.claiming.compareAndSet(false, true)) {
            lane.again = true; // the thread claiming now will go round once more
            return;
        }
        try {
            do {
                lane.again = false;
                int free = lane.idle.get();
                if (free <= 0 || paused || stopping.get() || !mayDispatch.test(lane.provider)) {
                    break;
                }
                List<CellClaim> claimed = cells.claim(lane.provider, free, node, lease);
                if (claimed.isEmpty()) {
                    break;
                }
                lane.idle.addAndGet(-claimed.size());
                Endpoint queue = endpoint(lane);
                for (CellClaim c : claimed) {
                    inFlight.put(c.cellId(), new InFlight(c));
                    producer.send(queue, ex -> {
                        ex.setProperty(CLAIM, c);
                        ex.getMessage().setBody(c);
                    });
                }
                if (claimed.size() < free) {
                    break; // nothing more is due now
                }
            } while (true);
        } catch (RuntimeException e) {
            LOG.warn("Dispatching provider {} failed: {}", lane.provider, e.getMessage());
        } finally {
            lane.claiming.set(false);
        }
        if (lane.again && !stopping.get()) {
            dispatch(lane);
        }
    }

    /** The lane's queue, resolved once: resolving the URI on every send normalises it every time. */
    private Endpoint endpoint(Lane lane) {
        Endpoint e = lane.endpoint;
        if (e == null) {
            e = producer.getCamelContext().getEndpoint(lane.sedaUri);
            lane.endpoint = e;
        }
        return e;
    }

    /**
     * The provider route marks a claim the moment before its request goes out; false if shutting down. Entries
     * are matched by lease token: if this node's lease on a cell expired mid-call and it claimed the cell again,
     * the two claims must not be confused.
     */
    public boolean markStarted(CellClaim claim) {
        InFlight f = entry(claim);
        if (f == null || stopping.get()) {
            return false;
        }
        f.started = true;
        return true;
    }

    /** The provider route is about to write the cell's outcome, which ends its lease. */
    public void finishing(CellClaim claim) {
        InFlight f = entry(claim);
        if (f != null) {
            f.finishing = true;
        }
    }

    /** A consumer finished with a cell (whatever the outcome): its slot is free, claim the next cell. */
    public void done(CellClaim claim) {
        inFlight.computeIfPresent(claim.cellId(), (id, f) -> f.claim.leaseToken().equals(claim.leaseToken()) ? null : f);
        Lane lane = lanes.get(claim.provider());
        if (lane != null) {
            lane.idle.incrementAndGet();
            dispatch(lane);
        }
    }

    private InFlight entry(CellClaim claim) {
        InFlight f = inFlight.get(claim.cellId());
        return f != null && f.claim.leaseToken().equals(claim.leaseToken()) ? f : null;
    }

    public Collection<InFlight> inFlight() {
        return inFlight.values();
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /** Extends the leases of every cell this node holds; runs on a timer well inside the lease. */
    public void heartbeat() {
        List<CellClaim> claims = new ArrayList<>();
        inFlight.values().forEach(f -> claims.add(f.claim));
        if (!claims.isEmpty()) {
            Set<Long> kept = new HashSet<>(cells.extend(claims, lease));
            // a lease that ended because this node just wrote the cell's outcome was not taken over
            long lost = claims.stream().filter(c -> !kept.contains(c.cellId())).filter(c -> {
                InFlight f = inFlight.get(c.cellId());
                return f != null && !f.finishing;
            }).count();
            if (lost > 0) {
                LOG.warn("{} of {} leases of node {} were taken over by other nodes; their results will be dropped",
                        lost, claims.size(), node);
            }
        }
    }

    public boolean isStopping() {
        return stopping.get();
    }

    /**
     * Graceful stop: no more claims; cells claimed but not started go back to pending without spending an
     * attempt; calls already made get up to {@code grace} to finish.
     */
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        List<CellClaim> unstarted = inFlight.values().stream().filter(f -> !f.started).map(f -> f.claim).toList();
        int released = cells.release(unstarted, "node " + node + " shut down before calling");
        unstarted.forEach(c -> inFlight.remove(c.cellId()));
        long deadline = System.nanoTime() + grace.toNanos();
        LOG.info("Stopping dispatch: {} unstarted cells returned to pending, waiting up to {} s for {} calls in flight",
                released, grace.toSeconds(), inFlight.size());
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!inFlight.isEmpty()) {
            LOG.warn("{} calls still in flight after the grace period; their leases will expire and other nodes will retry them",
                    inFlight.size());
        }
    }
}
