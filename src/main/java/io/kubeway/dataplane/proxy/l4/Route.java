package io.kubeway.dataplane.proxy.l4;

import io.kubeway.dataplane.proxy.lb.Balancer;
import io.kubeway.state.L4Listener;

import static java.util.Objects.requireNonNull;

/**
 * Where one listener sends new connections, as one immutable value: the listener spec, its balancer
 * and its meters. A listener holds its route in a volatile field and a change swaps the whole route, so
 * a new connection sees either the old or the new routing, never a mix, and open connections keep the
 * route they started with.
 */
public record Route(L4Listener spec, Balancer balancer, ServiceMeters meters) {
    public Route {
        requireNonNull(spec, "spec");
        requireNonNull(balancer, "balancer");
        requireNonNull(meters, "meters");
    }
}
