package io.kubeway.translate.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

/**
 * Null-safe reads of a fabric8 Service with Go's zero values (null string is "", null list is empty,
 * null int is 0), and the small predicates of {@code pkg/api/service/util.go} and the Service registry.
 */
final class Services {
    static final String CLUSTER_IP = "ClusterIP";
    static final String NODE_PORT = "NodePort";
    static final String LOAD_BALANCER = "LoadBalancer";
    static final String EXTERNAL_NAME = "ExternalName";
    static final String HEADLESS = "None";
    static final String SINGLE_STACK = "SingleStack";
    static final String PREFER_DUAL_STACK = "PreferDualStack";
    static final String REQUIRE_DUAL_STACK = "RequireDualStack";
    static final String POLICY_CLUSTER = "Cluster";
    static final String POLICY_LOCAL = "Local";
    static final String IPV4 = "IPv4";
    static final String IPV6 = "IPv6";

    private Services() {
    }

    static ServiceSpec spec(Service svc) {
        return svc.getSpec() != null ? svc.getSpec() : new ServiceSpec();
    }

    static ObjectMeta meta(Service svc) {
        return svc.getMetadata() != null ? svc.getMetadata() : new ObjectMeta();
    }

    static String str(String s) {
        return s == null ? "" : s;
    }

    static int num(Integer i) {
        return i == null ? 0 : i;
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    static Map<String, String> map(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    static String type(ServiceSpec spec) {
        return str(spec.getType());
    }

    /** The ports; a null entry (a "- null" line in YAML) reads as an empty port, as Go decodes it. */
    static List<ServicePort> ports(ServiceSpec spec) {
        List<ServicePort> ports = spec.getPorts();
        if (ports == null) {
            return List.of();
        }
        if (ports.stream().noneMatch(Objects::isNull)) {
            return ports;
        }
        List<ServicePort> out = new ArrayList<>(ports.size());
        for (ServicePort p : ports) {
            out.add(p != null ? p : new ServicePort());
        }
        return out;
    }

    static List<String> clusterIPs(ServiceSpec spec) {
        return list(spec.getClusterIPs());
    }

    static List<String> ipFamilies(ServiceSpec spec) {
        return list(spec.getIpFamilies());
    }

    static boolean isType(ServiceSpec spec, String type) {
        return type.equals(spec.getType());
    }

    /** {@code isHeadlessService}: exactly one clusterIPs entry, "None". */
    static boolean isHeadless(ServiceSpec spec) {
        List<String> ips = clusterIPs(spec);
        return ips.size() == 1 && HEADLESS.equals(ips.get(0));
    }

    /** {@code ExternallyAccessible}: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
    static boolean externallyAccessible(ServiceSpec spec) {
        return isType(spec, LOAD_BALANCER) || isType(spec, NODE_PORT)
                || (isType(spec, CLUSTER_IP) && !list(spec.getExternalIPs()).isEmpty());
    }

    /** {@code NeedsHealthCheck}: a LoadBalancer with externalTrafficPolicy Local. */
    static boolean needsHealthCheck(ServiceSpec spec) {
        return isType(spec, LOAD_BALANCER) && POLICY_LOCAL.equals(spec.getExternalTrafficPolicy());
    }

    static boolean needsClusterIP(ServiceSpec spec) {
        return !isType(spec, EXTERNAL_NAME);
    }

    static boolean needsNodePort(ServiceSpec spec) {
        return isType(spec, NODE_PORT) || isType(spec, LOAD_BALANCER);
    }

    static String portPath(int i) {
        return "spec.ports[" + i + "]";
    }
}
