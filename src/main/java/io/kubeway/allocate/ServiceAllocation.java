package io.kubeway.allocate;

import org.jspecify.annotations.Nullable;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * What one Service holds: identity ({@code metadata.uid}, {@code creationTimestamp} as RFC 3339),
 * {@code spec.clusterIPs} as stored ({@code ["127.96.0.10"]}, {@code ["None"]} for headless, empty for
 * ExternalName), node ports by {@code "PROTOCOL/port"} (e.g. {@code "TCP/80" -> 30080}), the health check
 * node port, and the LoadBalancer ingress IPs.
 */
public record ServiceAllocation(String uid, String creationTimestamp, List<String> clusterIPs,
                                Map<String, Integer> nodePorts, @Nullable Integer healthCheckNodePort,
                                List<String> loadBalancerIPs) {
    public ServiceAllocation {
        requireNonNull(uid, "uid");
        requireNonNull(creationTimestamp, "creationTimestamp");
        clusterIPs = List.copyOf(clusterIPs);
        nodePorts = Collections.unmodifiableMap(new TreeMap<>(nodePorts));
        loadBalancerIPs = List.copyOf(loadBalancerIPs);
    }
}
