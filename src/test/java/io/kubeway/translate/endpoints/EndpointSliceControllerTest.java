package io.kubeway.translate.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.kubeway.translate.endpoints.Fixtures.pod;
import static io.kubeway.translate.endpoints.Fixtures.ready;
import static io.kubeway.translate.endpoints.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointSliceControllerTest {
    private static final String DELETED = "2026-01-01T00:00:00Z";

    /** The conditions an endpoint gets, or null for "left out". */
    record Conditions(boolean ready, boolean serving, boolean terminating) {
    }

    record PodCase(String name, UnaryOperator<PodBuilder> pod, boolean publishNotReady, Conditions expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<PodCase> podCases() {
        return Stream.of(
                new PodCase("ready pod", b -> ready(b, "True"), false, new Conditions(true, true, false)),
                new PodCase("not ready pod", b -> ready(b, "False"), false, new Conditions(false, false, false)),
                new PodCase("no conditions at all counts as ready (standalone)", b -> b, false,
                        new Conditions(true, true, false)),
                new PodCase("conditions without Ready: not ready", b -> b.editStatus().addNewCondition()
                        .withType("PodScheduled").withStatus("True").endCondition().endStatus(), false,
                        new Conditions(false, false, false)),
                new PodCase("terminating ready pod: serving, not ready",
                        b -> ready(b, "True").editMetadata().withDeletionTimestamp(DELETED).endMetadata(), false,
                        new Conditions(false, true, true)),
                new PodCase("terminating not-ready pod",
                        b -> ready(b, "False").editMetadata().withDeletionTimestamp(DELETED).endMetadata(), false,
                        new Conditions(false, false, true)),
                new PodCase("publishNotReadyAddresses makes a not-ready pod ready", b -> ready(b, "False"), true,
                        new Conditions(true, false, false)),
                new PodCase("publishNotReadyAddresses makes even a terminating pod ready",
                        b -> ready(b, "True").editMetadata().withDeletionTimestamp(DELETED).endMetadata(), true,
                        new Conditions(true, true, true)),
                new PodCase("no IP: left out", b -> b.editStatus().withPodIP(null).endStatus(), false, null),
                new PodCase("Failed: left out", b -> b.editStatus().withPhase("Failed").endStatus(), false, null),
                new PodCase("Succeeded: left out", b -> b.editStatus().withPhase("Succeeded").endStatus(), false, null),
                new PodCase("only podIPs set", b -> b.editStatus().withPodIP(null).addNewPodIP("10.0.0.1")
                        .endStatus(), false, new Conditions(true, true, false)));
    }

    @ParameterizedTest
    @MethodSource("podCases")
    void podStateToConditions(PodCase c) {
        Service svc = service("ns1", "web", "web", 8080, b -> b.editSpec()
                .withPublishNotReadyAddresses(c.publishNotReady).endSpec());
        Pod p = pod("ns1", "p1", "10.0.0.1", "web", c.pod);

        List<EndpointSlice> slices = EndpointSliceController.slicesFor(svc, List.of(p), "node-a");

        assertThat(slices).hasSize(1);
        List<Endpoint> eps = slices.get(0).getEndpoints();
        if (c.expected == null) {
            assertThat(eps).isEmpty();
            assertThat(slices.get(0).getPorts()).isEmpty(); // the placeholder slice
            return;
        }
        assertThat(eps).hasSize(1);
        EndpointConditions got = eps.get(0).getConditions();
        assertThat(new Conditions(got.getReady(), got.getServing(), got.getTerminating())).isEqualTo(c.expected);
        assertThat(eps.get(0).getAddresses()).containsExactly("10.0.0.1");
        assertThat(eps.get(0).getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(eps.get(0).getTargetRef().getName()).isEqualTo("p1");
        assertThat(eps.get(0).getTargetRef().getNamespace()).isEqualTo("ns1");
        assertThat(eps.get(0).getTargetRef().getUid()).isEqualTo("uid-p1");
        assertThat(eps.get(0).getNodeName()).isEqualTo("node-a");
    }

    @Test
    void sliceShapeLabelsOwnerAndPorts() {
        Service svc = service("ns1", "web", "web", "http", b -> b.editMetadata()
                .withLabels(Map.of("team", "blue", EndpointSliceLabels.MANAGED_BY, "someone-else")).endMetadata()
                .editSpec().editFirstPort().withAppProtocol("kubernetes.io/h2c").endPort().endSpec());
        Pod p = pod("ns1", "p1", "10.0.0.1", "web", b -> b.editSpec().withNodeName("node-b").endSpec());

        List<EndpointSlice> slices = EndpointSliceController.slicesFor(svc, List.of(p), "node-a");

        assertThat(slices).hasSize(1);
        EndpointSlice s = slices.get(0);
        assertThat(s.getApiVersion()).isEqualTo("discovery.k8s.io/v1");
        assertThat(s.getKind()).isEqualTo("EndpointSlice");
        assertThat(s.getMetadata().getNamespace()).isEqualTo("ns1");
        assertThat(s.getMetadata().getName()).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(s.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "team", "blue",
                EndpointSliceLabels.SERVICE_NAME, "web",
                EndpointSliceLabels.MANAGED_BY, EndpointSliceLabels.KUBEWAY_CONTROLLER));
        assertThat(s.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getApiVersion()).isEqualTo("v1");
            assertThat(o.getKind()).isEqualTo("Service");
            assertThat(o.getName()).isEqualTo("web");
            assertThat(o.getUid()).isEqualTo("svc-uid-web");
            assertThat(o.getController()).isTrue();
        });
        assertThat(s.getAddressType()).isEqualTo("IPv4");
        assertThat(s.getPorts()).singleElement().satisfies(pt -> {
            assertThat(pt.getName()).isEqualTo("http");
            assertThat(pt.getPort()).isEqualTo(8080); // the container port named "http"
            assertThat(pt.getProtocol()).isEqualTo("TCP");
            assertThat(pt.getAppProtocol()).isEqualTo("kubernetes.io/h2c");
        });
        assertThat(s.getEndpoints().get(0).getNodeName()).isEqualTo("node-b"); // spec.nodeName wins
    }

    @Test
    void unnamedPortIsWrittenAsEmptyName() {
        Service svc = service("ns1", "web", "web", 9090, b -> b.editSpec().editFirstPort().withName(null)
                .withProtocol(null).endPort().endSpec());
        EndpointPort pt = EndpointSliceController.slicesFor(svc, List.of(pod("ns1", "p1", "10.0.0.1", "web")), null)
                .get(0).getPorts().get(0);
        assertThat(pt.getName()).isEmpty();
        assertThat(pt.getProtocol()).isEqualTo("TCP");
        assertThat(pt.getPort()).isEqualTo(9090);
    }

    @Test
    void namedTargetPortResolvingDifferentlyGivesOneSlicePerMapping() {
        Service svc = service("ns1", "web", "web", "http");
        Pod a = pod("ns1", "a", "10.0.0.1", "web");                       // http -> 8080
        Pod b = pod("ns1", "b", "10.0.0.2", "web", x -> x.editSpec().editFirstContainer().editFirstPort()
                .withContainerPort(9090).endPort().endContainer().endSpec()); // http -> 9090
        Pod c = pod("ns1", "c", "10.0.0.3", "web");                       // http -> 8080

        List<EndpointSlice> slices = EndpointSliceController.slicesFor(svc, List.of(a, b, c), null);

        assertThat(slices).hasSize(2);
        assertThat(portToAddresses(slices)).containsExactlyInAnyOrderEntriesOf(Map.of(
                8080, List.of("10.0.0.1", "10.0.0.3"),
                9090, List.of("10.0.0.2")));
        assertThat(slices.get(0).getMetadata().getName()).isNotEqualTo(slices.get(1).getMetadata().getName());
    }

    @Test
    void podLackingTheNamedPortKeepsItsEndpointWithoutThatPort() {
        // FindPort fails for "metrics" on pod b only: getEndpointPorts drops the port for that pod, the pod stays.
        Service svc = service("ns1", "web", "web", "http", s -> s.editSpec().addNewPort().withName("metrics")
                .withPort(9100).withProtocol("TCP").withNewTargetPort("metrics").endPort().endSpec());
        Pod a = pod("ns1", "a", "10.0.0.1", "web", x -> x.editSpec().editFirstContainer().addNewPort()
                .withName("metrics").withContainerPort(9100).endPort().endContainer().endSpec());
        Pod b = pod("ns1", "b", "10.0.0.2", "web");

        List<EndpointSlice> slices = EndpointSliceController.slicesFor(svc, List.of(a, b), null);

        assertThat(slices).hasSize(2);
        EndpointSlice both = slices.stream().filter(s -> s.getPorts().size() == 2).findFirst().orElseThrow();
        EndpointSlice httpOnly = slices.stream().filter(s -> s.getPorts().size() == 1).findFirst().orElseThrow();
        assertThat(both.getEndpoints()).extracting(e -> e.getAddresses().get(0)).containsExactly("10.0.0.1");
        assertThat(httpOnly.getPorts().get(0).getName()).isEqualTo("http");
        assertThat(httpOnly.getEndpoints()).extracting(e -> e.getAddresses().get(0)).containsExactly("10.0.0.2");
    }

    @Test
    void namedPortMustMatchProtocolAndSidecarPortsCount() {
        Service svc = service("ns1", "dns", "dns", "dns", s -> s.editSpec().editFirstPort().withName("dns")
                .withProtocol("UDP").withPort(53).endPort().endSpec());
        Pod tcpOnly = pod("ns1", "a", "10.0.0.1", "dns", x -> x.editSpec().editFirstContainer().editFirstPort()
                .withName("dns").withContainerPort(5353).withProtocol("TCP").endPort().endContainer().endSpec());
        Pod sidecar = pod("ns1", "b", "10.0.0.2", "dns", x -> x.editSpec().addNewInitContainer().withName("side")
                .withRestartPolicy("Always").addNewPort().withName("dns").withContainerPort(1053)
                .withProtocol("UDP").endPort().endInitContainer().endSpec());

        Map<Integer, List<String>> got = portToAddresses(EndpointSliceController.slicesFor(svc,
                List.of(tcpOnly, sidecar), null));

        assertThat(got).containsExactlyInAnyOrderEntriesOf(Map.of(1053, List.of("10.0.0.2"), -1, List.of("10.0.0.1")));
    }

    @Test
    void moreThanHundredEndpointsAreSplitAndNamesAreStable() {
        Service svc = service("ns1", "web", "web", 8080);
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 250; i++) pods.add(pod("ns1", "p" + i, "10.0." + (i / 200) + "." + (i % 200), "web"));

        List<EndpointSlice> first = EndpointSliceController.slicesFor(svc, pods, null);
        Collections.reverse(pods);
        List<EndpointSlice> again = EndpointSliceController.slicesFor(svc, pods, null);

        assertThat(first).extracting(s -> s.getEndpoints().size()).containsExactly(100, 100, 50);
        assertThat(first).extracting(s -> s.getMetadata().getName()).doesNotHaveDuplicates();
        // Same input in another order: same slices, same names, same contents (sorted numerically by address).
        assertThat(again).isEqualTo(first);
        assertThat(first.get(0).getEndpoints().get(0).getAddresses()).containsExactly("10.0.0.0");
        assertThat(first.get(0).getEndpoints().get(2).getAddresses()).containsExactly("10.0.0.2");
        assertThat(first.get(2).getEndpoints().get(49).getAddresses()).containsExactly("10.0.1.49");
    }

    @Test
    void noMatchingPodsGivesOnePlaceholderSlice() {
        List<EndpointSlice> slices = EndpointSliceController.slicesFor(service("ns1", "web", "web", 8080),
                List.of(), null);
        assertThat(slices).singleElement().satisfies(s -> {
            assertThat(s.getEndpoints()).isEmpty();
            assertThat(s.getPorts()).isEmpty();
            assertThat(s.getAddressType()).isEqualTo("IPv4");
            assertThat(s.getMetadata().getLabels()).containsEntry(EndpointSliceLabels.SERVICE_NAME, "web");
        });
    }

    @Test
    void noSlicesWithoutSelectorOrForExternalName() {
        Pod p = pod("ns1", "p1", "10.0.0.1", "web");
        assertThat(EndpointSliceController.slicesFor(service("ns1", "web", "web", 80,
                b -> b.editSpec().withSelector(Map.of()).endSpec()), List.of(p), null)).isEmpty();
        assertThat(EndpointSliceController.slicesFor(service("ns1", "web", "web", 80,
                b -> b.editSpec().withType("ExternalName").withExternalName("x.example.com").endSpec()),
                List.of(p), null)).isEmpty();
    }

    @Test
    void podsOfOtherNamespacesAreIgnored() {
        List<EndpointSlice> slices = EndpointSliceController.slicesFor(service("ns1", "web", "web", 8080),
                List.of(pod("ns2", "p1", "10.0.0.1", "web")), null);
        assertThat(slices).singleElement().satisfies(s -> assertThat(s.getEndpoints()).isEmpty());
    }

    @Test
    void dualStackGivesOneSliceFamilyPerIpFamily() {
        Service svc = service("ns1", "web", "web", 8080, b -> b.editSpec().withIpFamilies("IPv6", "IPv4")
                .withClusterIP("fd00::10").endSpec());
        Pod dual = pod("ns1", "p1", "10.0.0.1", "web", b -> b.editStatus().addNewPodIP("10.0.0.1")
                .addNewPodIP("FD00:0:0:0:0:0:0:0001").endStatus());
        Pod v4only = pod("ns1", "p2", "10.0.0.2", "web");

        List<EndpointSlice> slices = EndpointSliceController.slicesFor(svc, List.of(dual, v4only), null);

        assertThat(slices).extracting(EndpointSlice::getAddressType).containsExactly("IPv6", "IPv4");
        assertThat(slices.get(0).getEndpoints()).extracting(e -> e.getAddresses().get(0)).containsExactly("fd00::1");
        assertThat(slices.get(1).getEndpoints()).extracting(e -> e.getAddresses().get(0))
                .containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void headlessServiceLabelAndHostname() {
        Service svc = service("ns1", "db", "db", 5432, b -> b.editSpec().withClusterIP("None").endSpec());
        Pod p = pod("ns1", "db-0", "10.0.0.5", "db", b -> b.editSpec().withHostname("db-0").withSubdomain("db")
                .endSpec());

        EndpointSlice s = EndpointSliceController.slicesFor(svc, List.of(p), null).get(0);

        assertThat(s.getMetadata().getLabels()).containsEntry(EndpointSliceLabels.HEADLESS, "");
        assertThat(s.getEndpoints().get(0).getHostname()).isEqualTo("db-0");
        assertThat(s.getEndpoints().get(0).getNodeName()).isNull(); // no spec.nodeName and no default
    }

    @Test
    void managedSlicesFeedEndpointSelection() {
        Service svc = service("ns1", "web", "web", "http");
        Pod up = pod("ns1", "up", "10.0.0.2", "web", b -> ready(b, "True"));
        Pod down = pod("ns1", "down", "10.0.0.1", "web", b -> ready(b, "False"));
        Pod going = pod("ns1", "going", "10.0.0.3", "web",
                b -> ready(b, "True").editMetadata().withDeletionTimestamp(DELETED).endMetadata());

        List<EndpointSlice> slices = EndpointSliceController.slicesFor(svc, List.of(up, down, going), "node-a");

        assertThat(EndpointSelection.usable(slices, "http", io.kubeway.core.Protocol.TCP, true, "node-a"))
                .extracting(e -> e + " " + e.target()).containsExactly("10.0.0.2:8080 ns1/up");
        assertThat(EndpointSelection.usable(slices, "http", io.kubeway.core.Protocol.TCP, true, "node-b")).isEmpty();
        List<EndpointSlice> onlyGoing = EndpointSliceController.slicesFor(svc, List.of(down, going), "node-a");
        assertThat(EndpointSelection.usable(onlyGoing, "http", io.kubeway.core.Protocol.TCP, false, "node-a"))
                .extracting(e -> e + " " + e.target()).containsExactly("10.0.0.3:8080 ns1/going");
    }

    /** Slice port number (-1 for a slice without ports) -> its endpoints' first addresses. */
    private static Map<Integer, List<String>> portToAddresses(List<EndpointSlice> slices) {
        Map<Integer, List<String>> out = new java.util.HashMap<>();
        for (EndpointSlice s : slices) {
            int port = s.getPorts().isEmpty() ? -1 : s.getPorts().get(0).getPort();
            out.put(port, s.getEndpoints().stream().map(e -> e.getAddresses().get(0)).toList());
        }
        return out;
    }

    @Test
    void withoutIpFamiliesTheClusterIpFamilyIsUsed() {
        Service v6 = new ServiceBuilder(service("ns1", "web", "web", 80)).editSpec().withIpFamilies()
                .withClusterIP("fd00::1").endSpec().build();
        Service none = new ServiceBuilder(service("ns1", "web", "web", 80)).editSpec().withIpFamilies()
                .withClusterIP("None").endSpec().build();
        assertThat(EndpointSliceController.addressTypes(v6.getSpec())).containsExactly("IPv6");
        assertThat(EndpointSliceController.addressTypes(none.getSpec())).containsExactly("IPv4");
    }
}
