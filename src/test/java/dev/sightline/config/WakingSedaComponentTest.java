package dev.sightline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * SEDA consumers that poll with a long timeout and still stop at once: a woken poll returns as if it had timed out,
 * the markers that wake them are never handed out or counted, and a context whose consumers poll for a minute stops in
 * well under that minute with every exchange processed.
 */
class WakingSedaComponentTest {

    @Test
    void markersWakePollsButAreNeverHandedOutOrCounted() throws Exception {
        CamelContext ctx = new DefaultCamelContext();
        WakeableQueue q = new WakeableQueue(new DefaultExchange(ctx), Integer.MAX_VALUE);
        q.wake(2);
        assertThat(q.size()).isZero();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.toArray()).isEmpty();
        assertThat(q.peek()).isNull();
        long t0 = System.nanoTime();
        assertThat(q.poll(30, TimeUnit.SECONDS)).isNull();
        assertThat(q.poll(30, TimeUnit.SECONDS)).isNull();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("woken, not timed out").isLessThan(10);

        Exchange real = new DefaultExchange(ctx);
        q.offer(real);
        q.wake(3); // an exchange waits: nobody is woken, it is handed out
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.poll(1, TimeUnit.SECONDS)).isSameAs(real);

        q.wake(2);
        Exchange second = new DefaultExchange(ctx);
        q.put(second);
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.toArray()).containsExactly(second);
        List<Exchange> drained = new ArrayList<>();
        assertThat(q.drainTo(drained)).isEqualTo(1);
        assertThat(drained).containsExactly(second);
        assertThat(q.poll()).isNull();

        q.wake(2);
        q.dropWakes();
        assertThat(q.poll(50, TimeUnit.MILLISECONDS)).isNull();
        assertThat(q.remainingCapacity()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aFullBoundedQueueGivesAMarkersPlaceToAnExchange() throws Exception {
        CamelContext ctx = new DefaultCamelContext();
        WakeableQueue q = new WakeableQueue(new DefaultExchange(ctx), 4);
        q.offer(new DefaultExchange(ctx));
        q.poll();
        q.wake(1); // room for more than one marker: one goes on
        assertThat(q.remainingCapacity()).isEqualTo(3);
        for (int i = 0; i < 4; i++) {
            assertThat(q.offer(new DefaultExchange(ctx))).as("offer %d", i).isTrue();
        }
        assertThat(q.size()).isEqualTo(4);
        assertThat(q.offer(new DefaultExchange(ctx))).as("full of exchanges").isFalse();
        for (int i = 0; i < 4; i++) {
            assertThat(q.poll()).isNotNull();
        }
        assertThat(q.poll()).isNull();
    }

    @Test
    void consumersPollingForAMinuteStopAtOnceWithEveryExchangeProcessed() throws Exception {
        AtomicInteger processed = new AtomicInteger();
        CamelContext ctx = new DefaultCamelContext();
        ctx.getRegistry().bind("seda", new WakingSedaComponent());
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:work?concurrentConsumers=5&pollTimeout=60000").process(e -> processed.incrementAndGet());
                from("seda:idle?concurrentConsumers=8&pollTimeout=60000&size=16").log("never");
            }
        });
        ctx.start();
        var producer = ctx.createProducerTemplate();
        for (int i = 0; i < 200; i++) {
            producer.sendBody("seda:work", i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (processed.get() < 200 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(processed.get()).isEqualTo(200);
        SedaEndpoint work = ctx.getEndpoint("seda:work", SedaEndpoint.class);
        assertThat(work.getQueue()).isInstanceOf(WakeableQueue.class);
        int capacity = work.getQueue().remainingCapacity();

        long t0 = System.nanoTime();
        ctx.stop();
        // Camel's own consumers would each wait out their minute's poll before the context could stop
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("seconds to stop").isLessThan(15);
        assertThat(work.getQueue().size()).isZero();
        assertThat(work.getQueue().remainingCapacity()).as("no marker left").isEqualTo(capacity);
    }
}
