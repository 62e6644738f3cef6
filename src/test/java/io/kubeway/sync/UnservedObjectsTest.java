package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.SourcedObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every object Kubeway reads and does not act on gets one warning saying why; what it serves stays quiet. */
class UnservedObjectsTest {
    private static final String WORKLOAD = "NotServed: Kubeway does not run workloads: give the Service Pods with "
            + "status.podIP, or an EndpointSlice";
    private static final String NO_ADDRESS = "NoAddress: no address, so no endpoint: Kubeway does not run Pods; set "
            + "status.podIP (or status.podIPs) to where the backend listens";

    record Case(String apiVersion, String kind, String extra, String expected) {
        @Override
        public String toString() {
            return apiVersion + " " + kind + (extra.isEmpty() ? "" : " " + extra.strip());
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("v1", "Service", "", ""),
                new Case("v1", "Endpoints", "", ""),
                new Case("v1", "Node", "", ""),
                new Case("v1", "Secret", "", ""),
                new Case("v1", "Namespace", "", ""),
                new Case("discovery.k8s.io/v1", "EndpointSlice", "", ""),
                new Case("networking.k8s.io/v1", "Ingress", "", ""),
                new Case("networking.k8s.io/v1", "IngressClass", "", ""),
                new Case("metallb.io/v1beta1", "IPAddressPool", "", ""),
                new Case("v1", "Pod", "status: {podIP: 10.0.0.1}", ""),
                new Case("v1", "Pod", "status: {podIPs: [{ip: 'fd00::1'}]}", ""),
                new Case("v1", "Pod", "", NO_ADDRESS),
                new Case("v1", "Pod", "status: {phase: Pending}", NO_ADDRESS),
                new Case("v1", "Pod", "status: {podIP: not-an-ip}", NO_ADDRESS),
                new Case("apps/v1", "Deployment", "", WORKLOAD),
                new Case("apps/v1", "ReplicaSet", "", WORKLOAD),
                new Case("apps/v1", "StatefulSet", "", WORKLOAD),
                new Case("apps/v1", "DaemonSet", "", WORKLOAD),
                new Case("v1", "ReplicationController", "", WORKLOAD),
                new Case("batch/v1", "Job", "", WORKLOAD),
                new Case("batch/v1", "CronJob", "", WORKLOAD),
                new Case("networking.k8s.io/v1", "NetworkPolicy", "", "NotServed: NetworkPolicy is not enforced: "
                        + "Kubeway does not filter traffic to endpoints; every client that reaches a Service reaches "
                        + "its backends"),
                new Case("v1", "ConfigMap", "", "NotServed: Kubeway reads only the controller ConfigMap named by --configmap "
                        + "(ingress-nginx's settings, see docs/annotations.md); this one is not read"),
                new Case("gateway.networking.k8s.io/v1", "HTTPRoute", "", "NotServed: the Gateway API is not "
                        + "supported yet; use networking.k8s.io/v1 Ingress"),
                new Case("gateway.networking.k8s.io/v1", "Gateway", "", "NotServed: the Gateway API is not "
                        + "supported yet; use networking.k8s.io/v1 Ingress"),
                new Case("metallb.io/v1beta1", "L2Advertisement", "", "NotServed: Kubeway reads only MetalLB's "
                        + "metallb.io/v1beta1 IPAddressPool; LoadBalancer IPs are bound on this machine, not "
                        + "announced by ARP or BGP, so L2Advertisement has no effect"),
                new Case("networking.k8s.io/v1beta1", "Ingress", "", "NotServed: apiVersion networking.k8s.io/v1beta1 "
                        + "of Ingress is not served; Kubeway reads Ingress as networking.k8s.io/v1"),
                new Case("extensions/v1beta1", "Ingress", "", "NotServed: apiVersion extensions/v1beta1 of Ingress "
                        + "is not served; Kubeway reads Ingress as networking.k8s.io/v1"),
                new Case("discovery.k8s.io/v1beta1", "EndpointSlice", "", "NotServed: apiVersion "
                        + "discovery.k8s.io/v1beta1 of EndpointSlice is not served; Kubeway reads EndpointSlice as "
                        + "discovery.k8s.io/v1"),
                new Case("v2", "Service", "", "NotServed: apiVersion v2 of Service is not served; Kubeway reads "
                        + "Service as v1"),
                new Case("metallb.io/v1beta2", "IPAddressPool", "", "NotServed: apiVersion metallb.io/v1beta2 of "
                        + "IPAddressPool is not served; Kubeway reads IPAddressPool as metallb.io/v1beta1"),
                new Case("v1", "ServiceAccount", "", "NotServed: kind ServiceAccount (apiVersion v1) is not served "
                        + "by Kubeway; ignored"),
                new Case("example.com/v1", "Widget", "", "NotServed: kind Widget (apiVersion example.com/v1) is not "
                        + "served by Kubeway; ignored"));
    }

    private static HasMetadata parse(Case c) {
        String yaml = "apiVersion: " + c.apiVersion + "\nkind: " + c.kind + "\nmetadata: {name: x, namespace: ns}\n"
                + c.extra + "\n";
        return Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reason(Case c) {
        HasMetadata o = parse(c);
        List<Problem> problems = new UnservedObjects().of(new ClusterSnapshot(List.of(new SourcedObject(o,
                "/m/x.yaml")), List.of()));
        assertThat(problems).extracting(p -> p.reason() + ": " + p.message())
                .containsExactlyElementsOf(c.expected.isEmpty() ? List.of() : List.of(c.expected));
        assertThat(problems).allSatisfy(p -> {
            assertThat(p.warning()).isTrue();
            assertThat(p.object().toString()).isEqualTo(c.kind + " ns/x");
            assertThat(p.source()).isEqualTo("/m/x.yaml");
        });
    }

    @Test
    void oneProblemPerObjectAndTheSameSnapshotIsNotWalkedAgain() {
        UnservedObjects u = new UnservedObjects();
        ClusterSnapshot snap = new ClusterSnapshot(List.of(
                new SourcedObject(parse(new Case("apps/v1", "Deployment", "", "")), "a.yaml"),
                new SourcedObject(parse(new Case("v1", "Pod", "", "")), "b.yaml")), List.of());
        List<Problem> first = u.of(snap);
        assertThat(first).hasSize(2);
        assertThat(u.of(snap)).isSameAs(first);
    }
}
