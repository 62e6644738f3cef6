package io.kubeway.translate.service;

import static io.kubeway.translate.service.TestServices.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.core.FieldError;

/**
 * Update validation: the new manifest (defaulted, not allocated) against the last accepted version
 * (defaulted and allocated, see {@link TestServices#allocated}).
 */
class ServiceUpdateValidationTest {
    record Case(String name, Consumer<Service> oldManifest, Consumer<Service> newManifest, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, Consumer<Service> oldManifest, Consumer<Service> newManifest) {
        return new Case(name, oldManifest, newManifest, List.of());
    }

    static Case bad(String name, Consumer<Service> oldManifest, Consumer<Service> newManifest, String... expected) {
        return new Case(name, oldManifest, newManifest, List.of(expected));
    }

    static final Consumer<Service> AS_IS = s -> { };

    static void lbLocal(Service s) {
        type(s, "LoadBalancer");
        s.getSpec().setExternalTrafficPolicy("Local");
    }

    static void lbClass(Service s, String lbClass) {
        type(s, "LoadBalancer");
        s.getSpec().setLoadBalancerClass(lbClass);
    }

    static void dualStack(Service s, String policy) {
        clusterIPs(s, "10.96.0.10", "10.96.0.10", "fd00::10");
        s.getSpec().setIpFamilyPolicy(policy);
        s.getSpec().setIpFamilies(new ArrayList<>(List.of("IPv4", "IPv6")));
    }

