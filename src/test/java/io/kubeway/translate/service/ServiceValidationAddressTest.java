package io.kubeway.translate.service;

import static io.kubeway.translate.service.TestServices.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.core.FieldError;

/**
 * Create validation of addresses and of the type-dependent fields: clusterIP(s), IP families,
 * ExternalName, externalIPs, load-balancer fields and traffic policies.
 */
class ServiceValidationAddressTest {
    record Case(String name, Consumer<Service> manifest, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, Consumer<Service> manifest) {
        return new Case(name, manifest, List.of());
    }

    static Case bad(String name, Consumer<Service> manifest, String... expected) {
        return new Case(name, manifest, List.of(expected));
    }

    static void lb(Service s) {
        type(s, "LoadBalancer");
    }

    static void externalIps(Service s, String... ips) {
        s.getSpec().setExternalIPs(new ArrayList<>(List.of(ips)));
    }

    static void families(Service s, String policy, String... families) {
        s.getSpec().setIpFamilyPolicy(policy);
        s.getSpec().setIpFamilies(new ArrayList<>(List.of(families)));
    }

    static void externalName(Service s, String name) {
        type(s, "ExternalName");
        s.getSpec().setExternalName(name);
    }

    static Stream<Case> cases() {
        return Stream.of(
                ok("a chosen clusterIP", s -> s.getSpec().setClusterIP("10.96.0.10")),
                ok("IPv4 octets with leading zeros (parsed leniently, as upstream does)",
                        s -> s.getSpec().setClusterIP("010.096.000.010")),
                ok("dual-stack clusterIPs", s -> {
                    clusterIPs(s, "10.96.0.10", "10.96.0.10", "fd00::10");
                    families(s, "RequireDualStack", "IPv4", "IPv6");
                }),
                ok("headless without ports", s -> {
                    s.getSpec().setClusterIP("None");
                    ports(s);
                }),
                ok("headless and selectorless", s -> {
                    s.getSpec().setClusterIP("None");
                    s.getSpec().setSelector(null);
                }),
                bad("clusterIP errors are reported alone, as the allocator reports them first", s -> {
                    s.getMetadata().setName("Web");
                    s.getSpec().setClusterIP("10.96.0.300");
                }, "spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": " + BAD_IP),
                bad("clusterIPs not starting with clusterIP", s -> clusterIPs(s, "10.96.0.10", "10.96.0.11"),
                        "spec.clusterIPs: Invalid value: []string{\"10.96.0.11\"}: first value must match `clusterIP`"),
                bad("clusterIPs without clusterIP", s -> clusterIPs(s, null, "10.96.0.10"),
                        "spec.clusterIPs: Invalid value: []string{\"10.96.0.10\"}: must be empty when `clusterIP` is"
                                + " not specified"),
                bad("three clusterIPs", s -> {
                    clusterIPs(s, "10.96.0.10", "10.96.0.10", "fd00::10", "10.96.0.11");
                    families(s, "RequireDualStack");
                }, "spec.clusterIPs: Invalid value: []string{\"10.96.0.10\", \"fd00::10\", \"10.96.0.11\"}: may only"
                        + " hold up to 2 values"),
                bad("two IPv4 clusterIPs", s -> {
                    clusterIPs(s, "10.96.0.10", "10.96.0.10", "10.96.0.11");
                    families(s, "PreferDualStack");
                }, "spec.clusterIPs: Invalid value: []string{\"10.96.0.10\", \"10.96.0.11\"}: may specify no more"
                        + " than one IP for each IP family"),
                bad("None followed by an address", s -> clusterIPs(s, "None", "None", "10.96.0.10"),
                        "spec.clusterIPs: Invalid value: []string{\"None\", \"10.96.0.10\"}: 'None' must be the first"
                                + " and only value"),
                bad("an IPv6 clusterIP in an IPv4 Service", s -> {
                    s.getSpec().setClusterIP("fd00::10");
                    families(s, null, "IPv4");
                }, "spec.clusterIPs[0]: Invalid value: \"fd00::10\": expected an IPv4 value as indicated by"
                        + " `ipFamilies[0]`"),
                bad("an unknown IP family", s -> families(s, null, "IPv5"),
                        "spec.ipFamilies[0]: Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\""),
                bad("one IP family twice", s -> families(s, "PreferDualStack", "IPv4", "IPv4"),
                        "spec.ipFamilies[1]: Duplicate value: \"IPv4\""),
                bad("an unknown ipFamilyPolicy", s -> families(s, "DualStack"),
                        "spec.ipFamilyPolicy: Unsupported value: \"DualStack\": supported values: \"PreferDualStack\","
                                + " \"RequireDualStack\", \"SingleStack\""),
                bad("SingleStack with two clusterIPs", s -> clusterIPs(s, "10.96.0.10", "10.96.0.10", "fd00::10"),
                        "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or"
                                + " 'PreferDualStack' when multiple cluster IPs are specified"),
                bad("SingleStack with two families", s -> families(s, "SingleStack", "IPv4", "IPv6"),
                        "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or"
                                + " 'PreferDualStack' when multiple IP families are specified"),
                bad("a headless NodePort", s -> {
                    type(s, "NodePort");
                    s.getSpec().setClusterIP("None");
                }, "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"),
                bad("a headless LoadBalancer", s -> {
                    lb(s);
                    s.getSpec().setClusterIP("None");
                }, "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"),

                ok("an ExternalName with a trailing dot", s -> externalName(s, "db.example.com.")),
                ok("an ExternalName without ports or selector", s -> {
                    externalName(s, "db.example.com");
                    ports(s);
                    s.getSpec().setSelector(null);
                }),
                bad("an ExternalName without externalName", s -> externalName(s, null),
                        "spec.externalName: Required value"),
                bad("an externalName that is only a dot", s -> externalName(s, "."),
                        "spec.externalName: Required value"),
                bad("an externalName with an underscore", s -> externalName(s, "db_1.example.com"),
                        "spec.externalName: Invalid value: \"db_1.example.com\": " + DNS1123_SUBDOMAIN),
                bad("an ExternalName with a clusterIP", s -> {
                    externalName(s, "db.example.com");
                    s.getSpec().setClusterIP("10.96.0.10");
                }, "spec.clusterIPs: Forbidden: may not be set for ExternalName services"),
                bad("an ExternalName with clusterIP None", s -> {
                    externalName(s, "db.example.com");
                    s.getSpec().setClusterIP("None");
                }, "spec.clusterIPs: Forbidden: may not be set for ExternalName services"),
                bad("an ExternalName with IP families", s -> {
                    externalName(s, "db.example.com");
                    families(s, "SingleStack", "IPv4");
                }, "spec.ipFamilies: Forbidden: may not be set for ExternalName services",
                        "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services"),

                ok("an externalIP", s -> externalIps(s, "192.0.2.10")),
                ok("a multicast externalIP outside the link-local block", s -> externalIps(s, "239.1.1.1")),
                bad("an externalIP that is a name", s -> externalIps(s, "web.example.com"),
                        "spec.externalIPs[0]: Invalid value: \"web.example.com\": " + BAD_IP),
                bad("loopback externalIPs (Kubernetes' rule, kept)", s -> externalIps(s, "127.0.0.1", "::1"),
                        "spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range"
                                + " (127.0.0.0/8, ::1/128)",
                        "spec.externalIPs[1]: Invalid value: \"::1\": may not be in the loopback range"
                                + " (127.0.0.0/8, ::1/128)"),
                bad("unspecified externalIPs", s -> externalIps(s, "0.0.0.0", "::"),
                        "spec.externalIPs[0]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
                        "spec.externalIPs[1]: Invalid value: \"::\": may not be unspecified (::)"),
                bad("link-local externalIPs", s -> externalIps(s, "169.254.169.254", "fe80::1"),
                        "spec.externalIPs[0]: Invalid value: \"169.254.169.254\": may not be in the link-local range"
                                + " (169.254.0.0/16, fe80::/10)",
                        "spec.externalIPs[1]: Invalid value: \"fe80::1\": may not be in the link-local range"
                                + " (169.254.0.0/16, fe80::/10)"),
                bad("link-local multicast externalIPs", s -> externalIps(s, "224.0.0.251", "ff02::fb"),
                        "spec.externalIPs[0]: Invalid value: \"224.0.0.251\": may not be in the link-local multicast"
                                + " range (224.0.0.0/24, ff02::/10)",
                        "spec.externalIPs[1]: Invalid value: \"ff02::fb\": may not be in the link-local multicast"
                                + " range (224.0.0.0/24, ff02::/10)"),

                ok("loadBalancerSourceRanges with spaces", s -> {
                    lb(s);
                    s.getSpec().setLoadBalancerSourceRanges(new ArrayList<>(List.of(" 10.0.0.0/8 ", "2001:db8::/64")));
                }),
                ok("the source-ranges annotation", s -> {
                    lb(s);
                    annotate(s, "service.beta.kubernetes.io/load-balancer-source-ranges", "10.0.0.0/8, 192.168.0.0/16");
                }),
                ok("the field wins over the annotation", s -> {
                    lb(s);
                    s.getSpec().setLoadBalancerSourceRanges(new ArrayList<>(List.of("10.0.0.0/8")));
                    annotate(s, "service.beta.kubernetes.io/load-balancer-source-ranges", "nonsense");
                }),
                bad("loadBalancerSourceRanges on a ClusterIP Service",
                        s -> s.getSpec().setLoadBalancerSourceRanges(new ArrayList<>(List.of("10.0.0.0/8"))),
                        "spec.LoadBalancerSourceRanges: Forbidden: " + LB_ONLY),
                bad("a prefix length of 33", s -> {
                    lb(s);
                    s.getSpec().setLoadBalancerSourceRanges(new ArrayList<>(List.of("10.0.0.0/8", "10.0.0.0/33")));
                }, "spec.LoadBalancerSourceRanges[1]: Invalid value: \"10.0.0.0/33\": " + BAD_CIDR),
                bad("the source-ranges annotation on a ClusterIP Service, with a bad entry",
                        s -> annotate(s, "service.beta.kubernetes.io/load-balancer-source-ranges", "10.0.0.0/8,,nope"),
                        "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Forbidden: "
                                + LB_ONLY,
                        "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value:"
                                + " \"\": " + BAD_CIDR,
                        "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value:"
                                + " \"nope\": " + BAD_CIDR),

                ok("a LoadBalancer with a class", s -> {
                    lb(s);
                    s.getSpec().setLoadBalancerClass("example.com/internal");
                }),
                bad("allocateLoadBalancerNodePorts on a NodePort Service", s -> {
                    type(s, "NodePort");
                    s.getSpec().setAllocateLoadBalancerNodePorts(false);
                }, "spec.allocateLoadBalancerNodePorts: Forbidden: " + LB_ONLY),
                bad("loadBalancerClass on a ClusterIP Service", s -> s.getSpec().setLoadBalancerClass("example.com/lb"),
                        "spec.loadBalancerClass: Forbidden: " + LB_ONLY),
                bad("a loadBalancerClass without a name part", s -> {
                    lb(s);
                    s.getSpec().setLoadBalancerClass("example.com/");
                }, "spec.loadBalancerClass: Invalid value: \"example.com/\": name part must be non-empty",
                        "spec.loadBalancerClass: Invalid value: \"example.com/\": " + QUALIFIED_NAME_PART),
                bad("a loadBalancerClass with a bad prefix", s -> {
                    lb(s);
                    s.getSpec().setLoadBalancerClass("example_com/lb");
                }, "spec.loadBalancerClass: Invalid value: \"example_com/lb\": prefix part " + DNS1123_SUBDOMAIN),

                ok("a LoadBalancer with Local traffic, before its healthCheckNodePort is allocated", s -> {
                    lb(s);
                    s.getSpec().setExternalTrafficPolicy("Local");
                }),
                ok("a LoadBalancer with Local traffic and a healthCheckNodePort", s -> {
                    lb(s);
                    s.getSpec().setExternalTrafficPolicy("Local");
                    s.getSpec().setHealthCheckNodePort(30999);
                }),
                ok("externalTrafficPolicy on a ClusterIP Service with externalIPs", s -> {
                    externalIps(s, "192.0.2.10");
                    s.getSpec().setExternalTrafficPolicy("Local");
                }),
                bad("externalTrafficPolicy on a plain ClusterIP Service", s -> s.getSpec().setExternalTrafficPolicy("Local"),
                        "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible"
                                + " services"),
                bad("an unknown externalTrafficPolicy", s -> {
                    type(s, "NodePort");
                    s.getSpec().setExternalTrafficPolicy("Global");
                }, "spec.externalTrafficPolicy: Unsupported value: \"Global\": supported values: \"Cluster\", \"Local\""),
                bad("healthCheckNodePort with Cluster traffic", s -> {
                    lb(s);
                    s.getSpec().setHealthCheckNodePort(30999);
                }, "spec.healthCheckNodePort: Invalid value: 30999: may only be set when `type` is 'LoadBalancer' and"
                        + " `externalTrafficPolicy` is 'Local'"),
                bad("healthCheckNodePort 70000", s -> {
                    lb(s);
                    s.getSpec().setExternalTrafficPolicy("Local");
                    s.getSpec().setHealthCheckNodePort(70000);
                }, "spec.healthCheckNodePort: Invalid value: 70000: " + PORT_RANGE),
                ok("internalTrafficPolicy Local", s -> s.getSpec().setInternalTrafficPolicy("Local")),
                bad("an unknown internalTrafficPolicy", s -> s.getSpec().setInternalTrafficPolicy("Node"),
                        "spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: \"Cluster\", \"Local\""),
                ok("trafficDistribution PreferSameNode", s -> s.getSpec().setTrafficDistribution("PreferSameNode")),
                ok("trafficDistribution PreferClose", s -> s.getSpec().setTrafficDistribution("PreferClose")),
                bad("an unknown trafficDistribution", s -> s.getSpec().setTrafficDistribution("PreferRegion"),
                        "spec.trafficDistribution: Unsupported value: \"PreferRegion\": supported values:"
                                + " \"PreferClose\", \"PreferSameZone\", \"PreferSameNode\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validatesTheDefaultedManifest(Case c) {
        List<FieldError> errors = ServiceValidation.validate(ServiceDefaults.apply(manifest(c.manifest())));
        assertThat(errors).extracting(FieldError::message).containsExactlyElementsOf(c.expected());
    }
}
