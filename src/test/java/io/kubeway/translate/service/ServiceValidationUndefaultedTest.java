package io.kubeway.translate.service;

import static io.kubeway.translate.service.TestServices.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.kubeway.core.FieldError;

/**
 * The "Required" rules, which defaulting always satisfies: each case takes a defaulted Service and
 * undoes one default, to show what validation says about a Service that skipped {@link ServiceDefaults}.
 */
class ServiceValidationUndefaultedTest {
    record Case(String name, Consumer<Service> manifest, Consumer<Service> afterDefaults, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case undo(String name, Consumer<Service> manifest, Consumer<Service> afterDefaults, String... expected) {
        return new Case(name, manifest, afterDefaults, List.of(expected));
    }

    static Stream<Case> cases() {
        Consumer<Service> asIs = s -> { };
        return Stream.of(
                undo("no type", asIs, s -> type(s, null), "spec.type: Required value"),
                undo("no namespace", asIs, s -> s.getMetadata().setNamespace(null), "metadata.namespace: Required value"),
                undo("no protocol", asIs, s -> port(s, 0).setProtocol(null), "spec.ports[0].protocol: Required value"),
                undo("no targetPort", asIs, s -> port(s, 0).setTargetPort(null),
                        "spec.ports[0].targetPort: Invalid value: 0: " + PORT_RANGE),
                undo("no session affinity", asIs, s -> s.getSpec().setSessionAffinity(null),
                        "spec.sessionAffinity: Required value"),
                undo("a sessionAffinityConfig with None", asIs,
                        s -> s.getSpec().setSessionAffinityConfig(new SessionAffinityConfig(new ClientIPConfig(60))),
                        "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"),
                undo("ClientIP without sessionAffinityConfig", s -> s.getSpec().setSessionAffinity("ClientIP"),
                        s -> s.getSpec().setSessionAffinityConfig(null),
                        "spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP"),
                undo("ClientIP without clientIP", s -> s.getSpec().setSessionAffinity("ClientIP"),
                        s -> s.getSpec().setSessionAffinityConfig(new SessionAffinityConfig()),
                        "spec.sessionAffinityConfig.clientIP: Required value: when session affinity type is ClientIP"),
                undo("ClientIP without a timeout", s -> s.getSpec().setSessionAffinity("ClientIP"),
                        s -> s.getSpec().setSessionAffinityConfig(new SessionAffinityConfig(new ClientIPConfig())),
                        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Required value: when session affinity"
                                + " type is ClientIP"),
                undo("a NodePort without externalTrafficPolicy", s -> type(s, "NodePort"),
                        s -> s.getSpec().setExternalTrafficPolicy(null), "spec.externalTrafficPolicy: Required value"),
                undo("no internalTrafficPolicy", asIs, s -> s.getSpec().setInternalTrafficPolicy(null),
                        "spec.internalTrafficPolicy: Required value"),
                // Upstream's path for this one has no "spec." in front.
                undo("a LoadBalancer without allocateLoadBalancerNodePorts", s -> type(s, "LoadBalancer"),
                        s -> s.getSpec().setAllocateLoadBalancerNodePorts(null), "allocateLoadBalancerNodePorts: Required value"),
                undo("clusterIP without clusterIPs", s -> s.getSpec().setClusterIP("10.96.0.10"),
                        s -> s.getSpec().getClusterIPs().clear(), "spec.clusterIPs: Required value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsWhatDefaultingWouldHaveSet(Case c) {
        Service svc = ServiceDefaults.apply(manifest(c.manifest()));
        c.afterDefaults().accept(svc);
        List<FieldError> errors = ServiceValidation.validate(svc);
        assertThat(errors).extracting(FieldError::message).containsExactlyElementsOf(c.expected());
    }
}