    static Stream<Case> cases() {
        return Stream.of(
                ok("the same manifest again keeps the allocated clusterIP", AS_IS, AS_IS),
                ok("the same NodePort manifest again keeps the nodePorts", s -> type(s, "NodePort"), s -> type(s, "NodePort")),
                ok("the same Local LoadBalancer again keeps the healthCheckNodePort",
                        ServiceUpdateValidationTest::lbLocal, ServiceUpdateValidationTest::lbLocal),
                ok("the allocated clusterIP written out", AS_IS, s -> s.getSpec().setClusterIP("10.96.0.10")),
                bad("a different clusterIP", AS_IS, s -> s.getSpec().setClusterIP("10.96.0.99"),
                        "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set"),
                bad("a ClusterIP Service turned headless", AS_IS, s -> s.getSpec().setClusterIP("None"),
                        "spec.clusterIPs[0]: Invalid value: []string{\"None\"}: may not change once set"),
                ok("to ExternalName, which releases the clusterIP", AS_IS, s -> {
                    type(s, "ExternalName");
                    s.getSpec().setExternalName("db.example.com");
                }),
                ok("from ExternalName to ClusterIP", s -> {
                    type(s, "ExternalName");
                    s.getSpec().setExternalName("db.example.com");
                }, AS_IS),
                ok("from LoadBalancer to ClusterIP, with the old fields still in the manifest", s -> {
                    lbClass(s, "example.com/lb");
                    port(s, 0).setNodePort(30080);
                    s.getSpec().setExternalTrafficPolicy("Cluster");
                    s.getSpec().setAllocateLoadBalancerNodePorts(true);
                }, s -> {
                    s.getSpec().setLoadBalancerClass("example.com/lb");
                    port(s, 0).setNodePort(30080);
                    s.getSpec().setExternalTrafficPolicy("Cluster");
                    s.getSpec().setAllocateLoadBalancerNodePorts(true);
                }),
                bad("from NodePort to ClusterIP with a new nodePort", s -> type(s, "NodePort"),
                        s -> port(s, 0).setNodePort(31000),
                        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
                bad("a changed loadBalancerClass", s -> lbClass(s, "example.com/a"), s -> lbClass(s, "example.com/b"),
                        "spec.loadBalancerClass: Invalid value: \"example.com/b\": may not change once set"),
                bad("a loadBalancerClass added to a LoadBalancer", s -> type(s, "LoadBalancer"),
                        s -> lbClass(s, "example.com/b"),
                        "spec.loadBalancerClass: Invalid value: \"example.com/b\": may not change once set"),
                bad("a loadBalancerClass removed from a LoadBalancer", s -> lbClass(s, "example.com/a"),
                        s -> type(s, "LoadBalancer"),
                        "spec.loadBalancerClass: Invalid value: null: may not change once set"),
                bad("a changed and invalid loadBalancerClass", s -> lbClass(s, "example.com/a"),
                        s -> lbClass(s, "example.com/"),
                        "spec.loadBalancerClass: Invalid value: \"example.com/\": may not change once set",
                        "spec.loadBalancerClass: Invalid value: \"example.com/\": name part must be non-empty",
                        "spec.loadBalancerClass: Invalid value: \"example.com/\": " + QUALIFIED_NAME_PART),
                bad("a changed healthCheckNodePort", ServiceUpdateValidationTest::lbLocal, s -> {
                    lbLocal(s);
                    s.getSpec().setHealthCheckNodePort(31000);
                }, "spec.healthCheckNodePort: Forbidden: field is immutable"),
                ok("a healthCheckNodePort for a Service turning Local", s -> type(s, "LoadBalancer"), s -> {
                    lbLocal(s);
                    s.getSpec().setHealthCheckNodePort(31000);
                }),
                bad("a new name", AS_IS, s -> s.getMetadata().setName("web2"),
                        "metadata.name: Invalid value: \"web2\": field is immutable"),
                bad("a new namespace", AS_IS, s -> s.getMetadata().setNamespace("other"),
                        "metadata.namespace: Invalid value: \"other\": field is immutable"),
                bad("errors of the new version come too", AS_IS, s -> port(s, 0).setPort(0),
                        "spec.ports[0].port: Invalid value: 0: " + PORT_RANGE),
                bad("labels first, as ValidateObjectMetaUpdate checks them before the spec", AS_IS, s -> {
                    s.getSpec().setClusterIP("10.96.0.99");
                    s.getMetadata().getLabels().put("tier", "front end");
                }, "metadata.labels: Invalid value: \"front end\": " + LABEL_VALUE,
                        "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set"),
                ok("dropping the secondary clusterIP with SingleStack", s -> dualStack(s, "RequireDualStack"), s -> {
                    clusterIPs(s, "10.96.0.10", "10.96.0.10");
                    s.getSpec().setIpFamilyPolicy("SingleStack");
                }),
                bad("dropping the secondary clusterIP without SingleStack", s -> dualStack(s, "RequireDualStack"), s -> {
                    clusterIPs(s, "10.96.0.10", "10.96.0.10");
                    s.getSpec().setIpFamilyPolicy("RequireDualStack");
                }, "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be 'SingleStack' to release the"
                        + " secondary cluster IP"),
                ok("adding a secondary clusterIP", AS_IS, s -> dualStack(s, "PreferDualStack")),
                bad("changing the primary IP family", AS_IS, s -> s.getSpec().setIpFamilies(new ArrayList<>(List.of("IPv6"))),
                        "spec.clusterIPs[0]: Invalid value: \"10.96.0.10\": expected an IPv6 value as indicated by"
                                + " `ipFamilies[0]`"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validatesTheUpdate(Case c) {
        Service old = allocated(manifest(c.oldManifest()));
        Service updated = ServiceDefaults.apply(manifest(c.newManifest()));
        List<FieldError> errors = ServiceValidation.validateUpdate(updated, old);
        assertThat(errors).extracting(FieldError::message).containsExactlyElementsOf(c.expected());
    }

    @Test
    void doesNotModifyItsArguments() {
        Service old = allocated(manifest(s -> type(s, "NodePort")));
        Service updated = ServiceDefaults.apply(manifest(s -> type(s, "NodePort")));
        Service oldCopy = allocated(manifest(s -> type(s, "NodePort")));
        Service updatedCopy = ServiceDefaults.apply(manifest(s -> type(s, "NodePort")));
        ServiceValidation.validateUpdate(updated, old);
        assertThat(old).isEqualTo(oldCopy);
        assertThat(updated).isEqualTo(updatedCopy);
    }
}
