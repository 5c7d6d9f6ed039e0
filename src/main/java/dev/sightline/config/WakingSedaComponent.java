package dev.sightline.config;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.StartupListener;
import org.apache.camel.component.seda.BlockingQueueFactory;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.component.seda.SedaConsumer;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.DefaultExchange;

/**
 * Camel's SEDA component (bound as {@code seda}), with consumers that can wait long for work and still stop at once.
 *
 * <p>A SEDA consumer thread polls its queue with the endpoint's {@code pollTimeout} and notices that its route is
 * stopping only when a poll returns. With the 20 ms the routes used so that a stop took milliseconds, the forty-odd
 * idle consumer threads of a node woke 2,000 times a second: 4% of a core on an idle service, 0.4 s of the JVM's
 * 5.1 s of CPU in a 14 s one-off. Here the queues are {@link WakeableQueue}s, and a consumer told to prepare for
 * shutdown wakes its own idle threads, so they end as soon as Camel's loop lets them; the routes poll with a second's
 * timeout.
 *
 * <p>Camel's loop also sleeps a whole poll timeout (at most a second) whenever the context or the consumer is still
 * starting; these consumers wait for the context's start to be announced instead (and for their own in steps of a
 * millisecond), so the first cells of a one-off do not wait a second in their queue.
 */
public final class WakingSedaComponent extends SedaComponent {

    private static final long WAKE_EVERY_MILLIS = 2;

    /** Opened once the context has started: consumers wait on it instead of Camel's sleeps. */
    private final CountDownLatch contextStarted = new CountDownLatch(1);

    public WakingSedaComponent() {
        setDefaultQueueFactory(new BlockingQueueFactory<>() {
            @Override
            public BlockingQueue<Exchange> create() {
                return create(Integer.MAX_VALUE);
            }

            @Override
            public BlockingQueue<Exchange> create(int capacity) {
                return new WakeableQueue(new DefaultExchange(getCamelContext()), capacity);
            }
        });
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        getCamelContext().addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // not yet started: see onCamelContextFullyStarted
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                contextStarted.countDown();
            }
        });
    }

    @Override
    protected SedaEndpoint createEndpoint(String endpointUri, Component component,
                                          BlockingQueueFactory<Exchange> queueFactory, int concurrentConsumers) {
        return new WakingEndpoint(endpointUri, component, queueFactory, concurrentConsumers);
    }

    @Override
    protected SedaEndpoint createEndpoint(String endpointUri, Component component, BlockingQueue<Exchange> queue,
                                          int concurrentConsumers) {
        return new WakingEndpoint(endpointUri, component, queue, concurrentConsumers);
    }

    final class WakingEndpoint extends SedaEndpoint {

        WakingEndpoint(String uri, Component component, BlockingQueueFactory<Exchange> factory, int consumers) {
            super(uri, component, factory, consumers);
        }

        WakingEndpoint(String uri, Component component, BlockingQueue<Exchange> queue, int consumers) {
            super(uri, component, queue, consumers);
        }

        @Override
        protected SedaConsumer createNewConsumer(Processor processor) {
            return new WakingConsumer(this, processor);
        }
    }

    final class WakingConsumer extends SedaConsumer {

        WakingConsumer(SedaEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        @Override
        protected void doRun() {
            try {
                // the context's start ends long after the consumers' threads begin; this consumer's own a moment after
                while (isRunAllowed() && getEndpoint().getCamelContext().getStatus().isStarting()) {
                    if (contextStarted.await(100, TimeUnit.MILLISECONDS)) {
                        Thread.sleep(1);
                    }
                }
                while (isRunAllowed() && isStarting()) {
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            super.doRun();
        }

        /**
         * A suspended route takes nothing more: its idle threads are woken to see the suspension (one in a poll
         * would otherwise take the next exchange, up to a poll timeout after the suspension).
         */
        @Override
        protected void doSuspend() throws Exception {
            super.doSuspend();
            if (getEndpoint().getQueue() instanceof WakeableQueue queue) {
                queue.wake(getEndpoint().getConcurrentConsumers());
            }
        }

        /**
         * Camel's preparation (no more polls once the queue is empty, then waiting for every consumer thread to end),
         * with the idle threads woken every few milliseconds meanwhile; markers left over are removed after.
         */
        @Override
        public void prepareShutdown(boolean suspendOnly, boolean forced) {
            if (suspendOnly || !(getEndpoint().getQueue() instanceof WakeableQueue queue)) {
                super.prepareShutdown(suspendOnly, forced);
                return;
            }
            AtomicBoolean prepared = new AtomicBoolean();
            int threads = getEndpoint().getConcurrentConsumers();
            Thread waker = new Thread(() -> {
                while (!prepared.get()) {
                    queue.wake(threads);
                    try {
                        Thread.sleep(WAKE_EVERY_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sightline:wake-" + getEndpoint().getEndpointKey());
            waker.setDaemon(true);
            waker.start();
            try {
                super.prepareShutdown(false, forced);
            } finally {
                prepared.set(true);
                try {
                    waker.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                queue.dropWakes();
            }
        }
    }
}
