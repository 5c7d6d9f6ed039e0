package dev.sightline.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.fetch.WebFetcher;

/**
 * Claims due job items for this node's free fetch slots ({@code sightline.fetch.max-concurrent}; a slot is free again
 * once an item's requests are over, while the item is read and stored) and keeps track of the items it holds: their
 * leases are extended while they run, a cancelled job's fetches are aborted, and on shutdown every item this node
 * holds goes back to pending without spending an attempt.
 */
public final class JobDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

    /** Exchange property holding the {@link JobItemClaim} the item route works on. */
    public static final String CLAIM = "sightline.jobItem";
    /** Header for direct:jobs-dispatch: the host an item just ended on (claim its next item first). */
    public static final String HOST = "sightline.jobHost";
    /** Header for direct:jobs-dispatch: wait (briefly) for the claim under way to serve the host, if there is one. */
    public static final String WAIT = "sightline.jobClaimWait";
    /** Exchange property: the item's fetch slot was given back when its requests were over. */
    private static final String SLOT_FREED = "sightline.jobSlotFreed";
    /** How long a fetched item waits for the claim under way before it is read anyway. */
    private static final long CLAIM_WAIT_NANOS = 50_000_000L;

    private final JobRepository jobs;
    private final String node;
    private final Duration lease;
    private final int perHost;
    private final AtomicInteger idle;
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile boolean again;
    /** Claim rounds begun and ended (guarded by this): a waiter's host is served by any round begun after it. */
    private long roundsBegun;
    private long roundsEnded;
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    /** Items in flight on this node per job: only the end of a job's last one here can be the job's end. */
    private final Map<Long, Integer> inFlightPerJob = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final java.util.Queue<String> freedHosts = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Items whose requests are over, to be marked so in the database by the next claim. */
    private final java.util.Queue<JobItemClaim> fetched = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicBoolean everyHost = new AtomicBoolean();

    /** A claimed item on this node and the handle that stops its fetches. */
    static final class InFlight {
        final JobItemClaim claim;
        final WebFetcher.Abort abort = new WebFetcher.Abort();
        volatile boolean cancelled;

        InFlight(JobItemClaim claim) {
            this.claim = claim;
        }
    }

    public JobDispatcher(JobRepository jobs, String node, Duration lease, int consumers, int perHost) {
        this.jobs = jobs;
        this.node = node;
        this.lease = lease;
        this.perHost = perHost;
        this.idle = new AtomicInteger(consumers);
    }

    public String node() {
        return node;
    }

    /**
     * Claims due items for the free fetch slots: first for the hosts whose items just freed slots (fetched or ended),
     * then, when asked by a timer or a new job or when one of those hosts has nothing due, over every host. A caller
     * that finds a claim under way leaves the work to that thread, which goes round once more; with {@code wait}
     * (an item whose fetch just ended) it waits for that round before its page is read, so the claim is not left
     * behind the reading of every page that ended at the same time.
     */
    public List<JobItemClaim> claim(@Header(HOST) String host, @Header(WAIT) Boolean wait) {
        List<JobItemClaim> out = new ArrayList<>();
        if (host == null) {
            everyHost.set(true);
        } else {
            freedHosts.add(host);
        }
        long wanted;
        synchronized (this) {
            wanted = roundsBegun + 1;
        }
        if (stopping.get()) {
            return out;
        }
        long deadline = System.nanoTime() + CLAIM_WAIT_NANOS;
        while (!claiming.compareAndSet(false, true)) {
            again = true;
            if (!Boolean.TRUE.equals(wait) || !unserved(wanted, deadline)) {
                return out;
            }
        }
        try {
            do {
                again = false;
                long round;
                synchronized (this) {
                    round = ++roundsBegun;
                }
                Set<String> hosts = new LinkedHashSet<>();
                for (String h; (h = freedHosts.poll()) != null; ) {
                    hosts.add(h);
                }
                if (!hosts.isEmpty() && idle.get() > 0 && !stopping.get()) {
                    List<JobItemClaim> claimed = take(List.copyOf(hosts));
                    out.addAll(claimed);
                    Set<String> served = new HashSet<>();
                    claimed.forEach(c -> served.add(c.host()));
                    if (!served.containsAll(hosts)) {
                        // a host ran out of due items: the slot it freed may serve another host
                        everyHost.set(true);
                    }
                }
                if (everyHost.getAndSet(false) && idle.get() > 0 && !stopping.get()) {
                    out.addAll(take(null));
                }
                synchronized (this) {
                    roundsEnded = round;
                    notifyAll();
                }
            } while (again && !stopping.get());
        } catch (RuntimeException e) {
            LOG.warn("Claiming job items failed: {}", e.getMessage());
        } finally {
            claiming.set(false);
            synchronized (this) {
                notifyAll();
            }
        }
        return out;
    }

    /**
     * Waits until a claim round begun after the caller's host was queued has ended (false: served, or waited long
     * enough) or the claiming thread stopped without one (true: the caller claims itself).
     */
    private synchronized boolean unserved(long wanted, long deadline) {
        while (roundsEnded < wanted && claiming.get()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return roundsEnded < wanted;
    }

    private List<JobItemClaim> take(List<String> hosts) {
        List<JobItemClaim> done = new ArrayList<>();
        for (JobItemClaim c; (c = fetched.poll()) != null; ) {
            done.add(c);
        }
        List<JobItemClaim> claimed;
        try {
            claimed = jobs.claim(hosts, done, perHost, idle.get(), node, lease);
        } catch (RuntimeException e) {
            fetched.addAll(done);
            throw e;
        }
        idle.addAndGet(-claimed.size());
        for (JobItemClaim c : claimed) {
            inFlight.put(c.itemId(), new InFlight(c));
            inFlightPerJob.merge(c.jobId(), 1, Integer::sum);
        }
        return claimed;
    }

    /** The handle that aborts the item's fetches (a fresh, unused one when this node no longer holds it). */
    public WebFetcher.Abort abortHandle(JobItemClaim claim) {
        InFlight f = entry(claim);
        if (f == null) {
            WebFetcher.Abort a = new WebFetcher.Abort();
            a.abort();
            return a;
        }
        return f.abort;
    }

    /** True when the item's job was cancelled while this node worked on it. */
    public boolean cancelled(JobItemClaim claim) {
        InFlight f = entry(claim);
        return f != null && f.cancelled;
    }

    public boolean stopping() {
        return stopping.get();
    }

    /**
     * A page's requests are over (it is read and stored next): its fetch slot, and its host's, go to the next due
     * item at once, so reading and storing one page overlaps fetching the next instead of every host waiting for it.
     * The header asks direct:jobs-dispatch to claim for the host.
     */
    public void fetched(Exchange exchange) {
        JobItemClaim claim = exchange.getProperty(CLAIM, JobItemClaim.class);
        if (claim == null || !freeSlot(exchange, claim)) {
            return;
        }
        if (entry(claim) != null) {
            fetched.add(claim);
        }
        exchange.getMessage().setHeader(WAIT, true);
    }

    /**
     * Gives the item's fetch slot back once (at the end of its requests or, if it never fetched, at its end) and
     * asks direct:jobs-dispatch to claim for its host; false when it was given back already.
     */
    private boolean freeSlot(Exchange exchange, JobItemClaim claim) {
        if (exchange.getProperty(SLOT_FREED) != null) {
            return false;
        }
        exchange.setProperty(SLOT_FREED, true);
        idle.incrementAndGet();
        exchange.getMessage().setHeader(HOST, claim.host());
        return true;
    }

    /**
     * The item route is done with an item, whatever the outcome: its consumer is idle, and its job ends if that
     * was its last item (checked after the item's own commit, so of two last items ending together the later one
     * sees both). While this node still works on another item of the job, that item is not over, so neither is
     * the job: the check is left to the end of the job's last item here (per item it cost a statement on the way
     * to the host's next item; the upkeep timer ends jobs too).
     */
    public void finished(Exchange exchange) {
        JobItemClaim claim = exchange.getProperty(CLAIM, JobItemClaim.class);
        if (claim == null) {
            return;
        }
        boolean[] mine = {false};
        inFlight.computeIfPresent(claim.itemId(), (id, f) -> {
            mine[0] = f.claim.leaseToken().equals(claim.leaseToken());
            return mine[0] ? null : f;
        });
        exchange.getMessage().removeHeader(WAIT);
        if (!freeSlot(exchange, claim)) {
            // its slot was claimed for when its requests ended
            exchange.getMessage().removeHeader(HOST);
        }
        if (mine[0] && !lastOfJobHere(claim.jobId())) {
            return;
        }
        try {
            jobs.finalizeJobs(claim.jobId()).forEach(f -> LOG.info("Job {} {}", f.jobId(), f.status()));
        } catch (RuntimeException e) {
            // the upkeep timer finalises it
            LOG.debug("Finalising job {} failed: {}", claim.jobId(), e.getMessage());
        }
    }

    private boolean lastOfJobHere(long jobId) {
        boolean[] last = {false};
        inFlightPerJob.computeIfPresent(jobId, (id, n) -> {
            last[0] = n <= 1;
            return last[0] ? null : n - 1;
        });
        return last[0];
    }

    /** Aborts this node's fetches for a job that was just cancelled here. */
    public void cancelLocal(long jobId) {
        inFlight.values().stream().filter(f -> f.claim.jobId() == jobId).forEach(f -> {
            f.cancelled = true;
            f.abort.abort();
        });
    }

    private InFlight entry(JobItemClaim claim) {
        InFlight f = inFlight.get(claim.itemId());
        return f != null && f.claim.leaseToken().equals(claim.leaseToken()) ? f : null;
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /** Extends the leases this node holds and aborts the items whose job was cancelled on another node. */
    public void heartbeat() {
        List<JobItemClaim> claims = new ArrayList<>();
        inFlight.values().forEach(f -> claims.add(f.claim));
        if (claims.isEmpty()) {
            return;
        }
        Set<Long> kept = new HashSet<>();
        for (JobRepository.Extended e : jobs.extend(claims, lease)) {
            kept.add(e.itemId());
            if (e.cancelled()) {
                InFlight f = inFlight.get(e.itemId());
                if (f != null && !f.cancelled) {
                    f.cancelled = true;
                    f.abort.abort();
                }
            }
        }
        long lost = claims.stream().filter(c -> !kept.contains(c.itemId()) && entry(c) != null).count();
        if (lost > 0) {
            LOG.debug("{} of {} job item leases of node {} ended meanwhile", lost, claims.size(), node);
        }
    }

    /**
     * Graceful stop: no more claims; every item in flight is aborted (a page is cheap to fetch again) and goes back
     * to pending without spending its attempt.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        List<InFlight> held = List.copyOf(inFlight.values());
        held.forEach(f -> f.abort.abort());
        int released = 0;
        for (InFlight f : held) {
            try {
                if (jobs.release(f.claim, "node " + node + " shut down")) {
                    released++;
                }
            } catch (RuntimeException e) {
                LOG.warn("Returning job item {} failed ({}); its lease will expire", f.claim.itemId(),
                        e.getMessage());
            }
        }
        if (released > 0) {
            LOG.info("Stopping jobs: {} job items returned to pending", released);
        }
    }
}
