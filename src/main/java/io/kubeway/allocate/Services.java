package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Null-tolerant reads of the Service fields allocation depends on. */
final class Services {
    static final String CLUSTER_IP = "ClusterIP";
    static final String NODE_PORT = "NodePort";
    static final String LOAD_BALANCER = "LoadBalancer";
    static final String EXTERNAL_NAME = "ExternalName";
    static final String NONE = "None";

    private Services() {
    }

    static ServiceSpec spec(Service s) {
        return s.getSpec() == null ? new ServiceSpec() : s.getSpec();
    }

    static String type(Service s) {
        String t = spec(s).getType();
        return t == null || t.isEmpty() ? CLUSTER_IP : t;
    }

    static boolean needsNodePorts(Service s) {
        String t = type(s);
        return t.equals(NODE_PORT) || t.equals(LOAD_BALANCER);
    }

    /** NodePort always; LoadBalancer unless {@code allocateLoadBalancerNodePorts: false}. */
    static boolean allocatesNodePorts(Service s) {
        String t = type(s);
        return t.equals(NODE_PORT)
                || (t.equals(LOAD_BALANCER) && !Boolean.FALSE.equals(spec(s).getAllocateLoadBalancerNodePorts()));
    }

    /** As {@code apiservice.NeedsHealthCheck}: LoadBalancer with {@code externalTrafficPolicy: Local}. */
    static boolean needsHealthCheck(Service s) {
        return type(s).equals(LOAD_BALANCER) && "Local".equals(spec(s).getExternalTrafficPolicy());
    }

    /** {@code spec.clusterIPs}, or {@code [spec.clusterIP]} when only the singular field is set, or empty. */
    static List<String> requestedClusterIPs(Service s) {
        ServiceSpec spec = spec(s);
        List<String> ips = spec.getClusterIPs();
        if (ips != null && !ips.isEmpty()) return List.copyOf(ips);
        String ip = spec.getClusterIP();
        return ip == null || ip.isEmpty() ? List.of() : List.of(ip);
    }

    static List<ServicePort> ports(Service s) {
        List<ServicePort> ports = spec(s).getPorts();
        return ports == null ? List.of() : ports;
    }

    static String protocol(ServicePort p) {
        return p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
    }

    /** The key of a port in {@link ServiceAllocation#nodePorts()}: {@code "TCP/80"}. */
    static String portKey(ServicePort p) {
        return protocol(p) + "/" + (p.getPort() == null ? 0 : p.getPort());
    }

    static Map<String, String> annotations(Service s) {
        Map<String, String> a = s.getMetadata() == null ? null : s.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    /** The stable annotation's value when present (even empty), else the deprecated one's, else null. */
    static @Nullable String annotation(Service s, String stable, String deprecated) {
        Map<String, String> a = annotations(s);
        return a.containsKey(stable) ? a.get(stable) : a.get(deprecated);
    }

    /** The selector as {@code labels.Set.String()} prints it: sorted {@code k=v} pairs joined by commas. */
    static String selectorString(Service s) {
        Map<String, String> selector = spec(s).getSelector();
        if (selector == null) return "";
        return new TreeMap<>(selector).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
