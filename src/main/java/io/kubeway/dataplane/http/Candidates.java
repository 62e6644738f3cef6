package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import org.jspecify.annotations.Nullable;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The endpoints one request may try, in order, each at most once: the balancer's pick first, then the others
 * for retries after connect failures. Not thread-safe; one per request.
 */
final class Candidates {
    private final List<Endpoint> endpoints;
    private final int first;
    private final @Nullable EndpointAffinity affinity;
    /** Rendezvous scores, for ordering retries under hash affinity. */
    private final long @Nullable [] scores;
    private final @Nullable String cookieSent;
    private @Nullable Integer @Nullable [] order;
    private int attempt;

    Candidates(List<Endpoint> endpoints, int first, @Nullable EndpointAffinity affinity, long @Nullable [] scores,
               @Nullable String cookieSent) {
        this.endpoints = endpoints;
        this.first = first;
        this.affinity = affinity;
        this.scores = scores;
        this.cookieSent = cookieSent;
    }

    /** The next endpoint to try, or null once each was tried. */
    @Nullable Endpoint next() {
        int n = endpoints.size();
        if (attempt >= n) return null;
        int k = attempt++;
        if (k == 0 || scores == null) return endpoints.get((first + k) % n);
        if (order == null) {
            Integer[] o = new Integer[n];
            for (int i = 0; i < n; i++) o[i] = i;
            long[] s = scores;
            Arrays.sort(o, Comparator.comparingLong((Integer i) -> s[i]).reversed());
            order = o;
        }
        return endpoints.get(order[k]);
    }

    /**
     * The {@code Set-Cookie} value (without attributes) to send once {@code used} answered, or null when the
     * request's affinity cookie already names it (or there is no cookie affinity).
     */
    @Nullable String cookieToSet(Endpoint used) {
        if (!(affinity instanceof EndpointAffinity.Cookie c)) return null;
        String id = EndpointIds.cookieValue(used);
        if (id.equals(cookieSent)) return null;
        StringBuilder sb = new StringBuilder(c.name()).append('=').append(id);
        sb.append("; Path=").append(c.path() == null || c.path().isEmpty() ? "/" : c.path());
        if (c.maxAgeSeconds() > 0) sb.append("; Max-Age=").append(c.maxAgeSeconds());
        return sb.append("; HttpOnly").toString();
    }
}
