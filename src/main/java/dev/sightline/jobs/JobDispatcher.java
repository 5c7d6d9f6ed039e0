package dev.sightline.jobs;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 *
 * <p>Slot hand-over: for every fetch this node runs on a host it also holds (leases) the host's next due item as a
 * reservation, which counts against no host's limit (its {@code fetch_done} is set). When a fetch's requests are
 * over, its slot goes to a reservation of the host at once, without a claim in between; before the page's end is
 * written, one statement marks the reservation fetching and the page not (until then the database counts the page
 * in its place: no node ever sees the host's count dip below the requests under way), and the next claim reserves
 * the host's next item. A claim costs a transaction with the claim lock, and a page's next request used to wait
 * for it (10 ms or more a page when a round of pages ends at once on two cores).
 */
public final class JobDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

    /** Exchange property holding the {@link JobItemClaim} the item route works on. */
    public static final String CLAIM = "sightline.jobItem";
    /** Header for direct:jobs-dispatch: the host an item just ended on (claim its next item first). */
    public static final String HOST = "sightline.jobHost";
    /**
     * Header set by {@link #fetched}: the reserved item that took over the slot of the item whose requests ended (its
     * fetch thread goes on with it, the page's reader records the hand-over, direct:jobs-dispatch reserves the
     * host's next item).
     */
    public static final String HANDOVER = "sightline.jobHandover";
    /**
     * Header for direct:jobs-dispatch with {@link #HANDOVER}: the page's fetch thread goes on with the reservation
     * itself (route job-item), so the round only reserves the host's next item. Without it (a route file from before
     * that loop) the reservation is handed out by the round, as it was then.
     */
    public static final String GOES_ON = "sightline.jobGoesOn";
    /** Header set by {@link #claim}: work was queued during its round, so another round is wanted now. */
    public static final String MORE = "sightline.jobClaimMore";
    /** Exchange property: the item's fetch slot was given back (or handed over) when its requests were over. */
    private static final String SLOT_FREED = "sightline.jobSlotFreed";
    private static final Deque<JobItemClaim> EMPTY = new ArrayDeque<>(0);

    private final JobRepository jobs;
    private final String node;
    private final Duration lease;
    private final int perHost;
    private final AtomicInteger idle;
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    /** Items in flight on this node per job: only the end of a job's last one here can be the job's end. */
    private final Map<Long, Integer> inFlightPerJob = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Hosts whose items freed a slot (claim their next item now). */
    private final Queue<String> freedHosts = new ConcurrentLinkedQueue<>();
    /** Hosts whose slot went to a reservation (reserve their next item). */
    private final Queue<String> handedHosts = new ConcurrentLinkedQueue<>();
    /** Items whose requests are over, marked so by the next claim (a page that handed its slot over: by that). */
    private final Queue<JobItemClaim> fetched = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean everyHost = new AtomicBoolean();
    /** This node's fetches per host and its reservations per host (both guarded by this map's lock). */
    private final Map<String, Integer> fetching = new HashMap<>();
    private final Map<String, Deque<JobItemClaim>> reserved = new HashMap<>();
    /** Runs right after a claim's transaction, before its items are tracked; set only by tests (never in service). */
    volatile Runnable afterClaim;

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
     * Hands out items to fetch, one claim round at a time. An item whose requests just ended passed its slot to the
     * host's reservation, which its fetch thread goes on with ({@link #next}, header {@link #GOES_ON}); the round
     * asked for then tops up the host's reservations. A round claims due items for the hosts whose items freed
     * slots, then, when asked by a timer or a new job or when one of those hosts has nothing due, over every host,
     * and tops up the reservations. A caller that finds a round under way leaves its host to that thread; each
     * round's items go out as soon as it ends, and header {@link #MORE} asks the caller (direct:jobs-dispatch's
     * loop) for the next round when work was queued meanwhile.
     */
    public List<JobItemClaim> claim(@Header(HOST) String host, @Header(HANDOVER) JobItemClaim handover,
                                    @Header(GOES_ON) Boolean goesOn, @Header(MORE) Boolean more, Exchange exchange) {
        exchange.getMessage().setHeader(MORE, false);
        exchange.getMessage().removeHeader(HANDOVER);
        exchange.getMessage().removeHeader(GOES_ON);
        List<JobItemClaim> out = new ArrayList<>();
        if (!Boolean.TRUE.equals(more)) {
            if (handover != null) {
                handedHosts.add(handover.host());
                if (!Boolean.TRUE.equals(goesOn)) {
                    // (a route file from before the fetch thread went on with it) out first, the round after
                    out.add(handover);
                    exchange.getMessage().setHeader(MORE, true);
                    return out;
                }
            } else if (host == null) {
                everyHost.set(true);
            } else {
                freedHosts.add(host);
            }
        }
        if (stopping.get() || !claiming.compareAndSet(false, true)) {
            // the thread claiming finds this host queued when its round ends (see below)
            return out;
        }
        boolean failed = false;
        try {
            Set<String> now = drain(freedHosts);
            Set<String> handed = drain(handedHosts);
            if (!now.isEmpty() || !handed.isEmpty() || !fetched.isEmpty()) {
                List<JobItemClaim> claimed = take(List.copyOf(now), now.isEmpty() ? 0 : idle.get(), handed);
                out.addAll(claimed);
                Set<String> served = new HashSet<>();
                claimed.forEach(c -> served.add(c.host()));
                if (!served.containsAll(now)) {
                    // a host ran out of due items: the slot it freed may serve another host
                    everyHost.set(true);
                }
            }
            if (everyHost.getAndSet(false) && idle.get() > 0 && !stopping.get()) {
                out.addAll(take(null, idle.get(), Set.of()));
            }
        } catch (RuntimeException e) {
            LOG.warn("Claiming job items failed: {}", e.getMessage());
            // no round right after a failure: the timer's next claim retries
            failed = true;
        } finally {
            claiming.set(false);
        }
        // read after the release: a caller that could not take over queued its work before trying
        if (!failed && !stopping.get() && (!freedHosts.isEmpty() || !handedHosts.isEmpty() || everyHost.get()
                || !fetched.isEmpty())) {
            exchange.getMessage().setHeader(MORE, true);
        }
        return out;
    }

    private static Set<String> drain(Queue<String> hosts) {
        Set<String> out = new LinkedHashSet<>();
        for (String h; (h = hosts.poll()) != null; ) {
            out.add(h);
        }
        return out;
    }

    /**
     * One claim transaction: the ends of fetches queued, up to {@code limit} items to fetch now (of {@code hosts}, or
     * of any host when null) and, when none was claimed, reservations for the round's hosts (the hosts of items claimed
     * now get theirs in the next round, so those items go out first).
     */
    private List<JobItemClaim> take(List<String> hosts, int limit, Set<String> handed) {
        List<JobItemClaim> done = new ArrayList<>();
        for (JobItemClaim c; (c = fetched.poll()) != null; ) {
            done.add(c);
        }
        Set<String> candidates = new LinkedHashSet<>(handed);
        if (hosts != null) {
            candidates.addAll(hosts);
        }
        JobRepository.Claimed claimed;
        try {
            // items claimed to fetch now go out first: their hosts' reservations come with the next round
            claimed = jobs.claim(hosts, done, perHost, stopping.get() ? 0 : limit, node, lease,
                    now -> stopping.get() || !now.isEmpty() ? Map.of() : reservationsWanted(candidates));
        } catch (RuntimeException e) {
            fetched.addAll(done);
            throw e;
        }
        Runnable hook = afterClaim;
        if (hook != null) {
            hook.run();
        }
        List<JobItemClaim> late = new ArrayList<>();
        List<JobItemClaim> excess = new ArrayList<>();
        synchronized (fetching) {
            if (stopping.get()) {
                // the node began to stop while this claim ran, and stop() has read what it holds (under this lock)
                late.addAll(claimed.now());
                late.addAll(claimed.reserved());
            } else {
                idle.addAndGet(-claimed.now().size());
                for (JobItemClaim c : claimed.now()) {
                    track(c);
                    fetching.merge(c.host(), 1, Integer::sum);
                }
                for (JobItemClaim c : claimed.reserved()) {
                    track(c);
                    reserved.computeIfAbsent(c.host(), h -> new ArrayDeque<>()).add(c);
                }
                // a fetch that ended while the claim ran found no reservation: its host may hold more than it fetches
                for (String h : Set.copyOf(reserved.keySet())) {
                    Deque<JobItemClaim> r = reserved.get(h);
                    while (r.size() > fetching.getOrDefault(h, 0)) {
                        excess.add(r.pollLast());
                    }
                    if (r.isEmpty()) {
                        reserved.remove(h);
                    }
                }
            }
        }
        if (!late.isEmpty()) {
            // back to pending at once, their attempts not spent, rather than leased until the lease expires
            late.forEach(c -> release(c, "node " + node + " shut down"));
            return List.of();
        }
        if (!claimed.now().isEmpty()) {
            handedHosts.addAll(candidates);
            claimed.now().forEach(c -> handedHosts.add(c.host()));
        }
        excess.forEach(c -> giveBack(c, "reservation not needed"));
        return claimed.now();
    }

    /** Per host: as many reservations as this node runs fetches there, less those it holds. */
    private Map<String, Integer> reservationsWanted(Set<String> hosts) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        synchronized (fetching) {
            for (String h : hosts) {
                int held = reserved.getOrDefault(h, EMPTY).size();
                int n = Math.min(perHost, fetching.getOrDefault(h, 0)) - held;
                if (n > 0) {
                    wanted.put(h, n);
                }
            }
        }
        return wanted;
    }

    private void track(JobItemClaim c) {
        inFlight.put(c.itemId(), new InFlight(c));
        inFlightPerJob.merge(c.jobId(), 1, Integer::sum);
    }

    /** An item this node holds but will not work on goes back to pending, its attempt not spent. */
    private void giveBack(JobItemClaim c, String reason) {
        release(c, reason);
        inFlight.remove(c.itemId());
        lastOfJobHere(c.jobId());
    }

    /** Returns a leased item to pending, its attempt not spent; if that fails, its lease expires instead. */
    private void release(JobItemClaim c, String reason) {
        try {
            jobs.release(c, reason);
        } catch (RuntimeException e) {
            LOG.debug("Returning job item {} failed ({}); its lease will expire", c.itemId(), e.getMessage());
        }
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
     * A page's requests are over (it is read and stored next): its fetch slot, and its host's, go to the host's
     * reservation (header {@link #HANDOVER}, recorded with or before the page's end, see {@link #takeHandOver})
     * or to the next due item at once, so reading and storing one page overlaps fetching the next instead of every
     * host waiting for it. The headers ask direct:jobs-dispatch to hand out the reservation or claim.
     */
    public void fetched(Exchange exchange) {
        JobItemClaim claim = exchange.getProperty(CLAIM, JobItemClaim.class);
        if (claim == null || exchange.getProperty(SLOT_FREED) != null) {
            return;
        }
        exchange.setProperty(SLOT_FREED, true);
        JobItemClaim next = null;
        synchronized (fetching) {
            Deque<JobItemClaim> r = stopping.get() ? null : reserved.get(claim.host());
            if (r != null) {
                next = r.poll();
                if (r.isEmpty()) {
                    reserved.remove(claim.host());
                }
            }
        }
        exchange.getMessage().setHeader(HOST, claim.host());
        if (next != null) {
            // the slot stays taken: the reservation's requests replace this page's
            exchange.getMessage().setHeader(HANDOVER, next);
            return;
        }
        freeSlot(claim);
        if (entry(claim) != null) {
            fetched.add(claim);
        }
    }

    /**
     * The item this fetch thread goes on with, as the body: the reservation its page just handed its slot to (header
     * {@link #HANDOVER}, gone once the page is on its way to be read), or null when its slot went back. Going on
     * here instead of handing the reservation to the item queue saves a thread's wake-up and an exchange between a
     * page's answer and its host's next request, the path every page of a host waits on.
     */
    public void next(Exchange exchange) {
        JobItemClaim next = exchange.getMessage().getHeader(HANDOVER, JobItemClaim.class);
        exchange.getMessage().removeHeader(HANDOVER);
        exchange.getMessage().removeHeader(GOES_ON);
        exchange.getMessage().removeHeader(HOST);
        exchange.removeProperty(SLOT_FREED);
        if (next != null) {
            exchange.setProperty(CLAIM, next);
        }
        exchange.getMessage().setBody(next);
    }

    /**
     * Writes the hand-over of a page's slot before anything else writes the page's end (a failed step, a retry; a
     * stored page records it with its end, see {@link #takeHandOver}): its reservation counts against the host from
     * now on, in one statement with the page no longer counting. Until then the database counts the page in the
     * reservation's place, so no node ever sees the host's count below the requests under way (no claim marks a page
     * that handed over as done). A reservation that is no longer this node's is fenced like any item whose lease
     * ended.
     */
    public void recordHandOver(Exchange exchange) {
        JobItemClaim next = exchange.getMessage().getHeader(HANDOVER, JobItemClaim.class);
        exchange.getMessage().removeHeader(HANDOVER);
        JobItemClaim claim = exchange.getProperty(CLAIM, JobItemClaim.class);
        if (next == null || claim == null) {
            return;
        }
        try {
            if (!jobs.handOver(claim, next)) {
                LOG.debug("Reserved job item {} was no longer held by node {} when its slot was handed over",
                        next.itemId(), node);
            }
        } catch (RuntimeException e) {
            // the page's end, if it is written, leaves the host counted one request short until the reservation ends
            LOG.warn("Recording the hand-over of a fetch slot to job item {} failed: {}", next.itemId(),
                    e.getMessage());
        }
    }

    /**
     * The reservation this page handed its slot to, for the statement that writes the page's end to count in the
     * same stroke ({@code withEnd}: the header stays until that statement has committed, so a store that fails
     * leaves the hand-over to the failure's {@link #recordHandOver}); or, when another statement ends the page,
     * recorded here first. Null when the page handed over nothing.
     */
    public JobItemClaim takeHandOver(Exchange exchange, boolean withEnd) {
        if (withEnd) {
            return exchange.getMessage().getHeader(HANDOVER, JobItemClaim.class);
        }
        recordHandOver(exchange);
        return null;
    }

    /** A slot back to the free ones (no reservation took it): this node fetches one page less on the host. */
    private void freeSlot(JobItemClaim claim) {
        synchronized (fetching) {
            fetching.computeIfPresent(claim.host(), (h, n) -> n <= 1 ? null : n - 1);
        }
        idle.incrementAndGet();
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
        exchange.getMessage().removeHeader(HANDOVER);
        if (exchange.getProperty(SLOT_FREED) != null) {
            // its slot was given up when its requests ended
            exchange.getMessage().removeHeader(HOST);
        } else {
            // it never fetched, or failed while fetching: its slot goes back (a reservation waits for a fetch's end)
            exchange.setProperty(SLOT_FREED, true);
            freeSlot(claim);
            exchange.getMessage().setHeader(HOST, claim.host());
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
        heartbeat(held());
    }

    /** The items this node holds now (fetching, being read or reserved). */
    List<JobItemClaim> held() {
        List<JobItemClaim> claims = new ArrayList<>();
        inFlight.values().forEach(f -> claims.add(f.claim));
        return claims;
    }

    /**
     * Extends the leases of {@code claims}, read from {@link #held()} before: an item claimed since (a claim round
     * runs while the extension does) was not asked about, so its lease is not taken for lost.
     */
    void heartbeat(List<JobItemClaim> claims) {
        if (claims.isEmpty()) {
            return;
        }
        Set<UUID> asked = new HashSet<>();
        claims.forEach(c -> asked.add(c.leaseToken()));
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
        // a reservation whose lease ended meanwhile (the database was out of reach) is someone else's now
        List<JobItemClaim> lostReservations = new ArrayList<>();
        synchronized (fetching) {
            reserved.values().forEach(r -> r.removeIf(c -> {
                boolean gone = asked.contains(c.leaseToken()) && !kept.contains(c.itemId());
                if (gone) {
                    lostReservations.add(c);
                }
                return gone;
            }));
            reserved.values().removeIf(Deque::isEmpty);
        }
        lostReservations.forEach(c -> {
            inFlight.remove(c.itemId());
            lastOfJobHere(c.jobId());
        });
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
        List<InFlight> held;
        synchronized (fetching) {
            // a claim still running tracks its items before this (and they are returned here) or sees the stop
            // and returns them itself (take)
            held = List.copyOf(inFlight.values());
        }
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
