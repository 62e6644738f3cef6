/**
 * The L7 (Ingress) part of the desired state, and the contract between the pure router and the HTTP proxy
 * engine: the router turns a {@link io.kubeway.state.http.RequestView} into a
 * {@link io.kubeway.state.http.RouteDecision}; the engine carries the decision out (proxy, or answer).
 */
package io.kubeway.state.http;
