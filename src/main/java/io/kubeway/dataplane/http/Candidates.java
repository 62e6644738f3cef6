package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;
import org.jspecify.annotations.Nullable;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The endpoints one request may try, in order, each at most once: the balancer's pick first, then the others
 * for retries after connect failures (under cookie affinity, where {@link StickySession} says). Not thread-safe;
 * one per request.
 */
final class Candidates {
    private final List<Endpoint> endpoints;
    private final int first;
    /** Rendezvous scores, for ordering retries under hash affinity. */
    private final long @Nullable [] scores;
    private final @Nullable StickySession sticky;
    private @Nullable Integer @Nullable [] order;
    private int attempt;

    Candidates(List<Endpoint> endpoints, int first, long @Nullable [] scores, @Nullable StickySession sticky) {
        this.endpoints = endpoints;
        this.first = first;
        this.scores = scores;
        this.sticky = sticky;
    }

    /** The next endpoint to try, or null once each was tried. */
    @Nullable Endpoint next() {
        int n = endpoints.size();
        if (attempt >= n) return null;
        int k = attempt++;
        if (k == 0) return endpoints.get(first);
        if (sticky != null) {
            Endpoint e = sticky.retry(k);
            if (e == null) attempt = n;
            return e;
        }
        if (scores == null) return endpoints.get((first + k) % n);
        if (order == null) {
            Integer[] o = new Integer[n];
            for (int i = 0; i < n; i++) o[i] = i;
            long[] s = scores;
            Arrays.sort(o, Comparator.comparingLong((Integer i) -> s[i]).reversed());
            order = o;
        }
        return endpoints.get(order[k]);
    }

    /** The {@code Set-Cookie} header to send with the response, or null (no cookie affinity, or no change). */
    @Nullable String cookieToSet() {
        return sticky == null ? null : sticky.setCookie();
    }
}
