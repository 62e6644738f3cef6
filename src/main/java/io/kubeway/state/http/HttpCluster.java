package io.kubeway.state.http;

import io.kubeway.state.Endpoint;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A backend set for HTTP routes: a Service port's ready endpoints (straight to the pods, not through the
 * ClusterIP), and how to speak to them.
 *
 * @param name readable and stable: {@code ns/svc:port}
 */
public record HttpCluster(String name, List<Endpoint> endpoints, BackendProtocol protocol) {
    public HttpCluster {
        requireNonNull(name, "name");
        endpoints = List.copyOf(endpoints);
        requireNonNull(protocol, "protocol");
    }
}
