package io.kubeway.admission;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;

import java.util.List;
import java.util.Map;

/**
 * What admission let in: the Services as the API server stores them (cluster IPs, node ports, uid and, where
 * known, {@code status.loadBalancer}), the user's EndpointSlices that passed validation, where each Service came
 * from (a file, or null from an API server), and the problems found on the way.
 */
public record Admitted(List<Service> services, Map<NamespacedName, String> sources, List<EndpointSlice> slices,
                       List<Problem> problems) {
    public Admitted {
        services = List.copyOf(services);
        sources = Map.copyOf(sources); // only objects that have a source (a file); none from an API server
        slices = List.copyOf(slices);
        problems = List.copyOf(problems);
    }
}
