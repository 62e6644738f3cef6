package io.kubeway.sync;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SyncRunnerTest {
    @Test
    void requestsDuringARunCoalesceIntoOneMoreRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (SyncRunner runner = new SyncRunner("t", () -> {
            if (runs.incrementAndGet() == 1) {
                inFirstRun.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1))) {
            runner.start();
            runner.request();
            assertThat(inFirstRun.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 100; i++) {
                runner.request();
            }
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
            Thread.sleep(200);
            assertThat(runs.get()).isEqualTo(2);
        }
    }

    @Test
    void aFailedRunIsRetried() {
        AtomicInteger runs = new AtomicInteger();
        try (SyncRunner runner = new SyncRunner("t", () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
        }, Duration.ZERO, Duration.ofHours(1), Duration.ofMillis(50))) {
            runner.start();
            runner.request();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 2);
        }
    }

    @Test
    void runsPeriodicallyWithoutRequests() {
        AtomicInteger runs = new AtomicInteger();
        try (SyncRunner runner = new SyncRunner("t", runs::incrementAndGet, Duration.ZERO, Duration.ofMillis(50),
                Duration.ofHours(1))) {
            runner.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
        }
    }
}
