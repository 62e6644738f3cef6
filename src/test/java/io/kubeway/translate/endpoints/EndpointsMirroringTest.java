package io.kubeway.translate.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointsMirroringTest {
    private static EndpointsBuilder endpoints() {
        return new EndpointsBuilder().withNewMetadata().withNamespace("ns1").withName("ext").withUid("ep-uid")
                .withLabels(Map.of("team", "blue"))
                .withAnnotations(Map.of("note", "kept",
                        "kubectl.kubernetes.io/last-applied-configuration", "{}",
                        "endpoints.kubernetes.io/last-change-trigger-time", "2026-01-01T00:00:00Z"))
                .endMetadata();
    }

    @Test
    void subsetsBecomeSlicesWithReadyAndNotReadyAddresses() {
        Endpoints eps = endpoints().withSubsets(new EndpointSubsetBuilder()
                .addNewAddress().withIp("192.168.1.20").withNodeName("n1").withNewTargetRef()
                .withKind("Pod").withNamespace("ns1").withName("p2").endTargetRef().endAddress()
                .addNewAddress().withIp("192.168.1.10").withHostname("h1").endAddress()
                .addNewNotReadyAddress().withIp("192.168.1.30").endNotReadyAddress()
                .addNewAddress().withIp("not-an-ip").endAddress()
                .addNewPort().withName("http").withPort(8080).endPort()
                .build()).build();

        List<EndpointSlice> slices = EndpointsMirroring.mirror(eps);

        assertThat(slices).singleElement().satisfies(s -> {
            assertThat(s.getAddressType()).isEqualTo("IPv4");
            assertThat(s.getMetadata().getName()).matches("ext-[bcdfghjklmnpqrstvwxz2456789]{5}");
            assertThat(s.getMetadata().getNamespace()).isEqualTo("ns1");
            assertThat(s.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "blue",
                    EndpointSliceLabels.SERVICE_NAME, "ext",
                    EndpointSliceLabels.MANAGED_BY, "endpointslicemirroring-controller.k8s.io"));
            assertThat(s.getMetadata().getAnnotations()).containsExactlyEntriesOf(Map.of("note", "kept"));
            assertThat(s.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("Endpoints");
                assertThat(o.getUid()).isEqualTo("ep-uid");
                assertThat(o.getController()).isTrue();
            });
            assertThat(s.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getPort()).isEqualTo(8080);
                assertThat(p.getProtocol()).isEqualTo("TCP"); // defaulted
            });
            List<Endpoint> e = s.getEndpoints();
            assertThat(e).extracting(x -> x.getAddresses().get(0))
                    .containsExactly("192.168.1.10", "192.168.1.20", "192.168.1.30"); // invalid IP skipped
            assertThat(e).extracting(x -> x.getConditions().getReady()).containsExactly(true, true, false);
            assertThat(e.get(0).getConditions().getServing()).isNull();
            assertThat(e.get(0).getConditions().getTerminating()).isNull();
            assertThat(e.get(0).getHostname()).isEqualTo("h1");
            assertThat(e.get(1).getNodeName()).isEqualTo("n1");
            assertThat(e.get(1).getTargetRef().getName()).isEqualTo("p2");
        });
    }

    @Test
    void familiesAndPortSetsSplitSlicesAndEqualPortSetsMerge() {
        Endpoints eps = endpoints().withSubsets(
                new EndpointSubsetBuilder().addNewAddress().withIp("10.0.0.1").endAddress()
                        .addNewAddress().withIp("2001:DB8::0:1").endAddress()
                        .addNewPort().withPort(80).endPort().build(),
                new EndpointSubsetBuilder().addNewAddress().withIp("10.0.0.2").endAddress()
                        .addNewPort().withPort(80).endPort().build(),
                new EndpointSubsetBuilder().addNewAddress().withIp("10.0.0.3").endAddress()
                        .addNewPort().withPort(81).withProtocol("UDP").endPort().build())
                .build();

        List<EndpointSlice> slices = EndpointsMirroring.mirror(eps);

        assertThat(slices).hasSize(3);
        assertThat(slices).extracting(s -> s.getAddressType() + " " + s.getPorts().get(0).getPort() + "/"
                        + s.getPorts().get(0).getProtocol() + " " + s.getEndpoints().stream()
                        .map(e -> e.getAddresses().get(0)).toList())
                .containsExactlyInAnyOrder("IPv4 80/TCP [10.0.0.1, 10.0.0.2]", "IPv4 81/UDP [10.0.0.3]",
                        "IPv6 80/TCP [2001:db8::1]");
        assertThat(slices).extracting(s -> s.getPorts().get(0).getName()).containsOnly("");
        assertThat(EndpointsMirroring.mirror(eps)).isEqualTo(slices); // deterministic, names included
    }

    @Test
    void aDuplicateNotReadyAddressOverridesTheReadyOne() {
        Endpoints eps = endpoints().withSubsets(new EndpointSubsetBuilder()
                .addNewAddress().withIp("10.0.0.1").endAddress()
                .addNewNotReadyAddress().withIp("10.0.0.1").endNotReadyAddress()
                .addNewPort().withPort(80).endPort().build()).build();
        assertThat(EndpointsMirroring.mirror(eps)).singleElement()
                .satisfies(s -> assertThat(s.getEndpoints()).singleElement()
                        .satisfies(e -> assertThat(e.getConditions().getReady()).isFalse()));
    }

    @Test
    void atMostThousandAddressesPerSubset() {
        EndpointSubsetBuilder subset = new EndpointSubsetBuilder().addNewPort().withPort(80).endPort();
        for (int i = 0; i < 1005; i++) subset.addNewAddress().withIp("10.0." + (i / 250) + "." + (i % 250)).endAddress();
        List<EndpointSlice> slices = EndpointsMirroring.mirror(endpoints().withSubsets(subset.build()).build());
        assertThat(slices).singleElement().satisfies(s -> assertThat(s.getEndpoints()).hasSize(1000));
    }

    @Test
    void notMirrored() {
        Endpoints skip = endpoints().editMetadata().addToLabels(EndpointSliceLabels.SKIP_MIRROR, "true").endMetadata()
                .withSubsets(new EndpointSubsetBuilder().addNewAddress().withIp("10.0.0.1").endAddress().build())
                .build();
        Endpoints lock = endpoints().editMetadata()
                .addToAnnotations("control-plane.alpha.kubernetes.io/leader", "{}").endMetadata()
                .withSubsets(new EndpointSubsetBuilder().addNewAddress().withIp("10.0.0.1").endAddress().build())
                .build();
        Endpoints empty = endpoints().build();
        assertThat(EndpointsMirroring.mirror(skip)).isEmpty();
        assertThat(EndpointsMirroring.mirror(lock)).isEmpty();
        assertThat(EndpointsMirroring.mirror(empty)).isEmpty(); // mirroring writes no placeholder
    }
}
