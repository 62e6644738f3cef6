package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.core.NamespacedName;
import org.jspecify.annotations.Nullable;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * LoadBalancer ingress IPs with MetalLB's controller semantics (controller/service.go,
 * internal/allocator): a Service keeps its IP while it stays valid; otherwise it gets the IP it asks for
 * ({@code metallb.io/loadBalancerIPs} or {@code spec.loadBalancerIP}), or the first free address of the
 * pool it names ({@code metallb.io/address-pool}), or of the first auto-assign pool by name. Services
 * with the same {@code metallb.io/allow-shared-ip} key share an IP when their ports do not clash and they
 * all use externalTrafficPolicy Cluster, or Local with the same selector.
 */
final class LoadBalancerAllocator {
    static final String LB_IPS = "metallb.io/loadBalancerIPs";
    static final String LB_IPS_DEPRECATED = "metallb.universe.tf/loadBalancerIPs";
    static final String ADDRESS_POOL = "metallb.io/address-pool";
    static final String ADDRESS_POOL_DEPRECATED = "metallb.universe.tf/address-pool";
    static final String SHARED_IP = "metallb.io/allow-shared-ip";
    static final String SHARED_IP_DEPRECATED = "metallb.universe.tf/allow-shared-ip";

    /** A Service that wants an IP from us, with the IPs it held before. */
    record Request(NamespacedName nn, Service svc, List<String> previousIps) {
    }

    /** The IPs a Service got, or why it got none (MetalLB's AllocationFailed event text). */
    record Outcome(List<IpAddress> ips, @Nullable String failure) {
    }

    /** What a Service asks for, read from its annotations and spec. */
    private record Want(String sharingKey, String backendKey, Set<String> ports, List<IpAddress> requested,
                        @Nullable String pool, @Nullable String error) {
    }

    private record Holder(NamespacedName nn, Want want) {
    }

    private final List<IpPool> pools;
    private final boolean ipv6;
    private final Map<IpAddress, List<Holder>> holders = new HashMap<>();

    /** {@code pools} in the order they are tried (by name); {@code ipv6} is the cluster's IP family. */
    LoadBalancerAllocator(List<IpPool> pools, boolean ipv6) {
        this.pools = List.copyOf(pools);
        this.ipv6 = ipv6;
    }

    /**
     * First every Service keeps the IP it held if that is still valid (in a pool, in the pool it asks
     * for, the IP it asks for, and compatible with the holders so far), so that existing Services keep
     * their IPs; then the others get new ones, in request order.
     */
    Map<NamespacedName, Outcome> allocate(List<Request> requests) {
        Map<NamespacedName, Want> wants = new LinkedHashMap<>();
        requests.forEach(r -> wants.put(r.nn(), want(r.svc())));
        Map<NamespacedName, Outcome> out = new LinkedHashMap<>();
        for (Request r : requests) {
            Want w = wants.get(r.nn());
            IpAddress kept = w.error() == null ? keepable(r, w) : null;
            if (kept != null) {
                assign(kept, r.nn(), w);
                out.put(r.nn(), new Outcome(List.of(kept), null));
            }
        }
        for (Request r : requests) {
            if (out.containsKey(r.nn())) continue;
            Want w = wants.get(r.nn());
            String failure = w.error();
            IpAddress ip = null;
            if (failure == null) {
                try {
                    ip = choose(r.nn(), w);
                    assign(ip, r.nn(), w);
                } catch (IllegalStateException e) {
                    failure = e.getMessage();
                }
            }
            out.put(r.nn(), new Outcome(ip == null ? List.of() : List.of(ip), failure));
        }
        return out;
    }

