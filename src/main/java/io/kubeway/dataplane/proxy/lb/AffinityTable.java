package io.kubeway.dataplane.proxy.lb;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ClientIP session affinity state of one listener: which endpoint each client address last used, and
 * when. It mirrors kube-proxy's per-endpoint "recent" sets: an entry is live while it was used within
 * the timeout, and every new connection (or UDP flow) restarts its timer.
 *
 * <p>Thread-safe: TCP connections of one listener are accepted on several event loops. The table is
 * bounded: {@link #evictExpired} runs periodically, and at {@link #capacity()} entries new clients are
 * served without being remembered (as an nftables set that is full refuses new elements but lets the
 * packet through).
 */
public final class AffinityTable {
    /** The size of kube-proxy's nftables affinity sets. */
    public static final int DEFAULT_CAPACITY = 65_535;

    private record Entry(InetSocketAddress endpoint, long lastUsedMillis) {}

    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();
    private final int capacity;

    public AffinityTable() {
        this(DEFAULT_CAPACITY);
    }

    public AffinityTable(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
    }

    /**
     * The endpoint {@code client} used less than {@code timeoutMillis} before {@code nowMillis}, or null.
     */
    public InetSocketAddress lookup(InetAddress client, long nowMillis, long timeoutMillis) {
        Entry e = entries.get(client);
        if (e == null || nowMillis - e.lastUsedMillis >= timeoutMillis) return null;
        return e.endpoint;
    }

    /** Records that {@code client} now uses {@code endpoint}, restarting its timer. */
    public void remember(InetAddress client, InetSocketAddress endpoint, long nowMillis) {
        Entry next = new Entry(endpoint, nowMillis);
        if (entries.replace(client, next) == null && entries.size() < capacity) {
            entries.put(client, next);
        }
    }

    /** Drops every entry not used within {@code timeoutMillis} before {@code nowMillis}. */
    public void evictExpired(long nowMillis, long timeoutMillis) {
        entries.values().removeIf(e -> nowMillis - e.lastUsedMillis >= timeoutMillis);
    }

    /** Forgets every client (the cluster no longer has affinity). */
    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    public int capacity() {
        return capacity;
    }
}
