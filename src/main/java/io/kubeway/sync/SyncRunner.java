package io.kubeway.sync;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Runs one function on its own thread, coalescing requests, modelled on kube-proxy's
 * BoundedFrequencyRunner: at most once per {@code minInterval}, at least once per {@code maxInterval}
 * (a periodic full resync, which also retries listeners that failed to bind), and again after
 * {@code retryInterval} when a run throws. Requests that arrive during a run cause exactly one more run.
 */
public final class SyncRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);

    private final Runnable fn;
    private final long minNanos;
    private final long maxNanos;
    private final long retryNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private boolean requested;
    private long wakeAt = Long.MAX_VALUE;
    private boolean closed;

    public SyncRunner(String name, Runnable fn, Duration minInterval, Duration maxInterval, Duration retryInterval) {
        this.fn = requireNonNull(fn, "fn");
        this.minNanos = minInterval.toNanos();
        this.maxNanos = maxInterval.toNanos();
        this.retryNanos = retryInterval.toNanos();
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Asks for a run as soon as the minimum interval allows. Never blocks. */
    public void request() {
        lock.lock();
        try {
            requested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a run {@code nanos} from now at the latest (a retry that is due then). Never blocks. */
    public void requestWithin(long nanos) {
        lock.lock();
        try {
            long at = System.nanoTime() + Math.max(0, nanos);
            if (at < wakeAt) {
                wakeAt = at;
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long lastRun = System.nanoTime() - minNanos;
        long nextForced = System.nanoTime() + maxNanos;
        while (true) {
            lock.lock();
            try {
                while (!closed && !requested && System.nanoTime() < Math.min(nextForced, wakeAt)) {
                    wake.awaitNanos(Math.min(nextForced, wakeAt) - System.nanoTime());
                }
                wakeAt = Long.MAX_VALUE;
                if (closed) {
                    return;
                }
                long wait = lastRun + minNanos - System.nanoTime();
                if (wait > 0) {
                    lock.unlock();
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } finally {
                        lock.lock();
                    }
                }
                requested = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            lastRun = System.nanoTime();
            nextForced = lastRun + maxNanos;
            try {
                fn.run();
            } catch (RuntimeException | Error e) {
                log.error("sync failed; retrying in {} ms", TimeUnit.NANOSECONDS.toMillis(retryNanos), e);
                nextForced = System.nanoTime() + retryNanos;
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
