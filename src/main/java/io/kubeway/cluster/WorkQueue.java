package io.kubeway.cluster;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * A rate-limited work queue of object keys, as client-go controllers have: a key is queued once however often it is
 * added (dedup), is handed to one worker at a time (added again while being worked on, it comes back after
 * {@link #done}), and a key whose work failed comes back after its own exponential backoff ({@link #MIN_BACKOFF}
 * doubling to {@link #MAX_BACKOFF}) or the overall token bucket's delay ({@link #QPS} per second, bursts of
 * {@link #BURST}), whichever is longer: client-go's default controller rate limiter. One object that keeps failing
 * is retried ever more slowly and never holds the others back; many failing at once do not hammer the API server.
 * Bounded: at most {@code maxKeys} keys wait (queued or backing off); beyond that {@link #add} refuses and the
 * caller's next full pass offers the key again.
 *
 * <p>Not thread-safe: one loop (the leader loop) uses it. Time comes from {@code nanoTime} (tests drive it).
 */
public final class WorkQueue<K extends Comparable<K>> {
    public static final long MIN_BACKOFF = 5_000_000L; // 5 ms
    public static final long MAX_BACKOFF = 1_000_000_000_000L; // 1000 s
    public static final int QPS = 10;
    public static final int BURST = 100;
    /** Default bound on the keys waiting. */
    public static final int DEFAULT_MAX_KEYS = 10_000;

    private final LongSupplier nanoTime;
    private final int maxKeys;
    private final ArrayDeque<K> ready = new ArrayDeque<>();
    private final Set<K> queued = new HashSet<>();
    /** Keys backing off, with when they are due. */
    private final Map<K, Long> waiting = new HashMap<>();
    private final TreeMap<Long, Set<K>> byDue = new TreeMap<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private double tokens = BURST;
    private long refilledAt;
    private long dropped;

    public WorkQueue(LongSupplier nanoTime, int maxKeys) {
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.maxKeys = maxKeys;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Queues {@code key} now, unless it is queued already; false when the queue is full (counted in {@link #dropped}). */
    public boolean add(K key) {
        if (processing.contains(key)) {
            dirty.add(key);
            return true;
        }
        if (queued.contains(key)) return true;
        if (waiting.containsKey(key)) unwait(key); // due now rather than later
        else if (size() >= maxKeys) {
            dropped++;
            return false;
        }
        queued.add(key);
        ready.add(key);
        return true;
    }

    /** Queues {@code key} after its backoff and the bucket's delay (its work failed); counts a failure. */
    public boolean addRateLimited(K key) {
        int n = failures.merge(key, 1, Integer::sum);
        long backoff = n > 40 ? MAX_BACKOFF : Math.min(MAX_BACKOFF, MIN_BACKOFF << (n - 1));
        long delay = Math.max(backoff, bucketDelay());
        if (queued.contains(key)) return true;
        Long due = waiting.get(key);
        long at = nanoTime.getAsLong() + delay;
        if (due != null && due <= at) return true;
        if (due != null) unwait(key);
        else if (size() >= maxKeys) {
            dropped++;
            return false;
        }
        waiting.put(key, at);
        byDue.computeIfAbsent(at, t -> new HashSet<>()).add(key);
        return true;
    }

    /** Clears {@code key}'s failures (its work succeeded). */
    public void forget(K key) {
        failures.remove(key);
    }

    /** The next key to work on (marked as being worked on), or null when none is due. */
    public K poll() {
        long now = nanoTime.getAsLong();
        while (!byDue.isEmpty() && byDue.firstKey() <= now) {
            for (K k : byDue.pollFirstEntry().getValue()) {
                waiting.remove(k);
                if (queued.add(k)) ready.add(k);
            }
        }
        K key = ready.poll();
        if (key == null) return null;
        queued.remove(key);
        processing.add(key);
        return key;
    }

    /** Ends the work on {@code key}; if it was added meanwhile, it is queued again. */
    public void done(K key) {
        processing.remove(key);
        if (dirty.remove(key)) add(key);
    }

    /** Nanoseconds until the next backing-off key is due, or -1 when none waits. */
    public long nextDue() {
        return byDue.isEmpty() ? -1 : Math.max(0, byDue.firstKey() - nanoTime.getAsLong());
    }

    /** Failures counted for {@code key} since its last success. */
    public int failures(K key) {
        return failures.getOrDefault(key, 0);
    }

    /** Keys queued or backing off. */
    public int size() {
        return queued.size() + waiting.size();
    }

    /** Keys refused because the queue was full. */
    public long dropped() {
        return dropped;
    }

    /** The token bucket: a token per retry, refilled at {@link #QPS}; the delay until the next token is ours. */
    private long bucketDelay() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(BURST, tokens + (now - refilledAt) * QPS / 1e9);
        refilledAt = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) (-tokens * 1e9 / QPS);
    }

    private void unwait(K key) {
        Long due = waiting.remove(key);
        Set<K> at = byDue.get(due);
        at.remove(key);
        if (at.isEmpty()) byDue.remove(due);
    }
}