    private @Nullable IpAddress keepable(Request r, Want w) {
        if (r.previousIps().size() != 1) return null;
        IpAddress ip = IpAddress.tryParse(r.previousIps().get(0));
        if (ip == null || ip.ipv6() != ipv6) return null;
        IpPool pool = poolFor(ip);
        if (pool == null || (w.pool() != null && !w.pool().equals(pool.name()))) return null;
        if (!w.requested().isEmpty() && !w.requested().equals(List.of(ip))) return null;
        return conflict(ip, r.nn(), w) == null ? ip : null;
    }

    /** The IP for a Service without one; throws IllegalStateException with MetalLB-like wording when none. */
    private IpAddress choose(NamespacedName nn, Want w) {
        if (pools.isEmpty()) {
            throw new IllegalStateException("no IP address pools are configured");
        }
        if (!w.requested().isEmpty()) {
            return chooseRequested(nn, w);
        }
        if (w.pool() != null) {
            IpPool pool = pools.stream().filter(p -> p.name().equals(w.pool())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("unknown pool \"" + w.pool() + "\""));
            IpAddress ip = firstFree(pool, nn, w);
            if (ip == null) throw new IllegalStateException("no available IPs in pool \"" + pool.name() + "\"");
            return ip;
        }
        List<IpPool> auto = pools.stream().filter(IpPool::autoAssign).toList();
        if (auto.isEmpty()) {
            throw new IllegalStateException("no pool has autoAssign enabled; name one with the "
                    + ADDRESS_POOL + " annotation");
        }
        for (IpPool pool : auto) {
            IpAddress ip = firstFree(pool, nn, w);
            if (ip != null) return ip;
        }
        throw new IllegalStateException("no available IPs in pool" + (auto.size() > 1 ? "s " : " ")
                + auto.stream().map(p -> "\"" + p.name() + "\"").collect(Collectors.joining(", ")));
    }

    private IpAddress chooseRequested(NamespacedName nn, Want w) {
        List<IpAddress> requested = w.requested();
        if (requested.size() > 1 || requested.get(0).ipv6() != ipv6) {
            throw new IllegalStateException("requested loadBalancer IPs " + join(requested)
                    + " do not match the IP family of the service (" + (ipv6 ? "IPv6" : "IPv4") + ")");
        }
        IpAddress ip = requested.get(0);
        IpPool pool = poolFor(ip);
        if (pool == null) {
            IpPool avoiding = pools.stream().filter(p -> p.containsIgnoringBuggy(ip)).findFirst().orElse(null);
            throw new IllegalStateException(avoiding == null
                    ? "requested IP " + ip + " is not in any pool"
                    : "requested IP " + ip + " is excluded from pool \"" + avoiding.name()
                            + "\", which avoids buggy IPs (.0 and .255)");
        }
        if (w.pool() != null && !w.pool().equals(pool.name())) {
            throw new IllegalStateException("requested IP " + ip + " is in pool \"" + pool.name()
                    + "\", not in the requested pool \"" + w.pool() + "\"");
        }
        String conflict = conflict(ip, nn, w);
        if (conflict != null) throw new IllegalStateException(conflict);
        return ip;
    }

    /** The lowest usable address of the pool (MetalLB walks each range from its start). */
    private @Nullable IpAddress firstFree(IpPool pool, NamespacedName nn, Want w) {
        for (IpRange range : pool.ranges()) {
            if (range.ipv6() != ipv6) continue;
            BigInteger size = range.size();
            // only held or buggy addresses are skipped, so the loop ends long before huge ranges do
            for (BigInteger i = BigInteger.ZERO; i.compareTo(size) < 0; i = i.add(BigInteger.ONE)) {
                IpAddress ip = range.at(i);
                if (pool.avoidBuggyIPs() && ip.confusesBuggyFirmware()) continue;
                if (conflict(ip, nn, w) == null) return ip;
            }
        }
        return null;
    }

    /** The first pool by name that owns the address, as MetalLB's poolFor. */
    private @Nullable IpPool poolFor(IpAddress ip) {
        return pools.stream().filter(p -> p.owns(ip)).findFirst().orElse(null);
    }

