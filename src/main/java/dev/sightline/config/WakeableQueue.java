package dev.sightline.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;

/**
 * A SEDA queue whose idle consumers can be woken: {@link #wake} puts up to one marker per consumer thread on the
 * queue, and a poll that takes a marker returns {@code null}, as if its poll timeout had passed. Camel's consumer then
 * ends its thread when its route is shutting down and the queue is empty, at once instead of after its poll timeout;
 * so the consumers can poll with a long timeout (few wake-ups while idle) and still stop within milliseconds
 * ({@link WakingSedaComponent}).
 *
 * <p>Markers are never handed out and never counted: {@link #size}, {@link #isEmpty} and the array a browse copies
 * leave them out, a producer that finds the queue full takes a marker's place, and {@link #dropWakes} removes those
 * left once the consumers have ended.
 */
final class WakeableQueue extends LinkedBlockingQueue<Exchange> {

    private final transient Exchange wake;
    private final AtomicInteger wakes = new AtomicInteger();

    WakeableQueue(Exchange marker, int capacity) {
        super(capacity);
        this.wake = marker;
    }

    /** Wakes up to {@code consumers} idle polls; only while no exchange waits (a consumer with work ends after it). */
    void wake(int consumers) {
        while (wakes.get() < consumers && size() == 0 && remainingCapacity() > consumers) {
            wakes.incrementAndGet();
            if (!super.offer(wake)) {
                wakes.decrementAndGet();
                return;
            }
        }
    }

    /** Removes the markers no consumer took (every consumer thread has ended). */
    void dropWakes() {
        while (super.remove(wake)) {
            wakes.decrementAndGet();
        }
    }

    @Override
    public Exchange poll(long timeout, TimeUnit unit) throws InterruptedException {
        return unmarked(super.poll(timeout, unit));
    }

    @Override
    public Exchange poll() {
        return unmarked(super.poll());
    }

    @Override
    public Exchange take() throws InterruptedException {
        Exchange e = super.take();
        while (e == wake) {
            wakes.decrementAndGet();
            e = super.take();
        }
        return e;
    }

    @Override
    public Exchange peek() {
        Exchange e = super.peek();
        return e == wake ? null : e;
    }

    private Exchange unmarked(Exchange e) {
        if (e == wake) {
            wakes.decrementAndGet();
            return null;
        }
        return e;
    }

    @Override
    public int size() {
        return Math.max(0, super.size() - wakes.get());
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean offer(Exchange e) {
        makeRoom();
        return super.offer(e);
    }

    @Override
    public boolean offer(Exchange e, long timeout, TimeUnit unit) throws InterruptedException {
        makeRoom();
        return super.offer(e, timeout, unit);
    }

    @Override
    public void put(Exchange e) throws InterruptedException {
        makeRoom();
        super.put(e);
    }

    /** A marker gives its place up to an exchange: markers never make a bounded queue refuse one. */
    private void makeRoom() {
        if (wakes.get() > 0 && super.remainingCapacity() == 0 && super.remove(wake)) {
            wakes.decrementAndGet();
        }
    }

    @Override
    public void clear() {
        super.clear();
        wakes.set(0);
    }

    @Override
    public int drainTo(Collection<? super Exchange> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Exchange> c, int maxElements) {
        List<Exchange> drained = new ArrayList<>();
        super.drainTo(drained, maxElements);
        int n = 0;
        for (Exchange e : drained) {
            if (e == wake) {
                wakes.decrementAndGet();
            } else {
                c.add(e);
                n++;
            }
        }
        return n;
    }

    @Override
    public Object[] toArray() {
        List<Exchange> out = new ArrayList<>();
        for (Object o : super.toArray()) {
            if (o != wake) {
                out.add((Exchange) o);
            }
        }
        return out.toArray();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T[] toArray(T[] a) {
        Object[] exchanges = toArray();
        return (T[]) Arrays.copyOf(exchanges, exchanges.length, a.getClass());
    }
}
