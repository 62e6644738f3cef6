package io.kubeway.translate.service;

import static io.kubeway.translate.service.TestServices.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Defaulting: each case changes the base manifest, defaults it, and reads one field back. */
class ServiceDefaultsTest {
    record Case(String name, Consumer<Service> manifest, Function<Service, Object> read, Object expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, Consumer<Service> manifest, Function<Service, Object> read, Object expected) {
        return new Case(name, manifest, read, expected);
    }

    static final Consumer<Service> AS_IS = s -> { };

    static Object timeout(Service s) {
        return s.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
    }

    static Object targetPort(Service s) {
        IntOrString t = port(s, 0).getTargetPort();
        return t.getStrVal() != null ? t.getStrVal() : t.getIntVal();
    }

    static Object ipMode(Service s, int i) {
        return s.getStatus().getLoadBalancer().getIngress().get(i).getIpMode();
    }

    static void lbStatus(Service s, LoadBalancerIngress... ingress) {
        type(s, "LoadBalancer");
        s.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().withIngress(ingress).endLoadBalancer().build());
    }

    static LoadBalancerIngress ingress(String ip, String hostname, String ipMode) {
        LoadBalancerIngress ing = new LoadBalancerIngress();
        ing.setIp(ip);
        ing.setHostname(hostname);
        ing.setIpMode(ipMode);
        return ing;
    }

    static Stream<Case> cases() {
        return Stream.of(
                c("type is ClusterIP", AS_IS, s -> s.getSpec().getType(), "ClusterIP"),
                c("a type is kept", s -> type(s, "NodePort"), s -> s.getSpec().getType(), "NodePort"),
                c("namespace is default", AS_IS, s -> s.getMetadata().getNamespace(), "default"),
                c("a namespace is kept", s -> s.getMetadata().setNamespace("team-a"),
                        s -> s.getMetadata().getNamespace(), "team-a"),
                c("sessionAffinity is None", AS_IS, s -> s.getSpec().getSessionAffinity(), "None"),
                c("None drops sessionAffinityConfig", s -> {
                    clientIpTimeout(s, 60);
                    s.getSpec().setSessionAffinity("None");
                }, s -> s.getSpec().getSessionAffinityConfig(), null),
                c("ClientIP gets a 10800 s timeout", s -> s.getSpec().setSessionAffinity("ClientIP"),
                        ServiceDefaultsTest::timeout, 10800),
                c("a config without a timeout gets 10800 s", s -> clientIpTimeout(s, null),
                        ServiceDefaultsTest::timeout, 10800),
                c("a ClientIP timeout is kept", s -> clientIpTimeout(s, 600), ServiceDefaultsTest::timeout, 600),
                c("protocol is TCP", AS_IS, s -> port(s, 0).getProtocol(), "TCP"),
                c("a protocol is kept", s -> port(s, 0).setProtocol("UDP"), s -> port(s, 0).getProtocol(), "UDP"),
                c("an unset targetPort is the port", s -> port(s, 0).setTargetPort(null),
                        ServiceDefaultsTest::targetPort, 80),
                c("targetPort 0 is the port", s -> port(s, 0).setTargetPort(new IntOrString(0)),
                        ServiceDefaultsTest::targetPort, 80),
                c("an empty targetPort name is the port", s -> port(s, 0).setTargetPort(new IntOrString("")),
                        ServiceDefaultsTest::targetPort, 80),
                c("a targetPort name is kept", s -> port(s, 0).setTargetPort(new IntOrString("web")),
                        ServiceDefaultsTest::targetPort, "web"),
                c("no externalTrafficPolicy for ClusterIP", AS_IS, s -> s.getSpec().getExternalTrafficPolicy(), null),
                c("externalTrafficPolicy Cluster for NodePort", s -> type(s, "NodePort"),
                        s -> s.getSpec().getExternalTrafficPolicy(), "Cluster"),
                c("externalTrafficPolicy Cluster for ClusterIP with externalIPs",
                        s -> s.getSpec().setExternalIPs(new ArrayList<>(List.of("192.0.2.10"))),
                        s -> s.getSpec().getExternalTrafficPolicy(), "Cluster"),
                c("an externalTrafficPolicy is kept", s -> {
                    type(s, "LoadBalancer");
                    s.getSpec().setExternalTrafficPolicy("Local");
                }, s -> s.getSpec().getExternalTrafficPolicy(), "Local"),
                c("internalTrafficPolicy Cluster for ClusterIP", AS_IS, s -> s.getSpec().getInternalTrafficPolicy(), "Cluster"),
                c("internalTrafficPolicy Cluster for LoadBalancer", s -> type(s, "LoadBalancer"),
                        s -> s.getSpec().getInternalTrafficPolicy(), "Cluster"),
                c("no internalTrafficPolicy for ExternalName", s -> type(s, "ExternalName"),
                        s -> s.getSpec().getInternalTrafficPolicy(), null),
                c("an internalTrafficPolicy is kept", s -> s.getSpec().setInternalTrafficPolicy("Local"),
                        s -> s.getSpec().getInternalTrafficPolicy(), "Local"),
                c("allocateLoadBalancerNodePorts true for LoadBalancer", s -> type(s, "LoadBalancer"),
                        s -> s.getSpec().getAllocateLoadBalancerNodePorts(), true),
                c("allocateLoadBalancerNodePorts false is kept", s -> {
                    type(s, "LoadBalancer");
                    s.getSpec().setAllocateLoadBalancerNodePorts(false);
                }, s -> s.getSpec().getAllocateLoadBalancerNodePorts(), false),
                c("no allocateLoadBalancerNodePorts for NodePort", s -> type(s, "NodePort"),
                        s -> s.getSpec().getAllocateLoadBalancerNodePorts(), null),
                c("a load-balancer ingress IP gets ipMode VIP", s -> lbStatus(s, ingress("192.0.2.1", null, null)),
                        s -> ipMode(s, 0), "VIP"),
                c("a load-balancer ingress hostname gets no ipMode", s -> lbStatus(s, ingress(null, "lb.example.com", null)),
                        s -> ipMode(s, 0), null),
                c("an ipMode is kept", s -> lbStatus(s, ingress("192.0.2.1", null, "Proxy")), s -> ipMode(s, 0), "Proxy"),
                c("clusterIPs follows a lone clusterIP", s -> s.getSpec().setClusterIP("10.96.0.10"),
                        s -> s.getSpec().getClusterIPs(), List.of("10.96.0.10")),
                c("clusterIPs given with clusterIP are kept", s -> clusterIPs(s, "10.96.0.10", "10.96.0.10", "fd00::10"),
                        s -> s.getSpec().getClusterIPs(), List.of("10.96.0.10", "fd00::10")),
                c("ipFamilyPolicy is SingleStack", AS_IS, s -> s.getSpec().getIpFamilyPolicy(), "SingleStack"),
                c("ipFamilyPolicy SingleStack for headless with a selector", s -> s.getSpec().setClusterIP("None"),
                        s -> s.getSpec().getIpFamilyPolicy(), "SingleStack"),
                c("ipFamilyPolicy RequireDualStack for headless without a selector", s -> {
                    s.getSpec().setClusterIP("None");
                    s.getSpec().setSelector(null);
                }, s -> s.getSpec().getIpFamilyPolicy(), "RequireDualStack"),
                c("no ipFamilyPolicy for ExternalName", s -> type(s, "ExternalName"),
                        s -> s.getSpec().getIpFamilyPolicy(), null),
                c("an ipFamilyPolicy is kept", s -> s.getSpec().setIpFamilyPolicy("PreferDualStack"),
                        s -> s.getSpec().getIpFamilyPolicy(), "PreferDualStack"),
                c("ipFamilies are left to the allocator", AS_IS, s -> s.getSpec().getIpFamilies(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void defaults(Case c) {
        Service defaulted = ServiceDefaults.apply(manifest(c.manifest()));
        assertThat(c.read().apply(defaulted)).isEqualTo(c.expected());
    }

    @Test
    void neverMutatesItsInput() {
        Service svc = manifest(s -> {
            s.getSpec().setSessionAffinity("ClientIP");
            port(s, 0).setTargetPort(null);
            s.getSpec().setClusterIP("10.96.0.10");
        });
        String before = Serialization.asYaml(svc);
        ServiceDefaults.apply(svc);
        assertThat(Serialization.asYaml(svc)).isEqualTo(before);
    }

    @Test
    void isIdempotent() {
        Service once = ServiceDefaults.apply(manifest(s -> type(s, "LoadBalancer")));
        assertThat(ServiceDefaults.apply(once)).isEqualTo(once);
    }

    @Test
    void completesAServiceWithoutMetadataOrSpec() {
        Service defaulted = ServiceDefaults.apply(new ServiceBuilder().build());
        assertThat(defaulted.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(defaulted.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(ServiceValidation.validate(defaulted)).extracting(e -> e.message())
                .containsExactly("metadata.name: Required value: name or generateName is required",
                        "spec.ports: Required value");
    }

    @Test
    void defaultsTheBaseManifestToAValidService() {
        assertThat(ServiceValidation.validate(ServiceDefaults.apply(manifest()))).isEmpty();
    }
}
