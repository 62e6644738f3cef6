package io.kubeway.admin;

import java.util.List;

/**
 * One data-plane listener as the admin API shows it ({@code /apis/kubeway.io/v1/listeners}): what the
 * control plane programmed for an address, and whether it is serving.
 *
 * @param address   {@code ip:port/PROTOCOL}
 * @param kind      ClusterIP, NodePort, LoadBalancer or ExternalIP
 * @param service   {@code ns/svc:port/PROTOCOL}
 * @param cluster   the backend set's name ({@code /local} when a Local traffic policy filtered it)
 * @param endpoints the endpoints new connections go to; empty means connections are refused
 * @param error     why the listener is not serving (bind failure), or null when it serves
 */
public record ListenerStatus(String address, String kind, String service, String cluster, List<String> endpoints,
                             String error) {
    public ListenerStatus {
        endpoints = List.copyOf(endpoints);
    }
}
