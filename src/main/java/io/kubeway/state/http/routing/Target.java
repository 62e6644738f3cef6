package io.kubeway.state.http.routing;

import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.RouteDecision.Respond;
import org.jspecify.annotations.Nullable;

import java.util.Map;

/**
 * A backend made ready for requests: the cluster to forward to, or the fixed answer when there is nothing to
 * forward to (404 built-in default backend, 503 unavailable or without endpoints). Exactly one is set.
 */
record Target(String ingress, @Nullable HttpCluster cluster, @Nullable Respond respond) {
    static final String UNAVAILABLE_BODY = "503 Service Temporarily Unavailable";
    static final String NOT_FOUND_BODY = "default backend - 404";

    static Target of(String ingress, Backend backend) {
        return switch (backend) {
            case Backend.NotFound n -> new Target(ingress, null, new Respond(ingress, 404, Map.of(), NOT_FOUND_BODY));
            case Backend.Unavailable u -> unavailable(ingress);
            case Backend.Service s -> s.cluster().endpoints().isEmpty()
                    ? unavailable(ingress) : new Target(ingress, s.cluster(), null);
        };
    }

    private static Target unavailable(String ingress) {
        return new Target(ingress, null, new Respond(ingress, 503, Map.of(), UNAVAILABLE_BODY));
    }

    boolean forwardable() {
        return cluster != null;
    }
}
