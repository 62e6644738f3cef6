package io.kubeway.state;

import static java.util.Objects.requireNonNull;

/**
 * One L4 listener: a socket on {@code key} forwarding to {@code cluster}.
 *
 * @param kind what exposes it: {@code ClusterIP}, {@code NodePort}, {@code LoadBalancer} or {@code ExternalIP}
 */
public record L4Listener(ListenKey key, ServicePortName service, String kind, Cluster cluster) {
    public L4Listener {
        requireNonNull(key, "key");
        requireNonNull(service, "service");
        requireNonNull(kind, "kind");
        requireNonNull(cluster, "cluster");
    }
}
