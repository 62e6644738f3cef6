package io.kubeway.state;

import static java.util.Objects.requireNonNull;

/**
 * One L4 listener: a socket on {@code key} forwarding to {@code cluster}.
 *
 * @param kind         what exposes it: {@code ClusterIP}, {@code NodePort}, {@code LoadBalancer} or {@code ExternalIP}
 * @param sourceRanges the client CIDRs allowed in ({@code loadBalancerSourceRanges}); empty means everyone
 * @param readProxyProtocol TCP: each client connection must start with a PROXY protocol header (v1 or v2), which
 *                     names the client (an ingress-nginx tcp-services entry {@code ns/svc:port:PROXY})
 * @param sendProxyProtocol TCP: each backend connection starts with a PROXY protocol v1 header naming the client
 *                     (an ingress-nginx tcp-services entry {@code ns/svc:port::PROXY})
 */
public record L4Listener(ListenKey key, ServicePortName service, String kind, Cluster cluster,
                         java.util.List<String> sourceRanges, boolean readProxyProtocol,
                         boolean sendProxyProtocol) {
    /** No PROXY protocol. */
    public L4Listener(ListenKey key, ServicePortName service, String kind, Cluster cluster,
                      java.util.List<String> sourceRanges) {
        this(key, service, kind, cluster, sourceRanges, false, false);
    }

    public L4Listener {
        requireNonNull(key, "key");
        requireNonNull(service, "service");
        requireNonNull(kind, "kind");
        requireNonNull(cluster, "cluster");
        sourceRanges = java.util.List.copyOf(sourceRanges);
    }

    /** A listener open to every client. */
    public L4Listener(ListenKey key, ServicePortName service, String kind, Cluster cluster) {
        this(key, service, kind, cluster, java.util.List.of());
    }
}
