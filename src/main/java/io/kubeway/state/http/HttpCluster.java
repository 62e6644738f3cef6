package io.kubeway.state.http;

import io.kubeway.state.Endpoint;
import org.jspecify.annotations.Nullable;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A backend set for HTTP routes: a Service port's ready endpoints (straight to the pods, not through the
 * ClusterIP), and how to speak to them.
 *
 * @param name readable and stable: {@code ns/svc:port}
 * @param tls  {@code proxy-ssl-*} for HTTPS and GRPCS backends, or null for ingress-nginx's defaults (no
 *             verification, no SNI, no client certificate)
 */
public record HttpCluster(String name, List<Endpoint> endpoints, BackendProtocol protocol, @Nullable BackendTls tls) {
    public HttpCluster {
        requireNonNull(name, "name");
        endpoints = List.copyOf(endpoints);
        requireNonNull(protocol, "protocol");
    }

    /** ingress-nginx's default backend TLS. */
    public HttpCluster(String name, List<Endpoint> endpoints, BackendProtocol protocol) {
        this(name, endpoints, protocol, null);
    }
}
