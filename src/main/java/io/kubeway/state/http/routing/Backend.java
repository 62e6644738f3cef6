package io.kubeway.state.http.routing;

import io.kubeway.state.http.HttpCluster;

import static java.util.Objects.requireNonNull;

/** Where a route sends its requests. */
public sealed interface Backend {
    /** Proxy to a Service port's endpoints; with no endpoints the answer is 503. */
    record Service(HttpCluster cluster) implements Backend {
        public Service {
            requireNonNull(cluster, "cluster");
        }
    }

    /**
     * No usable backend (missing Service or port, unsupported backend): every request gets 503. The reason is
     * for the route table's dump and problems, never sent to clients.
     */
    record Unavailable(String reason) implements Backend {
        public Unavailable {
            requireNonNull(reason, "reason");
        }
    }

    /** The built-in default backend: 404 {@code default backend - 404}, as ingress-nginx's. */
    record NotFound() implements Backend {
    }

    NotFound NOT_FOUND = new NotFound();
}
