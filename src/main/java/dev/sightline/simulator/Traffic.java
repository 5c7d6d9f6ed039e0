package dev.sightline.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What one provider kind has received and answered; cheap enough for hundreds of thousands of requests. */
final class Traffic {

    enum Outcome { ANSWERED, RATE_LIMITED, SERVER_ERROR, OVERLOADED, TIMEOUT, MALFORMED, UNAUTHORIZED, REJECTED }

    private final LongAdder served = new LongAdder();
    private final LongAdder[] outcomes = new LongAdder[Outcome.values().length];
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<String, LongAdder> servedPerWorkspace = new ConcurrentHashMap<>();
    private final Arrivals arrivals = new Arrivals();

    Traffic() {
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new LongAdder();
        }
    }

    /**
     * Records an incoming request of a workspace (null: not said); returns its sequence number within the kind (for
     * fault and latency draws).
     */
    long arrive(String workspace) {
        served.increment();
        if (workspace != null && !workspace.isBlank()) {
            servedPerWorkspace.computeIfAbsent(workspace.strip(), w -> new LongAdder()).increment();
        }
        arrivals.add(System.nanoTime());
        return sequence.getAndIncrement();
    }

    void outcome(Outcome o) {
        outcomes[o.ordinal()].increment();
    }

    long served() {
        return served.sum();
    }

    long served(String workspace) {
        LongAdder n = servedPerWorkspace.get(workspace);
        return n == null ? 0 : n.sum();
    }

    long count(Outcome o) {
        return outcomes[o.ordinal()].sum();
    }

    int maxInWindow(Duration window) {
        return arrivals.maxInWindow(window.toNanos());
    }

    int inLast(Duration window) {
        return arrivals.countSince(System.nanoTime() - window.toNanos());
    }

    void reset() {
        served.reset();
        servedPerWorkspace.clear();
        for (LongAdder a : outcomes) {
            a.reset();
        }
        sequence.set(0);
        arrivals.clear();
    }

    /** Per-cell request counts, shared by all kinds. */
    static final class Cells {
        private final ConcurrentHashMap<Long, Integer> counts = new ConcurrentHashMap<>();

        void count(String header) {
            if (header == null || header.isBlank()) {
                return;
            }
            try {
                counts.merge(Long.parseLong(header.strip()), 1, Integer::sum);
            } catch (NumberFormatException e) {
                // not a cell id; nothing to count
            }
        }

        Map<Long, Integer> snapshot() {
            return Map.copyOf(new HashMap<>(counts));
        }

        void clear() {
            counts.clear();
        }
    }

    /** Receive times in arrival order: an append-only array, scanned with two pointers. */
    private static final class Arrivals {
        private long[] times = new long[1024];
        private int size;

        synchronized void add(long now) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
            }
            // nanoTime taken before the lock may be a hair older than the last entry; keep the array sorted
            times[size] = size > 0 && now < times[size - 1] ? times[size - 1] : now;
            size++;
        }

        synchronized int maxInWindow(long windowNanos) {
            if (windowNanos <= 0) {
                return 0;
            }
            int best = 0;
            int from = 0;
            for (int i = 0; i < size; i++) {
                while (times[i] - times[from] >= windowNanos) {
                    from++;
                }
                best = Math.max(best, i - from + 1);
            }
            return best;
        }

        synchronized int countSince(long since) {
            int at = Arrays.binarySearch(times, 0, size, since);
            int first = at >= 0 ? at : -at - 1;
            return size - first;
        }

        synchronized void clear() {
            times = new long[1024];
            size = 0;
        }
    }
}
