package io.kubeway.translate.service;

import static io.kubeway.translate.service.Services.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.kubeway.core.FieldError;

/**
 * What the Service registry does to an update before validating it (pkg/registry/core/service): the
 * same manifest applied twice must succeed although the first apply had values allocated, and a type
 * change drops the fields the new type cannot have. All methods mutate {@code spec}, a private copy.
 */
final class UpdatePreparation {
    private UpdatePreparation() {
    }

    /** {@code patchAllocatedValues}: keep allocated clusterIPs, nodePorts and healthCheckNodePort. */
    static void patchAllocatedValues(ServiceSpec spec, ServiceSpec old) {
        if (needsClusterIP(old) && needsClusterIP(spec)) {
            if (str(spec.getClusterIP()).isEmpty()) {
                spec.setClusterIP(old.getClusterIP());
            }
            if (clusterIPs(spec).isEmpty() && !clusterIPs(old).isEmpty()) {
                spec.setClusterIPs(new ArrayList<>(clusterIPs(old)));
            }
        }
        if (needsNodePort(old) && needsNodePort(spec)) {
            Set<Integer> used = nodePorts(old);
            used.retainAll(nodePorts(spec));
            // Matched by port name: the user may have changed anything else about the port.
            Map<String, Integer> byName = new HashMap<>();
            for (ServicePort p : ports(old)) {
                byName.put(str(p.getName()), num(p.getNodePort()));
            }
            for (ServicePort p : ports(spec)) {
                if (num(p.getNodePort()) == 0) {
                    int previous = byName.getOrDefault(str(p.getName()), 0);
                    if (!used.contains(previous)) {
                        p.setNodePort(previous == 0 ? null : previous);
                    }
                }
            }
        }
        if (needsHealthCheck(old) && needsHealthCheck(spec) && num(spec.getHealthCheckNodePort()) == 0) {
            spec.setHealthCheckNodePort(old.getHealthCheckNodePort());
        }
    }

    /** {@code normalizeClusterIPs} for an update: keep clusterIP and clusterIPs in step. */
    static void normalizeClusterIPs(ServiceSpec spec, ServiceSpec old) {
        if (!clusterIPs(old).isEmpty() && clusterIPs(spec).isEmpty()
                && str(old.getClusterIP()).equals(str(spec.getClusterIP()))) {
            spec.setClusterIPs(new ArrayList<>(clusterIPs(old)));
        }
        if (!str(old.getClusterIP()).equals(str(spec.getClusterIP()))) {
            if (!str(old.getClusterIP()).isEmpty() && str(spec.getClusterIP()).isEmpty()) {
                if (clusterIPs(old).equals(clusterIPs(spec))) {
                    spec.setClusterIPs(new ArrayList<>());
                }
            } else if (clusterIPs(old).equals(clusterIPs(spec))) {
                spec.setClusterIPs(new ArrayList<>(List.of(str(spec.getClusterIP()))));
            }
        }
    }

    /**
     * The update part of {@code initIPFamilyFields}: the old policy carries over when none is given,
     * SingleStack with unchanged fields is a downgrade, and any other policy may not drop an entry.
     */
    static void ipFamilyFields(ServiceSpec spec, ServiceSpec old, List<FieldError> errs) {
        if (spec.getIpFamilyPolicy() == null && old.getIpFamilyPolicy() != null) {
            spec.setIpFamilyPolicy(old.getIpFamilyPolicy());
        }
        if (SINGLE_STACK.equals(spec.getIpFamilyPolicy())) {
            if (clusterIPs(old).equals(clusterIPs(spec)) && clusterIPs(spec).size() > 1) {
                spec.setClusterIPs(new ArrayList<>(clusterIPs(spec).subList(0, 1)));
            }
            if (ipFamilies(old).equals(ipFamilies(spec)) && ipFamilies(spec).size() > 1) {
                spec.setIpFamilies(new ArrayList<>(ipFamilies(spec).subList(0, 1)));
            }
        } else {
            if (!clusterIPs(spec).isEmpty() && clusterIPs(spec).size() < clusterIPs(old).size()) {
                errs.add(FieldError.invalid("spec.ipFamilyPolicy", spec.getIpFamilyPolicy(),
                        "must be 'SingleStack' to release the secondary cluster IP"));
            }
            if (!ipFamilies(spec).isEmpty() && ipFamilies(spec).size() < ipFamilies(old).size()) {
                errs.add(FieldError.invalid("spec.ipFamilyPolicy", spec.getIpFamilyPolicy(),
                        "must be 'SingleStack' to release the secondary IP family"));
            }
        }
    }

    /**
     * {@code dropTypeDependentFields}: when the new type has no use for a field the old type had, and
     * the user did not change it, it is cleared (and later released by the allocator).
     */
    static void dropTypeDependentFields(ServiceSpec spec, ServiceSpec old) {
        if (needsClusterIP(old) && !needsClusterIP(spec)) {
            if (str(old.getClusterIP()).equals(str(spec.getClusterIP()))
                    && clusterIPs(old).equals(clusterIPs(spec))) {
                spec.setClusterIP(null);
                spec.setClusterIPs(new ArrayList<>());
            }
            if (ipFamilies(old).equals(ipFamilies(spec))) {
                spec.setIpFamilies(new ArrayList<>());
            }
            if (str(old.getIpFamilyPolicy()).equals(str(spec.getIpFamilyPolicy()))) {
                spec.setIpFamilyPolicy(null);
            }
        }
        // NodePorts go only if the user added no new one.
        if (needsNodePort(old) && !needsNodePort(spec) && nodePorts(old).containsAll(nodePorts(spec))) {
            for (ServicePort p : ports(spec)) {
                p.setNodePort(null);
            }
        }
        if (needsHealthCheck(old) && !needsHealthCheck(spec)
                && num(old.getHealthCheckNodePort()) == num(spec.getHealthCheckNodePort())) {
            spec.setHealthCheckNodePort(null);
        }
        if (isType(old, LOAD_BALANCER) && !isType(spec, LOAD_BALANCER)
                && old.getAllocateLoadBalancerNodePorts() != null
                && old.getAllocateLoadBalancerNodePorts().equals(spec.getAllocateLoadBalancerNodePorts())) {
            spec.setAllocateLoadBalancerNodePorts(null);
        }
        if (isType(old, LOAD_BALANCER) && !isType(spec, LOAD_BALANCER)
                && Objects.equals(old.getLoadBalancerClass(), spec.getLoadBalancerClass())) {
            spec.setLoadBalancerClass(null);
        }
        if (needsNodePort(old) && !needsNodePort(spec)
                && str(old.getExternalTrafficPolicy()).equals(str(spec.getExternalTrafficPolicy()))) {
            spec.setExternalTrafficPolicy(null);
        }
    }

    private static Set<Integer> nodePorts(ServiceSpec spec) {
        Set<Integer> out = new HashSet<>();
        for (ServicePort p : ports(spec)) {
            if (num(p.getNodePort()) != 0) {
                out.add(p.getNodePort());
            }
        }
        return out;
    }
}
