package io.kubeway.dataplane.proxy.l4;

import io.kubeway.state.http.routing.CidrBlock;

import java.net.InetAddress;
import java.util.List;

import io.kubeway.dataplane.proxy.lb.Balancer;
import io.kubeway.state.L4Listener;

import static java.util.Objects.requireNonNull;

/**
 * Where one listener sends new connections, as one immutable value: the listener spec, its balancer
 * and its meters. A listener holds its route in a volatile field and a change swaps the whole route, so
 * a new connection sees either the old or the new routing, never a mix, and open connections keep the
 * route they started with.
 */
public record Route(L4Listener spec, Balancer balancer, ServiceMeters meters, List<CidrBlock> allowed) {
    public Route {
        requireNonNull(spec, "spec");
        requireNonNull(balancer, "balancer");
        requireNonNull(meters, "meters");
        allowed = List.copyOf(allowed);
    }

    /** A route whose allowed sources are the listener's {@code sourceRanges} (validated upstream). */
    public Route(L4Listener spec, Balancer balancer, ServiceMeters meters) {
        this(spec, balancer, meters, spec.sourceRanges().stream().map(CidrBlock::parse).toList());
    }

    /** Whether a client may use this listener ({@code loadBalancerSourceRanges}; none set: everyone). */
    public boolean admits(InetAddress client) {
        if (allowed.isEmpty()) {
            return true;
        }
        for (CidrBlock b : allowed) {
            if (b.contains(client)) {
                return true;
            }
        }
        return false;
    }
}
