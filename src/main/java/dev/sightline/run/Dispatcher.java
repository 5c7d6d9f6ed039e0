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
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due cells for this node's consumers and keeps track of the cells it holds. Per provider it holds at most
 * as many cells as it has consumers plus a few claimed ahead ({@code sightline.dispatch.claim-ahead} per consumer),
 * so a consumer that finishes a call finds its next cell waiting in its queue instead of waiting for a claim, and
 * a lease covers a call and at most the wait for one call before it; the dispatch route hands what it claims to
 * the providers' queues. While a cell is held its lease is extended; on shutdown cells claimed but not started go
 * back without spending an attempt.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final CellRepository cells;
    private final String node;
    private final Duration lease;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Runs cancelled on this node while it held cells of theirs claimed ahead: those are not called. */
    private final Set<Long> cancelledRuns = ConcurrentHashMap.newKeySet();
    private volatile Predicate<String> providerOpen = p -> true;
    private volatile Supplier<long[]> blockedWorkspaces = () -> new long[0];
    private volatile BooleanSupplier analysisKeepsUp = () -> true;
    /** A claim found the analysis behind and claimed nothing (see {@link #heldBack}). */
    private final AtomicBoolean heldBack = new AtomicBoolean();

    /** One provider on this node: how many more cells it may hold (idle consumers and free places ahead). */
    private static final class Lane {
        final String provider;
        final AtomicInteger free;
        final AtomicBoolean claiming = new AtomicBoolean();
        volatile boolean again;

        Lane(String provider, int places) {
            this.provider = provider;
            this.free = new AtomicInteger(places);
        }
    }

    /**
     * A claimed cell on this node; {@code started} once its request is about to go out, {@code finishing} once its
     * outcome is being written (the lease ends with that write, not when the cell leaves this map).
     */
    private static final class InFlight {
        final CellClaim claim;
        volatile boolean started;
        volatile boolean finishing;

        InFlight(CellClaim claim) {
            this.claim = claim;
        }
    }

    public Dispatcher(CellRepository cells, String node, Duration lease) {
        this.cells = cells;
        this.node = node;
        this.lease = lease;
    }

    /** A provider with {@code consumers} on this node, and {@code ahead} cells claimed ahead of each. */
    public void addLane(String provider, int consumers, int ahead) {
        lanes.put(provider, new Lane(provider, consumers * (1 + ahead)));
    }

    /** Providers whose cells may be claimed now (an open circuit keeps them in the database). */
    public void setProviderGate(Predicate<String> providerOpen) {
        this.providerOpen = providerOpen;
    }

    /** Workspaces whose cells wait (today's budget is spent). */
    public void setWorkspaceGate(Supplier<long[]> blockedWorkspaces) {
        this.blockedWorkspaces = blockedWorkspaces;
    }

    /**
     * Whether the analysis keeps up with the answers this node stores: while it does not (answers waiting for it
     * past {@code sightline.analysis.max-backlog}), no cell is claimed, and claims go on after the next analysis
     * batch ({@link #heldBack}) or dispatch tick, so the answers waiting in memory stay bounded when calls answer
     * faster than they are analysed.
     */
    public void setBacklogGate(BooleanSupplier analysisKeepsUp) {
        this.analysisKeepsUp = analysisKeepsUp;
    }

    /**
     * Whether a claim was held back because the analysis was behind since this was last asked (the analysis route
     * asks after each batch it writes, and claims again at once when it was).
     */
    public boolean heldBack() {
        return heldBack.getAndSet(false);
    }

    public String node() {
        return node;
    }

    /**
     * Claims due cells for the free places of one provider, or of every provider when none is named. A caller
     * that finds the lane being claimed for leaves the work to that thread, which goes round once more.
     */
    public List<CellClaim> claim(@Header(Pipeline.PROVIDER) String provider) {
        if (stopping.get()) {
            return List.of();
        }
        if (!analysisKeepsUp.getAsBoolean()) {
            heldBack.set(true);
            return List.of();
        }
        List<CellClaim> out = new ArrayList<>();
        if (provider == null) {
            lanes.values().forEach(l -> claim(l, out));
        } else {
            Lane lane = lanes.get(provider);
            if (lane != null) {
                claim(lane, out);
            }
        }
        return out;
    }

    private void claim(Lane lane, List<CellClaim> out) {
        if (!lane.claiming.compareAndSet(false, true)) {
            lane.again = true;
            return;
        }
        try {
            do {
                lane.again = false;
                int free = lane.free.get();
                if (free <= 0 || stopping.get() || !providerOpen.test(lane.provider)) {
                    break;
                }
                List<CellClaim> claimed = cells.claim(lane.provider, free, node, lease, blockedWorkspaces.get());
                lane.free.addAndGet(-claimed.size());
                for (CellClaim c : claimed) {
                    inFlight.put(c.cellId(), new InFlight(c));
                }
                out.addAll(claimed);
                // a consumer that finished a cell meanwhile found this lane busy and left its claim to this thread
            } while (lane.again && !stopping.get());
        } catch (RuntimeException e) {
            LOG.warn("Claiming cells of provider {} failed: {}", lane.provider, e.getMessage());
        } finally {
            lane.claiming.set(false);
        }
    }

    /**
     * The provider route marks a claim the moment before its request goes out; false if shutting down. Entries
     * are matched by lease token: if this node's lease on a cell expired mid-call and it claimed the cell again,
     * the two claims must not be confused.
     */
    public boolean markStarted(CellClaim claim) {
        InFlight f = entry(claim);
        if (f == null || stopping.get() || cancelledRuns.contains(claim.runId()) || blocked(claim.workspaceId())) {
            return false;
        }
        f.started = true;
        return true;
    }

    /**
     * Whether the workspace's cells wait now (today's budget is spent): a cell claimed ahead before the spend
     * reached the cap goes back unspent instead of being called past it.
     */
    private boolean blocked(long workspaceId) {
        for (long w : blockedWorkspaces.get()) {
            if (w == workspaceId) {
                return true;
            }
        }
        return false;
    }

    /** Whether this node still holds the claim (it was not returned at shutdown). */
    public boolean holds(CellClaim claim) {
        return entry(claim) != null;
    }

    /** The provider route is about to write the cell's outcome, which ends its lease. */
    public void finishing(CellClaim claim) {
        InFlight f = entry(claim);
        if (f != null) {
            f.finishing = true;
        }
    }

    /**
     * The provider route is done with a cell, whatever the outcome: its place is free. Sets the
     * {@link Pipeline#PROVIDER} header so the next step claims that provider's next cell.
     */
    public void finished(Exchange exchange) {
        CellClaim claim = exchange.getProperty(Pipeline.CLAIM, CellClaim.class);
        if (claim == null) {
            return;
        }
        InFlight removed = inFlight.computeIfPresent(claim.cellId(),
                (id, f) -> f.claim.leaseToken().equals(claim.leaseToken()) ? null : f);
        Lane lane = lanes.get(claim.provider());
        if (lane != null) {
            lane.free.incrementAndGet();
        }
        exchange.getMessage().setHeader(Pipeline.PROVIDER, claim.provider());
        if (removed != null) {
            LOG.trace("cell {} finished", claim.cellId());
        }
    }

    /**
     * A run was cancelled on this node (its pending cells are cancelled by then): its cells held here and not started
     * are not called but returned, which cancels them. Other nodes call the few cells they claimed ahead.
     */
    public void runCancelled(long runId) {
        if (inFlight.values().stream().anyMatch(f -> f.claim.runId() == runId && !f.started)) {
            cancelledRuns.add(runId);
        }
        if (cancelledRuns.size() > 1000) {
            cancelledRuns.removeIf(r -> inFlight.values().stream().noneMatch(f -> f.claim.runId() == r));
        }
    }

    private InFlight entry(CellClaim claim) {
        InFlight f = inFlight.get(claim.cellId());
        return f != null && f.claim.leaseToken().equals(claim.leaseToken()) ? f : null;
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /** Extends the leases of every cell this node holds; runs on a timer well inside the lease. */
    public void heartbeat() {
        List<CellClaim> claims = new ArrayList<>();
        inFlight.values().forEach(f -> claims.add(f.claim));
        if (claims.isEmpty()) {
            return;
        }
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

    public boolean stopping() {
        return stopping.get();
    }

    /**
     * Graceful stop: no more claims; cells claimed but not started go back to pending without spending an
     * attempt; calls already made get up to {@code grace} to finish and store their outcome.
     *
     * @return how many calls were still in flight when the grace ran out
     */
    public int stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            return inFlight.size();
        }
        Collection<CellClaim> unstarted = inFlight.values().stream().filter(f -> !f.started).map(f -> f.claim)
                .toList();
        int released = 0;
        try {
            released = cells.release(List.copyOf(unstarted), "node " + node + " shut down before calling");
        } catch (RuntimeException e) {
            LOG.warn("Returning {} unstarted cells failed ({}); their leases will expire", unstarted.size(),
                    e.getMessage());
        }
        unstarted.forEach(c -> inFlight.computeIfPresent(c.cellId(),
                (id, f) -> f.claim.leaseToken().equals(c.leaseToken()) ? null : f));
        long deadline = System.nanoTime() + grace.toNanos();
        if (released > 0 || !inFlight.isEmpty()) {
            LOG.info("Stopping dispatch: {} unstarted cells returned to pending, waiting up to {} s for {} calls in "
                    + "flight", released, grace.toSeconds(), inFlight.size());
        }
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!inFlight.isEmpty()) {
            LOG.warn("{} calls still in flight after the grace period; their leases will expire and other nodes will "
                    + "retry them", inFlight.size());
        }
        return inFlight.size();
    }
}
