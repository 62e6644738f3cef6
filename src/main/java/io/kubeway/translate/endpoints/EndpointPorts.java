package io.kubeway.translate.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;

/** EndpointSlice port lists: construction, copying, and the port-mapping key slices are grouped by. */
final class EndpointPorts {
    private EndpointPorts() {
    }

    static EndpointPort of(String name, @Nullable Integer port, String protocol, @Nullable String appProtocol) {
        EndpointPort p = new EndpointPort();
        p.setName(name);
        p.setPort(port);
        p.setProtocol(protocol);
        p.setAppProtocol(appProtocol);
        return p;
    }

    /** Fresh copies, so that no two slices share a mutable fabric8 object. */
    static List<EndpointPort> copy(List<EndpointPort> ports) {
        List<EndpointPort> out = new ArrayList<>(ports.size());
        for (EndpointPort p : ports) out.add(of(p.getName(), p.getPort(), p.getProtocol(), p.getAppProtocol()));
        return out;
    }

    /**
     * {@code NewPortMapKey}: identifies a set of ports regardless of order (Kubernetes hashes the sorted list;
     * a readable canonical string serves the same purpose and also feeds the slice name hash).
     */
    static String key(List<EndpointPort> ports) {
        List<String> parts = new ArrayList<>(ports.size());
        for (EndpointPort p : ports) {
            parts.add(p.getName() + "\u0000" + p.getPort() + "\u0000" + p.getProtocol() + "\u0000"
                    + (p.getAppProtocol() == null ? "\u0001" : p.getAppProtocol()));
        }
        parts.sort(null);
        return String.join("\u0002", parts);
    }
}
