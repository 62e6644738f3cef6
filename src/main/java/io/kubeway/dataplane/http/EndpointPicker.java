package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the endpoint of a cluster for a request.
 *
 * <ul>
 *   <li>No affinity: round robin per cluster name (shared by all event loops).</li>
 *   <li>{@link EndpointAffinity.Cookie}: the endpoint the request's cookie chooses, else a new pick whose cookie
 *       the response sets ({@link StickySession}: balanced or persistent, and what a failure does).</li>
 *   <li>{@link EndpointAffinity.Hash}: rendezvous (highest random weight) hashing of the key over the endpoints,
 *       so a key keeps its endpoint while that endpoint stays, and only keys of a removed endpoint move; with a
 *       subset size ({@code upstream-hash-by-subset}), the key picks a subset and the endpoint is random in it
 *       ({@link HashSubsets}).</li>
 *   <li>{@link EndpointAffinity.Ewma}: the better of two random endpoints by response time ({@link EwmaScores}).</li>
 * </ul>
 * Retries after a connect failure go to the other endpoints (round-robin order, or descending rendezvous score;
 * under cookie affinity as {@link StickySession} says). Thread-safe.
 */
final class EndpointPicker {
    /** Past this many clusters the counters are reset (by {@link #trim}) so renamed clusters do not pile up. */
    static final int MAX_COUNTERS = 4096;

    private final ConcurrentHashMap<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();
    private final EwmaScores ewma = new EwmaScores();
    /** For the sticky cookie's Expires. */
    private final Clock clock;

    EndpointPicker(Clock clock) {
        this.clock = clock;
    }

    /** @throws IllegalArgumentException if the cluster has no endpoints */
    Candidates candidates(HttpCluster cluster, EndpointAffinity affinity, RequestView request) {
        List<Endpoint> eps = cluster.endpoints();
        int n = eps.size();
        if (n == 0) throw new IllegalArgumentException("cluster " + cluster.name() + " has no endpoints");
        if (affinity == EndpointAffinity.EWMA) {
            return new Candidates(eps, ewma.pick(eps, System.nanoTime()), null, null);
        }
        if (affinity instanceof EndpointAffinity.Hash h && h.subsetSize() > 0) {
            return new Candidates(eps, HashSubsets.pick(eps, h.key() == null ? "" : h.key(), h.subsetSize()), null,
                    null);
        }
        if (affinity instanceof EndpointAffinity.Hash h) {
            long key = EndpointIds.hash(h.key() == null ? "" : h.key());
            long[] scores = new long[n];
            int best = 0;
            for (int i = 0; i < n; i++) {
                scores[i] = EndpointIds.mix(key ^ EndpointIds.hash(eps.get(i)));
                if (Long.compareUnsigned(scores[i], scores[best]) > 0) best = i;
            }
            // Candidates sorts signed; flip the sign bit so the signed order is the unsigned one.
            for (int i = 0; i < n; i++) scores[i] ^= Long.MIN_VALUE;
            return new Candidates(eps, best, scores, null);
        }
        if (affinity instanceof EndpointAffinity.Cookie c) {
            StickySession sticky = StickySession.pick(c, eps, request, () -> next(cluster.name(), n), clock.instant());
            return new Candidates(eps, sticky.first(), null, sticky);
        }
        return new Candidates(eps, next(cluster.name(), n), null, null);
    }

    /** The response-time averages of {@code load-balance: ewma}. */
    EwmaScores ewma() {
        return ewma;
    }

    private int next(String cluster, int n) {
        if (n == 1) return 0;
        AtomicInteger c = roundRobin.get(cluster);
        if (c == null) c = roundRobin.computeIfAbsent(cluster, k -> new AtomicInteger());
        return Math.floorMod(c.getAndIncrement(), n);
    }

    /** Bounds memory when cluster names churn; resetting a counter only shifts where round robin restarts. */
    void trim() {
        if (roundRobin.size() > MAX_COUNTERS) roundRobin.clear();
    }
}
