package io.kubeway.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader's rate-limited work queue, driven by a fake clock. */
class WorkQueueTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final WorkQueue<String> queue = new WorkQueue<>(now::get, 3);

    @Test
    void aKeyIsQueuedOnceAndAddedWhileWorkedOnComesBackAfterDone() {
        queue.add("a");
        queue.add("a");
        queue.add("b");
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.poll()).isEqualTo("a");
        queue.add("a"); // while being worked on
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.poll()).as("a is still being worked on").isNull();
        queue.done("a");
        assertThat(queue.poll()).isEqualTo("a");
    }

    @Test
    void failuresBackOffExponentiallyPerKeyFrom5MsTo1000s() {
        long[] expected = {5_000_000L, 10_000_000L, 20_000_000L, 40_000_000L};
        for (long delay : expected) {
            assertThat(queue.addRateLimited("a")).isTrue();
            assertThat(queue.nextDue()).isEqualTo(delay);
            assertThat(queue.poll()).as("not due yet").isNull();
            now.addAndGet(delay);
            assertThat(queue.poll()).isEqualTo("a");
            queue.done("a");
        }
        for (int i = 0; i < 40; i++) {
            queue.addRateLimited("a");
            now.addAndGet(queue.nextDue());
            assertThat(queue.poll()).isEqualTo("a");
            queue.done("a");
        }
        queue.addRateLimited("a");
        assertThat(queue.nextDue()).isEqualTo(WorkQueue.MAX_BACKOFF);

        queue.addRateLimited("b"); // another key has its own backoff
        assertThat(queue.nextDue()).isEqualTo(WorkQueue.MIN_BACKOFF);
        queue.forget("a");
        assertThat(queue.failures("a")).isZero();
        queue.add("a"); // added now: due at once, not after its backoff
        assertThat(queue.poll()).isEqualTo("a");
    }

    @Test
    void theOverallBucketSpacesRetriesOfManyKeysAtTenPerSecondAfterABurstOfAHundred() {
        WorkQueue<Integer> big = new WorkQueue<>(now::get, 1000);
        for (int i = 0; i < WorkQueue.BURST; i++) big.addRateLimited(i);
        assertThat(big.nextDue()).as("the burst goes after the per-key backoff only").isEqualTo(WorkQueue.MIN_BACKOFF);
        big.addRateLimited(1000);
        big.addRateLimited(1001);
        now.addAndGet(WorkQueue.MIN_BACKOFF);
        int due = 0;
        while (big.poll() != null) due++;
        assertThat(due).isEqualTo(WorkQueue.BURST);
        assertThat(big.nextDue()).as("the 101st waits for a token (100 ms at 10/s), less the 5 ms gone")
                .isBetween(90_000_000L, 100_000_000L);
    }

    @Test
    void boundedFullQueueRefusesNewKeys() {
        assertThat(queue.add("a")).isTrue();
        assertThat(queue.add("b")).isTrue();
        assertThat(queue.addRateLimited("c")).isTrue();
        assertThat(queue.add("d")).isFalse();
        assertThat(queue.addRateLimited("e")).isFalse();
        assertThat(queue.dropped()).isEqualTo(2);
        assertThat(queue.add("c")).as("a waiting key can be made due").isTrue();
        assertThat(queue.size()).isEqualTo(3);
    }
}
