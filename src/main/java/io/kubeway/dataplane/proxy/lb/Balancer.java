package io.kubeway.dataplane.proxy.lb;

import io.kubeway.state.Cluster;
import io.kubeway.state.Endpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Picks endpoints of one cluster for new connections: round robin over the endpoint list, so N
 * connections spread evenly (kube-proxy's iptables and nftables modes pick at random, IPVS defaults to
 * round robin; both spread evenly on average). With ClientIP affinity a client that used an endpoint
 * within the timeout gets it again, if it is still in the set.
 *
 * <p>A balancer is immutable apart from its round-robin counter and is replaced as a whole when the
 * cluster changes; the {@link AffinityTable} outlives it so clients keep their endpoint across
 * endpoint-set changes. Thread-safe.
 */
public final class Balancer {
    private final Cluster cluster;
    private final List<Endpoint> endpoints;
    private final AffinityTable affinity;
    private final long affinityMillis;
    private final Map<InetSocketAddress, Integer> indexOf;
    private final Clock clock;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param affinity the listener's affinity table; consulted only if the cluster has affinity
     */
    public Balancer(Cluster cluster, AffinityTable affinity, Clock clock) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.affinity = requireNonNull(affinity, "affinity");
        this.clock = requireNonNull(clock, "clock");
        this.endpoints = cluster.endpoints();
        this.affinityMillis = cluster.affinityTimeoutSeconds() * 1000L;
        if (cluster.hasAffinity()) {
            Map<InetSocketAddress, Integer> m = new HashMap<>();
            for (int i = 0; i < endpoints.size(); i++) m.putIfAbsent(endpoints.get(i).socketAddress(), i);
            this.indexOf = Map.copyOf(m);
        } else {
            this.indexOf = Map.of();
        }
    }

    public Cluster cluster() {
        return cluster;
    }

    /** The endpoints, in the order {@link #pick} indexes them. Empty means: refuse. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /**
     * The index of the endpoint a new connection from {@code client} should try first; on a connect
     * failure callers try the following indexes (wrapping) until each endpoint was tried once.
     *
     * @throws IllegalStateException if there are no endpoints
     */
    public int pick(InetAddress client) {
        int n = endpoints.size();
        if (n == 0) throw new IllegalStateException("cluster " + cluster.name() + " has no endpoints");
        if (cluster.hasAffinity()) {
            InetSocketAddress sticky = affinity.lookup(client, clock.millis(), affinityMillis);
            Integer i = sticky == null ? null : indexOf.get(sticky);
            if (i != null) return i;
        }
        return n == 1 ? 0 : Math.floorMod(next.getAndIncrement(), n);
    }

    /** The endpoint to try on attempt {@code attempt} (0-based) for a pick that returned {@code first}. */
    public Endpoint candidate(int first, int attempt) {
        return endpoints.get((first + attempt) % endpoints.size());
    }

    /** Records that {@code client} got a connection to {@code endpoint} (for ClientIP affinity). */
    public void connected(InetAddress client, Endpoint endpoint) {
        if (cluster.hasAffinity()) affinity.remember(client, endpoint.socketAddress(), clock.millis());
    }

    /** Drops expired affinity entries (all of them once the cluster has no affinity); run periodically. */
    public void evictExpiredAffinity() {
        if (cluster.hasAffinity()) affinity.evictExpired(clock.millis(), affinityMillis);
        else if (affinity.size() > 0) affinity.clear();
    }
}
