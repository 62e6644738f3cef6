package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.List;

/** IPAddressPool fixtures. */
final class Pools {
    private Pools() {
    }

    static GenericKubernetesResource resource(String yaml) {
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    static IpPool pool(String name, boolean autoAssign, boolean avoidBuggyIPs, String... addresses) {
        return new IpPool(name, List.of(addresses).stream().map(IpRange::parse).toList(), autoAssign, avoidBuggyIPs);
    }

    static IpPool pool(String name, String... addresses) {
        return pool(name, true, false, addresses);
    }
}
