package io.kubeway.dataplane;

import io.kubeway.state.DesiredState;
import io.kubeway.state.ListenKey;

import java.util.Map;

/**
 * A data plane: makes the world match a {@link DesiredState}. Implementations apply the difference from
 * the last state they applied: unchanged listeners keep their sockets, live connections keep flowing.
 * Never sees Kubernetes objects.
 */
public interface Dataplane extends AutoCloseable {
    /**
     * Applies {@code state}. Must be called from one thread at a time.
     *
     * @return the listeners that could not be set up, with the reason (for example "address already in use");
     *     every other listener is serving
     */
    Map<ListenKey, String> apply(DesiredState state);

    @Override
    void close();
}
