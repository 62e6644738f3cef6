package io.kubeway.state;

import io.kubeway.state.http.HttpState;
import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.Set;

/**
 * Everything the data planes must be, as one immutable value: every L4 listener with its backend set, and
 * the HTTP (Ingress) listeners with their routes and certificates. Produced by the pure translator, applied
 * by each data plane as a difference.
 *
 * <p>A state may carry a {@link Delta}: the listen keys whose listener may differ from an earlier state's. A data
 * plane that applied exactly that earlier state (the same {@code l4} map instance) then looks at those keys only,
 * so one endpoint change costs one listener's work rather than a walk over every listener; any other data plane
 * diffs in full. The delta is a hint and takes no part in {@link #equals}.
 */
public record DesiredState(Map<ListenKey, L4Listener> l4, HttpState http, @Nullable Delta delta) {
    public static final DesiredState EMPTY = new DesiredState(Map.of());

    /**
     * @param base the {@code l4} map of the state this one was derived from (only the map: states never chain)
     * @param keys every key whose listener may be added, removed or changed relative to {@code base}
     */
    public record Delta(Map<ListenKey, L4Listener> base, Set<ListenKey> keys) {
        public Delta {
            keys = Set.copyOf(keys);
        }

        /** Whether this delta starts from {@code applied}, the l4 map a data plane last applied. */
        public boolean from(Map<ListenKey, L4Listener> applied) {
            return base == applied;
        }
    }

    public DesiredState {
        l4 = l4 instanceof L4Map ? l4 : Map.copyOf(l4); // unordered: sort ListenKeys (Comparable) where order matters
        java.util.Objects.requireNonNull(http, "http");
    }

    public DesiredState(Map<ListenKey, L4Listener> l4, HttpState http) {
        this(l4, http, null);
    }

    /** Only L4 listeners. */
    public DesiredState(Map<ListenKey, L4Listener> l4) {
        this(l4, HttpState.EMPTY);
    }

    /** This state with other HTTP listeners; the L4 delta still holds. */
    public DesiredState withHttp(HttpState other) {
        return other == http ? this : new DesiredState(l4, other, delta);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DesiredState s && l4.equals(s.l4) && http.equals(s.http);
    }

    @Override
    public int hashCode() {
        return 31 * l4.hashCode() + http.hashCode();
    }
}
