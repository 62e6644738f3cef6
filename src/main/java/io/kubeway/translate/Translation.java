package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.Problem;
import io.kubeway.state.DesiredState;

import java.util.List;

/** The translator's output: the desired data-plane state, the EndpointSlices it derived, and problems. */
public record Translation(DesiredState state, List<EndpointSlice> endpointSlices, List<Problem> problems) {
    public Translation {
        endpointSlices = List.copyOf(endpointSlices);
        problems = List.copyOf(problems);
    }
}
