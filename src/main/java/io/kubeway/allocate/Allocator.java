package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.kubeway.core.FieldError;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The allocation step: gives each Service what the API server (cluster IPs, node ports, uid,
 * creationTimestamp) and MetalLB (LoadBalancer IPs) would. Deterministic: the same candidates, pools,
 * previous allocations and clock always give the same result.
 *
 * <p>Candidates holding a previous allocation are processed first, in list order, then the others: so
 * existing Services keep what they own and, on a conflict, the newer one fails. A Service whose cluster
 * IP or node ports cannot be allocated is rejected as the API server rejects the create or update; its
 * last accepted version, if any, is admitted instead and keeps serving. A LoadBalancer IP that cannot be
 * had is not a rejection: the Service is admitted without ingress and a warning is reported.
 */
public final class Allocator {
    private static final String VIP = "VIP";

    private final ServiceCidr cidr;
    private final PortRange nodePortRange;
    private final LoadBalancerIps loadBalancerIps;
    private final Clock clock;

    /** Validates the config; throws {@link IllegalArgumentException} naming the bad field. */
    public Allocator(AllocatorConfig config, Clock clock) {
        requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        this.cidr = ServiceCidr.parse(required(config.serviceCidr(), "serviceCidr"));
        this.nodePortRange = PortRange.parse(required(config.nodePortRange(), "nodePortRange"));
        if (config.defaultPools() == null) {
            throw new IllegalArgumentException("defaultPools is required (it may be empty)");
        }
        List<IpRange> ranges = new ArrayList<>();
        for (int i = 0; i < config.defaultPools().size(); i++) {
            try {
                ranges.add(IpRange.parse(config.defaultPools().get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("defaultPools[" + i + "]: " + e.getMessage(), e);
            }
        }
        this.loadBalancerIps = new LoadBalancerIps(ranges.isEmpty() ? List.of() : List.of(new IpPool("default", ranges,
                true, true)), required(config.loadBalancerClass(), "loadBalancerClass"), cidr.ipv6());
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    /**
     * Allocates for all candidates. {@code declaredPools} are the IPAddressPools read from manifests (the
     * default pools apply only when there are none); {@code previous} is what the last pass returned in
     * {@link AllocationResult#next()}. Never throws for bad objects: they become problems.
     */
    public AllocationResult allocate(List<Candidate> candidates, List<IpPool> declaredPools, Allocations previous) {
        requireNonNull(candidates, "candidates");
        requireNonNull(declaredPools, "declaredPools");
        requireNonNull(previous, "previous");
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        List<Problem> problems = new ArrayList<>();
        List<Candidate> order = processingOrder(candidates, previous, problems);
        Map<NamespacedName, Admitted> admitted = admitAll(order, previous, problems);
        List<Service> admittedServices = admitted.values().stream().map(Admitted::service).toList();
        Map<NamespacedName, LoadBalancerIps.Outcome> lb = loadBalancerIps.assign(admittedServices, declaredPools, nn -> {
            ServiceAllocation prev = previous.services().get(nn);
            return prev == null ? List.of() : prev.loadBalancerIPs();
        });

        List<Service> accepted = new ArrayList<>();
        Map<NamespacedName, ServiceAllocation> next = new HashMap<>();
        for (Candidate c : candidates) {
            NamespacedName nn = name(c);
            Admitted a = nn == null ? null : admitted.remove(nn); // remove: a duplicate candidate adds nothing
            if (a == null) continue;
            LoadBalancerIps.Outcome outcome = lb.getOrDefault(nn, new LoadBalancerIps.Outcome(List.of(), null));
            if (outcome.failure() != null) {
                problems.add(Problem.warning(ObjectRef.of("Service", nn), a.source(), "AllocationFailed",
                        "Failed to allocate IP for \"" + nn + "\": " + outcome.failure()));
            }
            ServiceAllocation prev = previous.services().get(nn);
            String uid = prev != null && !prev.uid().isEmpty() ? prev.uid() : newUid(nn, now);
            String created = prev != null && !prev.creationTimestamp().isEmpty() ? prev.creationTimestamp() : now;
            ServiceAllocation allocation = new ServiceAllocation(uid, created, a.ipPlan().clusterIPs(),
                    a.portPlan().byKey(), a.portPlan().healthCheckNodePort(),
                    outcome.ips());
            next.put(nn, allocation);
            accepted.add(stored(a, allocation));
        }
        return new AllocationResult(accepted, problems, new Allocations(next));
    }

    /**
     * Cluster IPs and node ports for every candidate, in order. Everything held in {@code previous} is
     * reserved first, so that a newcomer cannot take what an existing Service holds even when the holder
     * comes later in the order; each holder then keeps, changes or releases its own values.
     */
    private Map<NamespacedName, Admitted> admitAll(List<Candidate> order, Allocations previous,
                                                   List<Problem> problems) {
        ClusterIpAllocator clusterIps = new ClusterIpAllocator(cidr);
        NodePortAllocator nodePorts = new NodePortAllocator(nodePortRange);
        for (Candidate c : order) {
            ServiceAllocation prev = previous.services().get(name(c));
            if (prev != null) {
                clusterIps.preReserve(name(c), prev.clusterIPs());
                nodePorts.preReserve(name(c), prev);
            }
        }
        Map<NamespacedName, Admitted> admitted = new LinkedHashMap<>();
        for (Candidate c : order) {
            NamespacedName nn = name(c);
            ObjectRef ref = ObjectRef.of("Service", nn);
            ServiceAllocation prev = previous.services().get(nn);
            Admitted a = null;
            try {
                a = admit(nn, c.desired(), prev, c.source(), clusterIps, nodePorts);
            } catch (AllocationRejected rejected) {
                problems.add(rejected.toProblem(ref, c.source()));
                if (c.lastAccepted() != null) {
                    try {
                        a = admit(nn, c.lastAccepted(), prev, c.source(), clusterIps, nodePorts);
                    } catch (AllocationRejected alsoRejected) {
                        Problem p = alsoRejected.toProblem(ref, c.source());
                        problems.add(new Problem(ref, c.source(), p.reason(),
                                "the last accepted version cannot be kept either: " + p.message(), true));
                    }
                }
            }
            if (a == null) {
                clusterIps.release(nn);
                nodePorts.release(nn);
                continue;
            }
            for (String warning : a.ipPlan().warnings()) {
                problems.add(Problem.warning(ref, c.source(), "ClusterIPReallocated", warning));
            }
            admitted.put(nn, a);
        }
        return admitted;
    }

    /** A Service the API server would store, with its plans; built before LoadBalancer IPs are known. */
    private record Admitted(Service service, ClusterIpAllocator.Plan ipPlan, NodePortAllocator.Plan portPlan,
                            @Nullable String source) {
    }

    /**
     * Holders of a previous allocation first, in list order, then the rest; nameless candidates and later
     * duplicates are reported and dropped.
     */
    private static List<Candidate> processingOrder(List<Candidate> candidates, Allocations previous,
                                                   List<Problem> problems) {
        Set<NamespacedName> seen = new HashSet<>();
        List<Candidate> unique = new ArrayList<>();
        for (Candidate c : candidates) {
            NamespacedName nn = name(c);
            if (nn == null) {
                ObjectRef ref = c.desired().getMetadata() == null
                        ? new ObjectRef("Service", "default", "") : ObjectRef.of(c.desired());
                problems.add(Problem.invalid(ref, c.source(),
                        List.of(FieldError.required("metadata.name", "name or generateName is required"))));
            } else if (seen.add(nn)) {
                unique.add(c);
            } else {
                problems.add(Problem.warning(ObjectRef.of("Service", nn), c.source(), "Duplicate",
                        "Service " + nn + " is defined more than once; only the first definition is used"));
            }
        }
        List<Candidate> order = new ArrayList<>(unique);
        order.sort(Comparator.comparing(c -> !previous.services().containsKey(name(c))));
        return order;
    }

    private static @Nullable NamespacedName name(Candidate c) {
        ObjectMeta meta = c.desired().getMetadata();
        boolean nameless = meta == null || meta.getName() == null || meta.getName().isEmpty();
        return nameless ? null : NamespacedName.of(c.desired());
    }

    /** Plans cluster IP and node ports together and commits both only when both succeed. */
    private static Admitted admit(NamespacedName nn, Service svc, @Nullable ServiceAllocation prev,
                                  @Nullable String source,
                                  ClusterIpAllocator clusterIps, NodePortAllocator nodePorts)
            throws AllocationRejected {
        ClusterIpAllocator.Plan ipPlan = clusterIps.plan(nn, svc, prev);
        NodePortAllocator.Plan portPlan = nodePorts.plan(nn, svc, prev);
        clusterIps.commit(nn, ipPlan.ip());
        nodePorts.commit(nn, portPlan.numbers());
        return new Admitted(svc, ipPlan, portPlan, source);
    }

    /** A deep copy of the admitted version carrying everything the API server and MetalLB would set. */
    private static Service stored(Admitted a, ServiceAllocation allocation) {
        Service copy = new ServiceBuilder(a.service()).build();
        if (copy.getMetadata() == null) copy.setMetadata(new ObjectMeta());
        ObjectMeta meta = copy.getMetadata();
        if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) meta.setNamespace("default");
        meta.setUid(allocation.uid());
        meta.setCreationTimestamp(allocation.creationTimestamp());
        if (copy.getSpec() == null) copy.setSpec(new ServiceSpec());
        ServiceSpec spec = copy.getSpec();
        ClusterIpAllocator.Plan ip = a.ipPlan();
        spec.setClusterIP(ip.clusterIPs().isEmpty() ? null : ip.clusterIPs().get(0));
        spec.setClusterIPs(new ArrayList<>(ip.clusterIPs()));
        if (ip.ipFamilies() != null) spec.setIpFamilies(new ArrayList<>(ip.ipFamilies()));
        if (ip.ipFamilyPolicy() != null) spec.setIpFamilyPolicy(ip.ipFamilyPolicy());
        for (int i = 0; i < Services.ports(copy).size(); i++) {
            Services.ports(copy).get(i).setNodePort(a.portPlan().perPort().get(i));
        }
        spec.setHealthCheckNodePort(a.portPlan().healthCheckNodePort());
        List<LoadBalancerIngress> ingress = allocation.loadBalancerIPs().stream()
                .map(lbIp -> new LoadBalancerIngressBuilder().withIp(lbIp).withIpMode(VIP).build())
                .toList();
        copy.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().withIngress(ingress).endLoadBalancer().build());
        return copy;
    }

    /** Deterministic but distinct across re-creations of the same name (the timestamp differs). */
    private static String newUid(NamespacedName nn, String createdAt) {
        return UUID.nameUUIDFromBytes(("kubeway/" + nn + "/" + createdAt).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
