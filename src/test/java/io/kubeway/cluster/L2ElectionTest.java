package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kubeway.core.Problem;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which node announces each LoadBalancer IP: alive nodes, L2Advertisements, Local traffic policy. */
class L2ElectionTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final Map<String, Map<String, String>> LABELS = Map.of(
            "n1", Map.of("zone", "a"), "n2", Map.of("zone", "b"), "n3", Map.of("zone", "b", "edge", "true"));

    private final List<Problem> problems = new ArrayList<>();

    @Test
    void onlyLiveNodesAnnounceAndEveryNodeComputesTheSameAnswer() {
        L2Advertisements l2 = l2(pool("p", "192.0.2.0/28"), ad("all", List.of(), null, List.of()));
        var who = L2Election.announcers(List.of(lb("web", "192.0.2.1", "Cluster")), List.of(),
                List.of(lease("n1", 0), lease("n2", 0), lease("n3", 30)), LABELS, l2, NOW, problems);

        assertThat(who.get("192.0.2.1").node()).isIn("n1", "n2");
        assertThat(L2Election.announcers(List.of(lb("web", "192.0.2.1", "Cluster")), List.of(),
                List.of(lease("n2", 0), lease("n1", 0)), LABELS, l2, NOW, new ArrayList<>())).isEqualTo(who);
        // the holder goes away: the other live node takes the IP
        String other = who.get("192.0.2.1").node().equals("n1") ? "n2" : "n1";
        assertThat(L2Election.announcers(List.of(lb("web", "192.0.2.1", "Cluster")), List.of(),
                List.of(lease(other, 0)), LABELS, l2, NOW, new ArrayList<>()).get("192.0.2.1").node()).isEqualTo(other);
        assertThat(problems).isEmpty();
    }

    @Test
    void nodeSelectorsAndInterfacesOfTheAdvertisementsApply() {
        L2Advertisements l2 = l2(pool("p", "192.0.2.0/28"),
                ad("edge", List.of("p"), Map.of("matchLabels", Map.of("edge", "true")), List.of("eth1")));
        var who = L2Election.announcers(List.of(lb("web", "192.0.2.1", "Cluster")), List.of(),
                List.of(lease("n1", 0), lease("n2", 0), lease("n3", 0)), LABELS, l2, NOW, problems);

        assertThat(who.get("192.0.2.1")).isEqualTo(new L2Election.Announcement("n3", List.of("eth1")));
    }

    @Test
    void localTrafficPolicyAnnouncesFromANodeWithAReadyEndpoint() {
        L2Advertisements l2 = l2(pool("p", "192.0.2.0/28"), ad("all", List.of(), null, List.of()));
        var who = L2Election.announcers(List.of(lb("web", "192.0.2.1", "Local")), List.of(slice("web", "n2")),
                List.of(lease("n1", 0), lease("n2", 0), lease("n3", 0)), LABELS, l2, NOW, problems);

        assertThat(who.get("192.0.2.1").node()).isEqualTo("n2");
    }

    @Test
    void anIpNoAdvertisementSelectsIsNotAnnouncedAndSaysSo() {
        L2Advertisements l2 = l2(pool("p", "192.0.2.0/28"), ad("other", List.of("q"), null, List.of()));
        var who = L2Election.announcers(List.of(lb("web", "192.0.2.1", "Cluster")), List.of(),
                List.of(lease("n1", 0)), LABELS, l2, NOW, problems);

        assertThat(who).isEmpty();
        assertThat(problems).extracting(Problem::message).containsExactly(
                "LoadBalancer IP 192.0.2.1 is not announced: no L2Advertisement selects its pool \"p\"");
    }

    @Test
    void anAdvertisementWithPoolSelectorsIsRefusedAndAnnouncesNothing() {
        List<Problem> read = new ArrayList<>();
        GenericKubernetesResource ad = new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1")
                .withKind("L2Advertisement").withNewMetadata().withNamespace("kubeway-system").withName("sel").endMetadata()
                .addToAdditionalProperties("spec", Map.of("ipAddressPoolSelectors", List.of(Map.of()))).build();
        L2Advertisements l2 = L2Advertisements.read(List.of(pool("p", "192.0.2.0/28"), ad), read);

        assertThat(l2.ads()).isEmpty();
        assertThat(read).extracting(Problem::reason).containsExactly("Unsupported");
    }

    private L2Advertisements l2(GenericKubernetesResource... resources) {
        return L2Advertisements.read(List.of(resources), problems);
    }

    private static GenericKubernetesResource pool(String name, String cidr) {
        return new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("IPAddressPool")
                .withNewMetadata().withNamespace("kubeway-system").withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of("addresses", List.of(cidr))).build();
    }

    private static GenericKubernetesResource ad(String name, List<String> pools, Map<String, Object> nodeSelector,
                                                List<String> interfaces) {
        Map<String, Object> spec = new java.util.HashMap<>();
        spec.put("ipAddressPools", pools);
        spec.put("interfaces", interfaces);
        if (nodeSelector != null) spec.put("nodeSelectors", List.of(nodeSelector));
        return new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("L2Advertisement")
                .withNewMetadata().withNamespace("kubeway-system").withName(name).endMetadata()
                .addToAdditionalProperties("spec", spec).build();
    }

    /** A heartbeat renewed {@code ageSeconds} ago, for 6 s. */
    private static Lease lease(String node, int ageSeconds) {
        return new LeaseBuilder().withNewMetadata().withName(NodeLease.PREFIX + node).addToLabels(NodeLease.LABEL, node)
                .endMetadata().withNewSpec().withLeaseDurationSeconds(6)
                .withRenewTime(NOW.minusSeconds(ageSeconds).atZone(ZoneOffset.UTC))
                .endSpec().build();
    }

    private static Service lb(String name, String ip, String etp) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy(etp).endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp(ip).endIngress().endLoadBalancer().endStatus()
                .build();
    }

    private static EndpointSlice slice(String service, String node) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(service + "-x")
                .addToLabels("kubernetes.io/service-name", service).endMetadata().withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.0.0.1").withNodeName(node).withNewConditions().withReady(true)
                .endConditions().endEndpoint().build();
    }
}
