package dev.sightline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class ThreadNiceTest {

    @Test
    void aThreadThatAppliesItRunsAtTheLowerPriorityAndOtherThreadsDoNot() throws Exception {
        assumeTrue(ThreadNice.currentNice().isPresent(), "Linux only");
        int normal = ThreadNice.currentNice().getAsInt();
        assumeTrue(normal < 10, "the build already runs at nice " + normal);
        ThreadNice readers = new ThreadNice("sightline.pages.readers-nice", 10);

        int[] lowered = onNewThread(() -> {
            int before = ThreadNice.currentNice().getAsInt();
            readers.apply();
            int after = ThreadNice.currentNice().getAsInt();
            readers.apply();
            return new int[] {before, after, ThreadNice.currentNice().getAsInt()};
        });
        assertEquals(normal, lowered[0]);
        assertEquals(10, lowered[1]);
        assertEquals(10, lowered[2], "a second call leaves it as it is");
        // the test's own thread and a thread that never applied it keep the process's priority
        assertEquals(normal, ThreadNice.currentNice().getAsInt());
        assertEquals(normal, onNewThread(() -> ThreadNice.currentNice().getAsInt()));
    }

    @Test
    void zeroLeavesTheThreadAtNormalPriority() throws Exception {
        OptionalInt normal = ThreadNice.currentNice();
        assumeTrue(normal.isPresent(), "Linux only");
        ThreadNice off = new ThreadNice("sightline.pages.readers-nice", 0);
        assertEquals(normal.getAsInt(), onNewThread(() -> {
            off.apply();
            return ThreadNice.currentNice().getAsInt();
        }));
    }

    @Test
    void aValueOutsideNiceRangeIsRefusedNamingTheSetting() {
        for (int bad : new int[] {-1, 20}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> new ThreadNice("sightline.pages.readers-nice", bad));
            assertTrue(e.getMessage().contains("sightline.pages.readers-nice=" + bad), e.getMessage());
        }
    }

    private static <T> T onNewThread(Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        t.join();
        return result.get();
    }
}
