package io.kubeway.state;

import io.kubeway.state.http.HttpState;

import java.util.Map;

/**
 * Everything the data planes must be, as one immutable value: every L4 listener with its backend set, and
 * the HTTP (Ingress) listeners with their routes and certificates. Produced by the pure translator, applied
 * by each data plane as a difference.
 */
public record DesiredState(Map<ListenKey, L4Listener> l4, HttpState http) {
    public static final DesiredState EMPTY = new DesiredState(Map.of());

    public DesiredState {
        l4 = Map.copyOf(l4); // unordered: sort ListenKeys (Comparable) where order matters
        java.util.Objects.requireNonNull(http, "http");
    }

    /** Only L4 listeners. */
    public DesiredState(Map<ListenKey, L4Listener> l4) {
        this(l4, HttpState.EMPTY);
    }
}
