package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code upstream-hash-by-subset}, as ingress-nginx's balancer/chashsubset.lua: the endpoints, in order, are cut into
 * subsets of {@code size} (the last one filled up with endpoints from the start, so all subsets are equal); the key
 * picks a subset by consistent (rendezvous) hashing over the subset numbers, and the endpoint is chosen at random
 * within it. A key keeps its subset while the number of subsets stays; load spreads inside the subset.
 */
final class HashSubsets {
    private HashSubsets() {
    }

    /** The index in {@code endpoints} to try first. */
    static int pick(List<Endpoint> endpoints, String key, int size) {
        int n = endpoints.size();
        int sets = (n + size - 1) / size;
        long k = EndpointIds.hash(key);
        int best = 0;
        long bestScore = 0;
        for (int i = 0; i < sets; i++) {
            long score = EndpointIds.mix(k ^ EndpointIds.hash("set" + (i + 1)));
            if (i == 0 || Long.compareUnsigned(score, bestScore) > 0) {
                best = i;
                bestScore = score;
            }
        }
        int member = ThreadLocalRandom.current().nextInt(size);
        return (best * size + member) % n; // positions past the end wrap to the start, as the filled-up last subset
    }
}
