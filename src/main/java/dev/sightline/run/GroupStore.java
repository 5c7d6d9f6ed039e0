package dev.sightline.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Group commit for successful answers. Each consumer thread hands in its answer and waits for the result, as it
 * would for its own statement; a thread that finds no group being written writes the next one itself: every answer
 * waiting at that moment (oldest first, up to {@link #MAX_GROUP}) in one statement and one commit, then it hands
 * each waiter its own outcome and wakes the others, one of which writes the group after. With one call finishing at
 * a time nothing waits longer than its own write; with many, a commit (a WAL flush, with fsync and synchronous
 * commit on) is shared by all of them. Nothing is held back for a timer,
 * and a consumer never goes on before its answer is stored or refused, so what a crash can lose is unchanged.
 */
public final class GroupStore {

    /** Most answers in one statement: bounded so one statement stays small (raw bodies are a few kB each). */
    static final int MAX_GROUP = 32;

    private final CellRepository cells;
    private final ConcurrentLinkedQueue<Waiting> queue = new ConcurrentLinkedQueue<>();
    /** Guards {@link #writing}; waiters sleep on it until the writer hands over. */
    private final Object monitor = new Object();
    private boolean writing;

    private record Waiting(CellClaim claim, StoredAnswer answer, CompletableFuture<Optional<Long>> result) {
    }

    public GroupStore(CellRepository cells) {
        this.cells = cells;
    }

    /**
     * Stores the answer if this node still holds the cell's lease; blocks until it is stored or refused.
     *
     * @return the response id, or empty when the lease was lost (nothing was written)
     * @throws RuntimeException what writing the group threw (the database is down, say): nothing of it was stored
     */
    public Optional<Long> store(CellClaim claim, StoredAnswer answer) {
        Waiting me = new Waiting(claim, answer, new CompletableFuture<>());
        queue.add(me);
        while (!me.result().isDone()) {
            synchronized (monitor) {
                while (writing && !me.result().isDone()) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while storing cell " + claim.cellId(), e);
                    }
                }
                if (me.result().isDone()) {
                    break;
                }
                writing = true; // this thread writes the next group, which holds this answer or one older
            }
            try {
                writeGroup();
            } finally {
                synchronized (monitor) {
                    writing = false;
                    monitor.notifyAll();
                }
            }
        }
        try {
            return me.result().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void writeGroup() {
        List<Waiting> group = new ArrayList<>();
        Waiting w;
        while (group.size() < MAX_GROUP && (w = queue.poll()) != null) {
            group.add(w);
        }
        if (group.isEmpty()) {
            return;
        }
        try {
            Map<UUID, Long> stored = cells.storeSucceeded(group.stream()
                    .map(g -> Map.entry(g.claim(), g.answer())).toList());
            for (Waiting g : group) {
                g.result().complete(Optional.ofNullable(stored.get(g.claim().leaseToken())));
            }
        } catch (RuntimeException | Error e) {
            // every answer taken from the queue gets an outcome, or its thread would wait for ever
            group.forEach(g -> g.result().completeExceptionally(e));
            if (e instanceof Error err) {
                throw err;
            }
        }
    }
}
