package io.kubeway.dataplane;

import io.kubeway.state.DesiredState;
import io.kubeway.state.ListenKey;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Several data planes applied as one, in order (the L4 proxy, then the HTTP engine): each takes its part
 * of the desired state; the failures are merged.
 */
public final class CompositeDataplane implements Dataplane {
    private final List<Dataplane> parts;

    public CompositeDataplane(List<Dataplane> parts) {
        this.parts = List.copyOf(parts);
    }

    @Override
    public Map<ListenKey, String> apply(DesiredState state) {
        Map<ListenKey, String> failures = new TreeMap<>();
        for (Dataplane d : parts) {
            failures.putAll(d.apply(state));
        }
        return failures;
    }

    @Override
    public void close() {
        for (Dataplane d : parts.reversed()) {
            d.close();
        }
    }
}
