package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.core.NamespacedName;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The LoadBalancer IP stage, usable in both modes: standalone, the {@link Allocator} calls it with the IPs it
 * persisted; in a cluster, the elected load-balancer controller calls it with the IPs the Services' own
 * {@code status.loadBalancer.ingress} holds (the truth survives a restart of the controller, as MetalLB's).
 * Only Services of type LoadBalancer whose {@code loadBalancerClass} is unset or ours take part; the others are
 * left to their own controller.
 */
public final class LoadBalancerIps {
    private final List<IpPool> defaultPools;
    private final String loadBalancerClass;
    private final boolean ipv6;

    /**
     * @param defaultPools      used when no IPAddressPool is declared
     * @param loadBalancerClass the class this controller implements ({@code kubeway.io/loadbalancer})
     * @param ipv6              the cluster's IP family
     */
    public LoadBalancerIps(List<IpPool> defaultPools, String loadBalancerClass, boolean ipv6) {
        this.defaultPools = List.copyOf(defaultPools);
        this.loadBalancerClass = requireNonNull(loadBalancerClass, "loadBalancerClass");
        this.ipv6 = ipv6;
    }

    /** One Service's IPs, or why it has none (MetalLB's AllocationFailed text). */
    public record Outcome(List<String> ips, String failure) {
        public Outcome {
            ips = List.copyOf(ips);
        }
    }

    /** Type LoadBalancer with no class or ours. */
    public boolean wants(Service svc) {
        String cls = Services.spec(svc).getLoadBalancerClass();
        return Services.type(svc).equals(Services.LOAD_BALANCER) && (cls == null || cls.equals(loadBalancerClass));
    }

    /**
     * Assigns IPs to every Service that {@link #wants} one, in list order after those keeping what they held.
     *
     * @param declaredPools the IPAddressPools declared (the default pools apply when empty)
     * @param previous      the IPs each Service held before (empty list when none)
     */
    public Map<NamespacedName, Outcome> assign(List<Service> services, List<IpPool> declaredPools,
                                               Function<NamespacedName, List<String>> previous) {
        List<IpPool> pools = new ArrayList<>(declaredPools.isEmpty() ? defaultPools : declaredPools);
        pools.sort(Comparator.comparing(IpPool::name));
        List<LoadBalancerAllocator.Request> requests = new ArrayList<>();
        for (Service svc : services) {
            if (wants(svc)) {
                NamespacedName nn = NamespacedName.of(svc);
                requests.add(new LoadBalancerAllocator.Request(nn, svc, previous.apply(nn)));
            }
        }
        Map<NamespacedName, Outcome> out = new java.util.LinkedHashMap<>();
        new LoadBalancerAllocator(pools, ipv6).allocate(requests).forEach((nn, o) ->
                out.put(nn, new Outcome(o.ips().stream().map(IpAddress::toString).toList(), o.failure())));
        return out;
    }
}
