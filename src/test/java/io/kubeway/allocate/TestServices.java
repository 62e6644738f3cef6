package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Test fixtures: Services built with mutators ({@code service("default", "web", s -> s.nodePort().port(80))}),
 * defaulted as the validation step would leave them.
 */
final class TestServices {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    static final String OUR_CLASS = "kubeway.io/loadbalancer";

    private TestServices() {
    }

    static Allocator allocator(String serviceCidr, String nodePortRange, String... defaultPools) {
        return new Allocator(new AllocatorConfig(serviceCidr, nodePortRange, List.of(defaultPools), OUR_CLASS), CLOCK);
    }

    static Allocator allocator() {
        return allocator("127.96.0.0/12", "30000-32767", "192.168.10.0/24");
    }

    static Service service(String namespace, String name, UnaryOperator<Spec> mutator) {
        return mutator.apply(new Spec(namespace, name)).build();
    }

    static Service service(String name, UnaryOperator<Spec> mutator) {
        return service("default", name, mutator);
    }

    /** A mutable description of one Service. */
    static final class Spec {
        private final String namespace;
        private final String name;
        private String type = "ClusterIP";
        private String clusterIP;
        private final List<ServicePort> ports = new ArrayList<>();
        private final Map<String, String> annotations = new HashMap<>();
        private final Map<String, String> selector = new HashMap<>(Map.of("app", "web"));
        private String externalTrafficPolicy;
        private Integer healthCheckNodePort;
        private Boolean allocateLoadBalancerNodePorts;
        private String loadBalancerClass;
        private String loadBalancerIP;
        private List<String> ipFamilies;
        private String ipFamilyPolicy;

        Spec(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        Spec type(String t) {
            this.type = t;
            return this;
        }

        Spec nodePort() {
            return type("NodePort");
        }

        Spec loadBalancer() {
            return type("LoadBalancer");
        }

        Spec clusterIP(String ip) {
            this.clusterIP = ip;
            return this;
        }

        Spec port(int port) {
            return port(port, "TCP", null);
        }

        Spec port(int port, String protocol) {
            return port(port, protocol, null);
        }

        Spec port(int port, String protocol, Integer nodePort) {
            ports.add(new ServicePortBuilder().withName(protocol.toLowerCase() + "-" + port).withPort(port)
                    .withProtocol(protocol).withTargetPort(new IntOrString(port)).withNodePort(nodePort).build());
            return this;
        }

        Spec annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        Spec selector(String key, String value) {
            selector.clear();
            selector.put(key, value);
            return this;
        }

        Spec noSelector() {
            selector.clear();
            return this;
        }

        Spec local() {
            this.externalTrafficPolicy = "Local";
            return this;
        }

        Spec healthCheckNodePort(int port) {
            this.healthCheckNodePort = port;
            return this;
        }

        Spec allocateLoadBalancerNodePorts(boolean v) {
            this.allocateLoadBalancerNodePorts = v;
            return this;
        }

        Spec loadBalancerClass(String c) {
            this.loadBalancerClass = c;
            return this;
        }

        Spec loadBalancerIP(String ip) {
            this.loadBalancerIP = ip;
            return this;
        }

        Spec ipFamilies(String... families) {
            this.ipFamilies = List.of(families);
            return this;
        }

        Spec ipFamilyPolicy(String policy) {
            this.ipFamilyPolicy = policy;
            return this;
        }

        Service build() {
            boolean external = type.equals("NodePort") || type.equals("LoadBalancer");
            return new ServiceBuilder()
                    .withNewMetadata().withNamespace(namespace).withName(name).withAnnotations(annotations).endMetadata()
                    .withNewSpec()
                    .withType(type)
                    .withClusterIP(clusterIP)
                    .withPorts(ports)
                    .withSelector(selector)
                    .withExternalTrafficPolicy(externalTrafficPolicy != null ? externalTrafficPolicy
                            : external ? "Cluster" : null)
                    .withHealthCheckNodePort(healthCheckNodePort)
                    .withAllocateLoadBalancerNodePorts(type.equals("LoadBalancer")
                            ? (allocateLoadBalancerNodePorts == null ? Boolean.TRUE : allocateLoadBalancerNodePorts)
                            : null)
                    .withLoadBalancerClass(loadBalancerClass)
                    .withLoadBalancerIP(loadBalancerIP)
                    .withIpFamilies(ipFamilies)
                    .withIpFamilyPolicy(ipFamilyPolicy)
                    .withSessionAffinity("None")
                    .endSpec()
                    .build();
        }
    }
}
