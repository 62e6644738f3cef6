package io.kubeway.allocate;

import java.util.List;

/**
 * What the allocation step hands out: the Service CIDR ({@code 127.96.0.0/12}), the NodePort range
 * ({@code 30000-32767}), the LoadBalancer address pools used when no MetalLB IPAddressPool is declared
 * (CIDRs or {@code a.b.c.d-e.f.g.h} ranges), and the {@code spec.loadBalancerClass} we implement
 * ({@code kubeway.io/loadbalancer}); Services with another class are left to someone else.
 * {@link Allocator#Allocator} validates it.
 */
public record AllocatorConfig(String serviceCidr, String nodePortRange, List<String> defaultPools,
                              String loadBalancerClass) {
    public AllocatorConfig {
        defaultPools = defaultPools == null ? null : List.copyOf(defaultPools);
    }
}
