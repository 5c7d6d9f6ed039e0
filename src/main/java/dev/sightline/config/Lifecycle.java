package dev.sightline.config;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the application must stop itself, in its own order, because Camel cannot know it: first the dispatcher
 * (calls in flight finish), then Camel, then what the configurations opened (the simulator, the database), last
 * opened first. Configurations register what they create; nothing is created to be stopped.
 */
public final class Lifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final List<Runnable> drainFirst = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<?> database;
    private final Map<Class<?>, CompletableFuture<?>> prepared = new ConcurrentHashMap<>();
    private volatile Function<Duration, Integer> drain;
    private volatile Duration grace = Duration.ofSeconds(30);

    /**
     * Starts opening the database on a thread of its own; {@link #database} waits for it. What it opens is
     * closed after Camel has stopped, like everything {@link #opened}.
     */
    public <T extends AutoCloseable> void openDatabase(Supplier<T> open) {
        if (database == null) {
            database = onOwnThread("sightline:database-start", () -> opened(open.get()));
        }
    }

    /** The database {@link #openDatabase} opened, if it is open by now. */
    public <T> Optional<T> databaseIfOpen() {
        CompletableFuture<?> f = database;
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        T db = (T) f.join();
        return Optional.of(db);
    }

    /** The database {@link #openDatabase} opens, once it is open; what stopped it from opening is thrown. */
    public <T> T database() {
        if (database == null) {
            throw new IllegalStateException("the database was not opened");
        }
        return join(database);
    }

    /**
     * Starts making something the configurations need (reading the workspace files) on a thread of its own, while
     * Camel loads and the database starts; {@link #prepared} waits for it.
     */
    public <T> void prepare(Class<T> type, Supplier<T> make) {
        prepared.computeIfAbsent(type, k -> onOwnThread("sightline:prepare-" + type.getSimpleName(), make));
    }

    /**
     * Runs something on a thread of its own only for what it leaves loaded and initialised (classes, the JDK's
     * caches) when the start's critical path gets there; a failure is logged at debug and otherwise ignored.
     */
    public void warmUp(String name, Runnable warm) {
        onOwnThread("sightline:warm-" + name, () -> {
            try {
                warm.run();
            } catch (RuntimeException e) {
                LOG.debug("Warming up {} failed: {}", name, e.toString());
            }
            return null;
        });
    }

    /** What {@link #prepare} made, or {@code otherwise} when nothing was prepared; what stopped it is thrown. */
    public <T> T prepared(Class<T> type, Supplier<T> otherwise) {
        CompletableFuture<?> f = prepared.get(type);
        return f == null ? otherwise.get() : join(f);
    }

    private static <T> CompletableFuture<T> onOwnThread(String name, Supplier<T> make) {
        return CompletableFuture.supplyAsync(make, task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        });
    }

    /** What the future made; what stopped it is thrown as it was thrown. */
    @SuppressWarnings("unchecked")
    private static <T> T join(CompletableFuture<?> f) {
        try {
            return (T) f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Something to close after Camel has stopped. */
    public synchronized <T extends AutoCloseable> T opened(T resource) {
        opened.push(resource);
        return resource;
    }

    /** How calls in flight are let finish before Camel stops (the dispatcher), and for how long. */
    public void drainWith(Function<Duration, Integer> drain, Duration grace) {
        this.drain = drain;
        this.grace = grace;
    }

    /** Something that stops before the dispatcher drains (background jobs hand their items back at once). */
    public void drainFirst(Runnable stop) {
        drainFirst.add(stop);
    }

    /** @return how many calls were still in flight when the grace ran out */
    public int drain() {
        for (Runnable r : drainFirst) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("Stopping {} failed: {}", r, e.getMessage());
            }
        }
        Function<Duration, Integer> d = drain;
        return d == null ? 0 : d.apply(grace);
    }

    public void closeOpened() {
        // what still uses the database (an import started beside a start that failed) ends before it closes
        for (CompletableFuture<?> f : prepared.values()) {
            try {
                f.join();
            } catch (RuntimeException e) {
                LOG.debug("Preparing failed", e);
            }
        }
        if (database != null) {
            try {
                database.join(); // still opening: wait (without the lock it takes to register), then close it too
            } catch (RuntimeException e) {
                LOG.debug("The database did not open", e);
            }
        }
        while (true) {
            AutoCloseable r;
            synchronized (this) {
                if (opened.isEmpty()) {
                    return;
                }
                r = opened.pop();
            }
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", r.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
