package io.kubeway.dataplane.http;

import io.kubeway.state.http.PasswordCheck;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.jspecify.annotations.Nullable;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs costly basic-auth password checks (bcrypt, SHA-crypt: up to a quarter of a second of CPU each) on a few
 * threads of their own, so that a flood of wrong passwords slows logins, never the event loops and the requests
 * they carry. Bounded: {@link #THREADS} threads and {@link #QUEUE} waiting checks; past that a check is refused and
 * the request gets 503 rather than waiting without bound. Idle threads end after a while.
 */
final class PasswordChecks implements AutoCloseable {
    /** Threads checking passwords at once. */
    static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    /** Checks waiting for a thread; more are refused (503). */
    static final int QUEUE = 256;

    private final ThreadPoolExecutor pool;

    PasswordChecks() {
        this(THREADS, QUEUE);
    }

    PasswordChecks(int threads, int queue) {
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                new DefaultThreadFactory("kubeway-password-check", true));
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts {@code check}; its result completes on {@code loop}. Null when the queue is full (the caller answers
     * 503).
     */
    @Nullable Future<Boolean> submit(PasswordCheck check, EventExecutor loop) {
        Promise<Boolean> p = loop.newPromise();
        try {
            pool.execute(() -> {
                if (p.isDone()) return;
                try {
                    p.trySuccess(check.verify());
                } catch (Throwable t) {
                    p.tryFailure(t);
                }
            });
        } catch (RejectedExecutionException e) {
            return null;
        }
        return p;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
