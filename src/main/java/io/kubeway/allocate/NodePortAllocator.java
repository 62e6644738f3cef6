package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kubeway.core.FieldError;
import io.kubeway.core.NamespacedName;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Node ports as the API server hands them out (storage/alloc.go, portallocator). The allocator tracks
 * port numbers, not (protocol, number) pairs, so a number belongs to one Service; within that Service it
 * may serve several protocols (TCP 53 and UDP 53 on 30053), which validation allows and the repair loop
 * tolerates (kubernetes#91404).
 */
final class NodePortAllocator {
    /** Per port (by index) the node port or null, the same by {@code "TCP/80"}, and the health check port. */
    record Plan(List<@Nullable Integer> perPort, Map<String, Integer> byKey, @Nullable Integer healthCheckNodePort) {
        Set<Integer> numbers() {
            Set<Integer> all = new HashSet<>(byKey.values());
            if (healthCheckNodePort != null) all.add(healthCheckNodePort);
            return all;
        }
    }

    private final PortRange range;
    private final OwnerTable<Integer> table = new OwnerTable<>();

    NodePortAllocator(PortRange range) {
        this.range = range;
    }

    /** Holds a service's previous ports before anything is allocated, so newcomers cannot take them. */
    void preReserve(NamespacedName nn, ServiceAllocation previous) {
        previous.nodePorts().values().stream().filter(range::contains).forEach(p -> table.reserve(p, nn));
        Integer hc = previous.healthCheckNodePort();
        if (hc != null && range.contains(hc)) {
            table.reserve(hc, nn);
        }
    }

    /** Decides without changing anything; {@link #commit} makes it so. */
    Plan plan(NamespacedName nn, Service svc, @Nullable ServiceAllocation previous) throws AllocationRejected {
        List<ServicePort> ports = Services.ports(svc);
        List<@Nullable Integer> result = new ArrayList<>();
        ports.forEach(p -> result.add(null));
        if (!Services.needsNodePorts(svc)) {
            // changing to ClusterIP or ExternalName clears and releases node ports
            return new Plan(result, Map.of(), null);
        }
        // number -> protocols using it in this service
        Map<Integer, Set<String>> usedHere = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            Integer np = ports.get(i).getNodePort();
            if (np != null && np != 0) {
                claimExplicit(nn, np, Services.protocol(ports.get(i)), "spec.ports[" + i + "].nodePort", usedHere);
                result.set(i, np);
            }
        }
        // numbers the user asked for explicitly are never patched in from the previous version
        Set<Integer> explicit = new HashSet<>(usedHere.keySet());
        Map<String, Integer> prior = previous == null ? Map.of() : previous.nodePorts();
        for (int i = 0; i < ports.size(); i++) {
            if (result.get(i) != null) continue;
            ServicePort p = ports.get(i);
            String proto = Services.protocol(p);
            Integer np = reusable(nn, prior.get(Services.portKey(p)), proto, explicit, usedHere);
            if (np == null && !Services.allocatesNodePorts(svc)) {
                continue; // allocateLoadBalancerNodePorts: false: only explicit (or kept) ports
            }
            if (np == null && previous == null) {
                np = sibling(ports, result, i, usedHere);
            }
            if (np == null) {
                np = allocateNext(nn, nn + "/" + Services.portKey(p), usedHere);
                if (np == null) {
                    throw AllocationRejected.internal("failed to allocate a nodePort: range is full");
                }
            }
            usedHere.computeIfAbsent(np, k -> new HashSet<>()).add(proto);
            result.set(i, np);
        }
        Map<String, Integer> byKey = new LinkedHashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            if (result.get(i) != null) byKey.put(Services.portKey(ports.get(i)), result.get(i));
        }
        Integer hc = Services.needsHealthCheck(svc)
                ? healthCheckPort(nn, svc, previous == null ? null : previous.healthCheckNodePort(), usedHere)
                : null;
        return new Plan(result, byKey, hc);
    }

    void commit(NamespacedName nn, Set<Integer> numbers) {
        table.replace(nn, numbers);
    }

    void release(NamespacedName nn) {
        table.release(nn);
    }

    private void claimExplicit(NamespacedName nn, int np, String proto, String field,
                               Map<Integer, Set<String>> usedHere) throws AllocationRejected {
        Set<String> protos = usedHere.get(np);
        if (protos == null) {
            if (!range.contains(np)) {
                throw AllocationRejected.invalid(FieldError.invalid(field, np, notInRange()));
            }
            if (!table.availableTo(np, nn)) {
                throw AllocationRejected.invalid(FieldError.invalid(field, np, "provided port is already allocated"));
            }
        } else if (protos.contains(proto)) {
            throw AllocationRejected.invalid(FieldError.invalid(field, np, "provided port is already allocated"));
        }
        usedHere.computeIfAbsent(np, k -> new HashSet<>()).add(proto);
    }

    /**
     * The previous value of a port (patchAllocatedValues), unless it left the range, someone else holds it,
     * or this service now uses the number explicitly or for the same protocol.
     */
    private @Nullable Integer reusable(NamespacedName nn, @Nullable Integer prior, String proto, Set<Integer> explicit,
                                       Map<Integer, Set<String>> usedHere) {
        if (prior == null || !range.contains(prior) || !table.availableTo(prior, nn) || explicit.contains(prior)
                || usedHere.getOrDefault(prior, Set.of()).contains(proto)) {
            return null;
        }
        return prior;
    }

    /**
     * On create, a port shares the node port of an earlier port with the same number and another protocol
     * (DNS on 53/TCP and 53/UDP gets one node port), as initNodePorts does.
     */
    private @Nullable Integer sibling(List<ServicePort> ports, List<@Nullable Integer> result, int i,
                                      Map<Integer, Set<String>> usedHere) {
        ServicePort p = ports.get(i);
        for (int j = 0; j < ports.size(); j++) {
            Integer np = result.get(j);
            if (j != i && np != null && Objects.equals(ports.get(j).getPort(), p.getPort())
                    && !usedHere.getOrDefault(np, Set.of()).contains(Services.protocol(p))) {
                return np;
            }
        }
        return null;
    }

    private @Nullable Integer healthCheckPort(NamespacedName nn, Service svc, @Nullable Integer prior,
                                              Map<Integer, Set<String>> usedHere) throws AllocationRejected {
        Integer requested = Services.spec(svc).getHealthCheckNodePort();
        String field = "spec.healthCheckNodePort";
        if (requested != null && requested != 0) {
            if (prior != null && !prior.equals(requested)) {
                throw AllocationRejected.invalid(FieldError.invalid(field, requested, "cannot change "
                        + "healthCheckNodePort on loadBalancer service with externalTraffic=Local during update"));
            }
            String prefix = "failed to allocate requested HealthCheck NodePort " + requested + ": ";
            if (!range.contains(requested)) {
                throw AllocationRejected.invalid(FieldError.invalid(field, requested, prefix + notInRange()));
            }
            if (usedHere.containsKey(requested) || !table.availableTo(requested, nn)) {
                throw AllocationRejected.invalid(FieldError.invalid(field, requested,
                        prefix + "provided port is already allocated"));
            }
            return requested;
        }
        boolean keep = prior != null && range.contains(prior) && table.availableTo(prior, nn)
                && !usedHere.containsKey(prior);
        Integer np = keep ? prior : allocateNext(nn, nn + "/healthCheckNodePort", usedHere);
        if (np == null) {
            throw AllocationRejected.internal("failed to allocate a HealthCheck NodePort: range is full");
        }
        return np;
    }

    private @Nullable Integer allocateNext(NamespacedName nn, String key, Map<Integer, Set<String>> usedHere) {
        int index = Probe.firstFree(range.size(), range.staticBand(), key, i -> {
            int port = range.base() + i;
            return !usedHere.containsKey(port) && table.availableTo(port, nn);
        });
        return index < 0 ? null : range.base() + index;
    }

    private String notInRange() {
        return "provided port is not in the valid range. The range of valid ports is " + range;
    }
}
