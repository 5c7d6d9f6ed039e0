package dev.sightline.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sightline.events.EventLog.Cursor;
import dev.sightline.events.EventLog.Event;
import dev.sightline.values.Json;

/**
 * A node's one reader of the event log, shared by all its streams. It tails every workspace's events in commit
 * order from the moment the node starts, woken by PostgreSQL notifications ({@code LISTEN sightline_events}, sent by
 * the transactions that write events, delivered at their commit) and polling as the fallback, and fans each event
 * out to the streams whose scope it matches. A stream that starts behind (Last-Event-ID) first catches up from the
 * table itself, then joins. Summaries (run.progress) are derived here, once per node, at most once per
 * {@code progressInterval} each, and only while some stream wants them.
 */
public final class EventHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    private static final String CHANNEL = "sightline_events";

    /** What one summary is about: {@code key = id} of a workspace (runId = 12). */
    public record SummaryKey(long workspaceId, String key, long id) {
    }

    /** What the hub derives from the stored events; a feature with events of its own plugs its own in. */
    public interface Derivation {
        /** The event as clients see it: the stored one, or one that says more (run.completed with its headline). */
        default Event enrich(Event stored) {
            return stored;
        }

        /** The summary this event makes due (run.progress after cell.finished), or null. */
        default SummaryKey dueAfter(Event stored) {
            return null;
        }

        /** The summary this event ends (run.completed ends run.progress), or null. */
        default SummaryKey endedBy(Event stored) {
            return null;
        }

        /** The summary now, as an event (its cursor is not used), or empty when there is none any more. */
        default Optional<Event> summary(SummaryKey key) {
            return Optional.empty();
        }

        /** Summaries a stream of this scope is shown as it starts (the runs going on). */
        default List<SummaryKey> open(EventScope scope) {
            return List.of();
        }

        /** Several features' derivations as one: each event goes through all of them. */
        static Derivation all(List<Derivation> parts) {
            return new Derivation() {
                @Override
                public Event enrich(Event stored) {
                    Event e = stored;
                    for (Derivation d : parts) {
                        e = d.enrich(e);
                    }
                    return e;
                }

                @Override
                public SummaryKey dueAfter(Event stored) {
                    return parts.stream().map(d -> d.dueAfter(stored)).filter(java.util.Objects::nonNull).findFirst()
                            .orElse(null);
                }

                @Override
                public SummaryKey endedBy(Event stored) {
                    return parts.stream().map(d -> d.endedBy(stored)).filter(java.util.Objects::nonNull).findFirst()
                            .orElse(null);
                }

                @Override
                public Optional<Event> summary(SummaryKey key) {
                    return parts.stream().map(d -> d.summary(key)).flatMap(Optional::stream).findFirst();
                }

                @Override
                public List<SummaryKey> open(EventScope scope) {
                    return parts.stream().flatMap(d -> d.open(scope).stream()).toList();
                }
            };
        }
    }

    /**
     * @param pollInterval     how often the log is read without a notification
     * @param progressInterval the least time between two summaries of one thing
     * @param keepAlive        how often every stream gets a comment
     * @param clientBuffer     frames a stream may fall behind before it is dropped
     * @param batch            events read per query
     */
    public record Settings(Duration pollInterval, Duration progressInterval, Duration keepAlive, int clientBuffer,
                           int batch) {
    }

    /** Opens a connection of its own for LISTEN (never one of the pool's). */
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final EventLog log;
    private final Derivation derivation;
    private final Settings settings;
    private final Connector connector;
    private final Object lock = new Object();
    private final List<Subscription> live = new ArrayList<>(); // guarded by lock
    private Cursor head; // guarded by lock
    private final Semaphore wake = new Semaphore(0);
    private final Set<SummaryKey> due = new LinkedHashSet<>(); // reader thread only
    private final java.util.Queue<Subscription> joined = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Map<SummaryKey, Long> lastSummary = new HashMap<>(); // reader thread only
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private volatile boolean running;
    private volatile boolean failing;
    private Thread reader;
    private Thread listener;
    private volatile Connection listening;

    public EventHub(EventLog log, Derivation derivation, Settings settings, Connector connector) {
        this.log = log;
        this.derivation = derivation;
        this.settings = settings;
        this.connector = connector;
    }

    public EventLog log() {
        return log;
    }

    public Settings settings() {
        return settings;
    }

    /** Starts reading from now on. */
    public synchronized void start() {
        if (running) {
            return;
        }
        synchronized (lock) {
            head = log.now();
        }
        running = true;
        reader = new Thread(this::readLoop, "sightline-events");
        reader.setDaemon(true);
        reader.start();
        listener = new Thread(this::listenLoop, "sightline-events-listen");
        listener.setDaemon(true);
        listener.start();
    }

    public boolean isRunning() {
        return running;
    }

    /** Something was written: read now. */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Streams open now, streams dropped for a full buffer since start, notifications received. */
    public record Stats(int streams, long dropped, long notifications) {
    }

    public Stats stats() {
        synchronized (lock) {
            live.removeIf(Subscription::isClosed);
            return new Stats(live.size(), dropped.get(), notifications.get());
        }
    }

    /**
     * Starts a stream: from {@code from} (catching up from the table, in this thread, as fast as the client reads),
     * or from now when null. Returns once the stream is live (or closed).
     */
    public void subscribe(Subscription sub, Cursor from) throws InterruptedException {
        if (from == null) {
            synchronized (lock) {
                sub.start(head, true);
                live.add(sub);
            }
            sub.signal();
        } else {
            sub.start(from, false);
            catchUp(sub);
        }
        // the summaries of what goes on in its scope come from the reader, within their one interval per node
        joined.add(sub);
        wake();
        sub.signal();
    }

    private void catchUp(Subscription sub) throws InterruptedException {
        EventScope scope = sub.scope();
        long waitMillis = Math.max(1000, settings.keepAlive().toMillis() * 2);
        while (!sub.isClosed()) {
            Cursor upTo;
            synchronized (lock) {
                upTo = head;
                if (!upTo.after(sub.position())) {
                    live.add(sub);
                    return;
                }
            }
            List<Event> page = log.between(scope.workspaceId(), scope.runId(), sub.position(), upTo, settings.batch());
            for (Event e : page) {
                if (scope.matches(e)) {
                    Event shown = derivation.enrich(e);
                    if (!sub.offerWaiting(e.cursor(), frame(shown), waitMillis)) {
                        if (!sub.isClosed()) {
                            dropped.incrementAndGet();
                            sub.drop();
                        }
                        return;
                    }
                    sub.signal();
                } else {
                    sub.skipTo(e.cursor());
                }
            }
            if (page.size() < settings.batch()) {
                sub.skipTo(upTo);
            }
        }
    }

    private void readLoop() {
        long nextKeepAlive = System.nanoTime() + settings.keepAlive().toNanos();
        while (running) {
            try {
                long waitNanos = Math.min(settings.pollInterval().toNanos(), nextKeepAlive - System.nanoTime());
                if (!due.isEmpty()) {
                    waitNanos = Math.min(waitNanos, nextSummaryNanos() - System.nanoTime());
                }
                if (waitNanos > 0 && wake.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
                    wake.drainPermits();
                }
                readAll();
                summariesForJoined();
                emitDueSummaries(false);
                if (System.nanoTime() >= nextKeepAlive) {
                    keepAlive();
                    nextKeepAlive = System.nanoTime() + settings.keepAlive().toNanos();
                }
                if (failing) {
                    failing = false;
                    LOG.info("Event reader reads the log again");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true;
                    LOG.warn("Event reader cannot read the log, retrying: {}", e.getMessage());
                }
                sleepQuietly(settings.pollInterval().toMillis());
            }
        }
    }

    private void readAll() {
        while (running) {
            Cursor from;
            synchronized (lock) {
                from = head;
            }
            List<Event> batch = log.after(from, settings.batch());
            for (Event e : batch) {
                SummaryKey ended = derivation.endedBy(e);
                if (ended != null && due.contains(ended)) {
                    // the last summary goes out before the event that ends it, if its interval allows
                    emitSummary(ended, false);
                    due.remove(ended);
                }
                // what clients see is made only when some stream wants the event, and outside the lock (run.completed
                // reads the metrics); a stream that joins meanwhile gets it made under the lock
                String frame = wanted(e) ? frame(derivation.enrich(e)) : null;
                List<Subscription> signalled = new ArrayList<>();
                synchronized (lock) {
                    for (Iterator<Subscription> it = live.iterator(); it.hasNext();) {
                        Subscription s = it.next();
                        if (s.isClosed()) {
                            it.remove();
                        } else if (s.scope().matches(e)) {
                            if (frame == null) {
                                frame = frame(derivation.enrich(e));
                            }
                            if (s.offer(e.cursor(), frame)) {
                                signalled.add(s);
                            } else {
                                it.remove();
                                dropped.incrementAndGet();
                                s.drop();
                            }
                        }
                    }
                    head = e.cursor();
                }
                signalled.forEach(Subscription::signal);
                SummaryKey k = derivation.dueAfter(e);
                if (k != null && wanted(k)) {
                    due.add(k);
                }
            }
            if (batch.size() < settings.batch()) {
                return;
            }
        }
    }

    /** Streams that just started get the summaries of their scope: now, or with the next one if one just went. */
    private void summariesForJoined() {
        Map<EventScope, List<SummaryKey>> open = new HashMap<>();
        for (Subscription sub = joined.poll(); sub != null; sub = joined.poll()) {
            for (SummaryKey k : open.computeIfAbsent(sub.scope(), derivation::open)) {
                Long last = lastSummary.get(k);
                if (last != null && System.nanoTime() - last < settings.progressInterval().toNanos()) {
                    due.add(k);
                } else {
                    emitSummary(k, true);
                    due.remove(k);
                }
            }
        }
    }

    private boolean wanted(Event e) {
        synchronized (lock) {
            for (Subscription s : live) {
                if (s.scope().matches(e)) {
                    return true;
                }
            }
            return false;
        }
    }

    private boolean wanted(SummaryKey k) {
        synchronized (lock) {
            for (Subscription s : live) {
                if (s.scope().covers(k.workspaceId(), k.key(), k.id())) {
                    return true;
                }
            }
            return false;
        }
    }

    private long nextSummaryNanos() {
        long next = Long.MAX_VALUE;
        for (SummaryKey k : due) {
            Long last = lastSummary.get(k);
            next = Math.min(next, last == null ? 0 : last + settings.progressInterval().toNanos());
        }
        return next;
    }

    private void emitDueSummaries(boolean force) {
        for (Iterator<SummaryKey> it = due.iterator(); it.hasNext();) {
            SummaryKey k = it.next();
            if (emitSummary(k, force)) {
                it.remove();
            }
        }
        long stale = System.nanoTime() - 60_000_000_000L;
        lastSummary.values().removeIf(t -> t < stale);
    }

    /** @return false when the summary's interval has not passed yet */
    private boolean emitSummary(SummaryKey k, boolean force) {
        long now = System.nanoTime();
        Long last = lastSummary.get(k);
        if (!force && last != null && now - last < settings.progressInterval().toNanos()) {
            return false;
        }
        lastSummary.put(k, now);
        Optional<Event> summary = derivation.summary(k);
        if (summary.isEmpty()) {
            return true;
        }
        List<Subscription> targets = new ArrayList<>();
        synchronized (lock) {
            for (Subscription s : live) {
                if (!s.isClosed() && s.scope().covers(k.workspaceId(), k.key(), k.id())) {
                    targets.add(s);
                }
            }
        }
        for (Subscription s : targets) {
            offerDerived(s, summary.get());
        }
        return true;
    }

    private void offerDerived(Subscription s, Event derived) {
        if (s.offer(Sse.event(s.lastId(), derived.type(), Json.write(derived.payload())))) {
            s.signal();
        } else {
            drop(s);
        }
    }

    private void keepAlive() {
        List<Subscription> all;
        synchronized (lock) {
            all = new ArrayList<>(live);
        }
        for (Subscription s : all) {
            if (s.offer(Sse.KEEP_ALIVE)) {
                s.signal();
            } else {
                drop(s);
            }
        }
    }

    private void drop(Subscription s) {
        synchronized (lock) {
            if (!live.remove(s)) {
                return;
            }
        }
        dropped.incrementAndGet();
        s.drop();
    }

    static String frame(Event e) {
        return Sse.event(e.id(), e.type(), Json.write(e.payload()));
    }

    /** LISTEN on a connection of its own; on any failure, reconnects after a pause (polling covers the gap). */
    private void listenLoop() {
        long backoff = 500;
        while (running) {
            try (Connection c = connector.open()) {
                listening = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                backoff = 500;
                wake(); // whatever was written while nobody listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    var got = pg.getNotifications(1000);
                    if (got != null && got.length > 0) {
                        notifications.addAndGet(got.length);
                        wake();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.debug("Event listener lost its connection, reconnecting: {}", e.getMessage());
                    sleepQuietly(backoff);
                    backoff = Math.min(backoff * 2, 10_000);
                }
            } finally {
                listening = null;
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends every stream (clients reconnect, to this node's successor or another) and stops reading. */
    @Override
    public void close() {
        running = false;
        List<Subscription> all;
        synchronized (lock) {
            all = new ArrayList<>(live);
            live.clear();
        }
        all.forEach(Subscription::drop);
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        for (Thread t : new Thread[] {reader, listener}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
