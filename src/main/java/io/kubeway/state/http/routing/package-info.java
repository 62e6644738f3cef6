/**
 * The Ingress route table: {@link io.kubeway.state.http.routing.RouteTable}, the
 * {@link io.kubeway.state.http.Router} the HTTP engine calls for every request, built from a plain
 * {@link io.kubeway.state.http.routing.RouteConfig} (hosts, routes, policies) that the Ingress translator
 * produces.
 *
 * <p>Matching follows the Kubernetes Ingress spec (exact and one-label wildcard hosts, Exact and element-wise
 * Prefix paths, longest match first, Exact before Prefix) and ingress-nginx where the spec leaves room: regex
 * paths under {@code use-regex}, no fall-through from a matched host, the default backend, and the annotations'
 * effects, documented on {@link io.kubeway.state.http.routing.RouteTable},
 * {@link io.kubeway.state.http.routing.PathMatch} and {@link io.kubeway.state.http.routing.RoutePolicy}.
 *
 * <p>Pure: no I/O, no clock; the only randomness (canary weights) comes from an injectable generator.
 */
package io.kubeway.state.http.routing;
