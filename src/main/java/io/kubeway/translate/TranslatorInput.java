package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.NamespacedName;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * Everything the translator reads: services as admitted and allocated (in creation order), the pods,
 * the user's own EndpointSlices and legacy Endpoints, and this node.
 *
 * @param sources where each service came from, for problem messages
 * @param deriveSlices whether selector Services get EndpointSlices derived from the pods here (standalone), or
 *                     take the given slices as they are (in a cluster, the API server's EndpointSlice
 *                     controller made them)
 */
public record TranslatorInput(
        List<Service> services,
        Map<NamespacedName, String> sources,
        List<Pod> pods,
        List<EndpointSlice> userSlices,
        List<Endpoints> endpoints,
        String nodeName,
        List<InetAddress> nodeAddresses,
        boolean deriveSlices) {
    /** Standalone input: slices of selector Services are derived from the pods. */
    public TranslatorInput(List<Service> services, Map<NamespacedName, String> sources, List<Pod> pods,
                           List<EndpointSlice> userSlices, List<Endpoints> endpoints, String nodeName,
                           List<InetAddress> nodeAddresses) {
        this(services, sources, pods, userSlices, endpoints, nodeName, nodeAddresses, true);
    }

    public TranslatorInput {
        services = List.copyOf(services);
        sources = Map.copyOf(sources);
        pods = List.copyOf(pods);
        userSlices = List.copyOf(userSlices);
        endpoints = List.copyOf(endpoints);
        nodeAddresses = List.copyOf(nodeAddresses);
    }
}
