package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * One path of one host: how it matches, where it goes, and the policy of the Ingress that defined it.
 *
 * @param ingress {@code ns/name} of the Ingress, or {@code -} for the built-in default backend
 * @param host    the rule's host as written ({@code ""} for rules without host), for metrics
 * @param canary  an alternative backend from a canary Ingress, or null
 */
public record Route(String ingress, String host, PathMatch match, Backend backend, @Nullable Canary canary,
                    RoutePolicy policy) {
    public Route {
        requireNonNull(ingress, "ingress");
        requireNonNull(host, "host");
        requireNonNull(match, "match");
        requireNonNull(backend, "backend");
        requireNonNull(policy, "policy");
    }

    /** The built-in default backend: 404 for everything. */
    public static Route builtInDefault() {
        return new Route("-", "", PathMatch.prefix("/"), Backend.NOT_FOUND, null, RoutePolicy.DEFAULT);
    }
}