    /** Why {@code nn} may not use {@code ip} next to its current holders (MetalLB's checkSharing), or null. */
    private @Nullable String conflict(IpAddress ip, NamespacedName nn, Want w) {
        List<Holder> others = holders.getOrDefault(ip, List.of()).stream().filter(h -> !h.nn().equals(nn)).toList();
        if (others.isEmpty()) return null;
        String prefix = "IP " + ip + " is already in use by "
                + others.stream().map(h -> h.nn().toString()).collect(Collectors.joining(", "));
        Want existing = others.get(0).want();
        if (existing.sharingKey().isEmpty()) {
            return prefix + ", which does not allow sharing (no " + SHARED_IP + " annotation)";
        }
        if (w.sharingKey().isEmpty()) {
            return prefix + " and this service does not allow sharing (no " + SHARED_IP + " annotation)";
        }
        if (!existing.sharingKey().equals(w.sharingKey())) {
            return prefix + " (sharing key \"" + w.sharingKey() + "\" does not match \""
                    + existing.sharingKey() + "\")";
        }
        if (!existing.backendKey().equals(w.backendKey())) {
            return prefix + " (services sharing an IP must all use externalTrafficPolicy Cluster,"
                    + " or Local with the same selector)";
        }
        for (Holder h : others) {
            for (String port : new TreeSet<>(w.ports())) {
                if (h.want().ports().contains(port)) {
                    return prefix + " (port " + port + " is already in use on it by " + h.nn() + ")";
                }
            }
        }
        return null;
    }

    private void assign(IpAddress ip, NamespacedName nn, Want w) {
        holders.computeIfAbsent(ip, k -> new ArrayList<>()).add(new Holder(nn, w));
    }

    private static Want want(Service svc) {
        String sharing = Services.annotation(svc, SHARED_IP, SHARED_IP_DEPRECATED);
        // MetalLB's BackendKey: Cluster services share regardless of backends, Local ones need the same pods
        String backend = "Local".equals(Services.spec(svc).getExternalTrafficPolicy())
                ? Services.selectorString(svc) : "";
        Set<String> ports = Services.ports(svc).stream().map(Services::portKey)
                .collect(Collectors.toCollection(TreeSet::new));
        String pool = Services.annotation(svc, ADDRESS_POOL, ADDRESS_POOL_DEPRECATED);
        List<IpAddress> requested = List.of();
        String error = null;
        try {
            requested = requestedIps(svc);
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        return new Want(sharing == null ? "" : sharing, backend, ports, requested,
                pool == null || pool.isEmpty() ? null : pool, error);
    }

    /** MetalLB's getDesiredLbIPs. */
    private static List<IpAddress> requestedIps(Service svc) {
        String annotation = Services.annotation(svc, LB_IPS, LB_IPS_DEPRECATED);
        String specIp = Services.spec(svc).getLoadBalancerIP();
        boolean hasAnnotation = annotation != null && !annotation.isEmpty();
        boolean hasSpec = specIp != null && !specIp.isEmpty();
        if (hasAnnotation && hasSpec) {
            throw new IllegalArgumentException("service can not have both " + LB_IPS + " and svc.Spec.LoadBalancerIP");
        }
        if (hasSpec) {
            IpAddress ip = IpAddress.tryParse(specIp);
            if (ip == null) throw new IllegalArgumentException("invalid spec.loadBalancerIP \"" + specIp + "\"");
            return List.of(ip);
        }
        if (!hasAnnotation) return List.of();
        List<IpAddress> ips = new ArrayList<>();
        for (String part : annotation.split(",", -1)) {
            IpAddress ip = IpAddress.tryParse(part.strip());
            if (ip == null) throw new IllegalArgumentException("invalid " + LB_IPS + ": \"" + annotation + "\"");
            ips.add(ip);
        }
        return ips;
    }

    private static String join(List<IpAddress> ips) {
        return ips.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
    }
}
