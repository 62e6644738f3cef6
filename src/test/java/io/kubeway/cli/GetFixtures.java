package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kubeway.admin.ClusterView;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A fixed cluster for {@code kubeway get} tests: a Service of every type, EndpointSlices, Events of both the old
 * and the new style and two Nodes, with timestamps chosen so AGE shows each HumanDuration band at {@link #NOW}.
 */
final class GetFixtures {
    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static final String FIVE_SECONDS_AGO = "2024-05-01T11:59:55Z";
    static final String TWO_AND_A_HALF_MINUTES_AGO = "2024-05-01T11:57:30Z";
    static final String TEN_MINUTES_AGO = "2024-05-01T11:50:00Z";
    static final String THREE_HOURS_TWENTY_AGO = "2024-05-01T08:40:00Z";
    static final String FOUR_HOURS_AGO = "2024-05-01T08:00:00Z";
    static final String TWO_DAYS_AGO = "2024-04-29T12:00:00Z";
    static final String FOUR_HUNDRED_DAYS_AGO = "2023-03-28T12:00:00Z";

    private GetFixtures() {
    }

    static ClusterView view() {
        return new ClusterView(services(), endpointSlices(), events(), nodes(), true);
    }

    /** A Service whose labels mirror its selector, as is common, so -l can pick Services by app. */
    static Service service(String namespace, String name, String created, UnaryOperator<ServiceBuilder> mutator) {
        ServiceBuilder builder = new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .withCreationTimestamp(created).endMetadata();
        Service service = mutator.apply(builder).build();
        service.getMetadata().setLabels(Map.copyOf(service.getSpec().getSelector()));
        return service;
    }

    static List<Service> services() {
        return List.of(
                service("default", "web", FIVE_SECONDS_AGO, s -> s.withNewSpec().withType("ClusterIP")
                        .withClusterIP("10.96.0.10").withClusterIPs("10.96.0.10").withSelector(Map.of("app", "web"))
                        .addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort().endSpec()),
                // headless; protocol left for the API server's default
                service("default", "db", TWO_AND_A_HALF_MINUTES_AGO, s -> s.withNewSpec().withType("ClusterIP")
                        .withClusterIP("None").withClusterIPs("None").withSelector(Map.of("tier", "data", "app", "db"))
                        .addNewPort().withPort(5432).endPort().endSpec()),
                // only clusterIP set, as in a hand-written v1 object: kubectl still shows it
                service("default", "nodeport", TEN_MINUTES_AGO, s -> s.withNewSpec().withType("NodePort")
                        .withClusterIP("10.96.0.11").withSelector(Map.of("app", "web"))
                        .addNewPort().withName("http").withPort(80).withNodePort(30080).withProtocol("TCP").endPort()
                        .addNewPort().withName("https").withPort(443).withNodePort(30443).withProtocol("TCP").endPort()
                        .endSpec()),
                service("default", "lb-pending", THREE_HOURS_TWENTY_AGO, s -> s.withNewSpec().withType("LoadBalancer")
                        .withClusterIP("10.96.0.12").withClusterIPs("10.96.0.12").withSelector(Map.of("app", "web"))
                        .addNewPort().withPort(80).withNodePort(31000).withProtocol("TCP").endPort().endSpec()),
                // two addresses, out of order and repeated: shown sorted, distinct, and clipped unless -o wide
                service("default", "lb", TWO_DAYS_AGO, s -> s.withNewSpec().withType("LoadBalancer")
                        .withClusterIP("10.96.0.13").withClusterIPs("10.96.0.13").withSelector(Map.of("app", "web"))
                        .addNewPort().withPort(443).withNodePort(31443).withProtocol("TCP").endPort().endSpec()
                        .withNewStatus().withNewLoadBalancer()
                        .addNewIngress().withIp("192.168.1.241").withIpMode("VIP").endIngress()
                        .addNewIngress().withIp("192.168.1.240").withIpMode("VIP").endIngress()
                        .addNewIngress().withIp("192.168.1.240").endIngress()
                        .endLoadBalancer().endStatus()),
                service("default", "external", FOUR_HUNDRED_DAYS_AGO, s -> s.withNewSpec().withType("ExternalName")
                        .withExternalName("db.example.com").endSpec()),
                service("default", "extip", null, s -> s.withNewSpec().withType("ClusterIP")
                        .withClusterIP("10.96.0.14").withClusterIPs("10.96.0.14")
                        .withExternalIPs("192.0.2.10", "192.0.2.11").withSelector(Map.of("app", "dns"))
                        .addNewPort().withPort(53).withProtocol("UDP").endPort().endSpec()),
                service("team-b", "api", THREE_HOURS_TWENTY_AGO, s -> s.withNewSpec().withType("ClusterIP")
                        .withClusterIP("10.96.0.20").withClusterIPs("10.96.0.20")
                        .addNewPort().withPort(8080).withProtocol("TCP").endPort().endSpec()));
    }

    static List<EndpointSlice> endpointSlices() {
        return List.of(
                new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName("web-abc12")
                        .withCreationTimestamp(TEN_MINUTES_AGO).withLabels(Map.of("kubernetes.io/service-name", "web"))
                        .endMetadata().withAddressType("IPv4")
                        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                        .addNewPort().withPort(8443).endPort().addNewPort().withPort(9090).endPort()
                        .addNewPort().withPort(9443).endPort()
                        .addNewEndpoint().withAddresses("127.0.0.2").endEndpoint()
                        .addNewEndpoint().withAddresses("127.0.0.3", "127.0.0.4").endEndpoint()
                        .addNewEndpoint().withAddresses("127.0.0.5").endEndpoint()
                        .addNewEndpoint().withAddresses("127.0.0.6").endEndpoint()
                        .build(),
                // ports without numbers show their name, or * without a name either
                new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName("db-xyz")
                        .withCreationTimestamp(TWO_AND_A_HALF_MINUTES_AGO).endMetadata().withAddressType("IPv4")
                        .addNewPort().withName("postgres").endPort().addNewPort().endPort()
                        .build(),
                new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName("headless-q")
                        .endMetadata().withAddressType("IPv6")
                        .addNewEndpoint().withAddresses("fd00::9").endEndpoint()
                        .build(),
                new EndpointSliceBuilder().withNewMetadata().withNamespace("team-b").withName("api-1")
                        .endMetadata().withAddressType("IPv4").build());
    }

    static List<Event> events() {
        return List.of(
                new EventBuilder().withNewMetadata().withNamespace("default").withName("web.1").endMetadata()
                        .withType("Normal").withReason("Allocated").withMessage("allocated 10.96.0.10")
                        .withNewInvolvedObject().withKind("Service").withNamespace("default").withName("web")
                        .endInvolvedObject().withFirstTimestamp(FIVE_SECONDS_AGO).withLastTimestamp(FIVE_SECONDS_AGO)
                        .withCount(1).withNewSource().withComponent("kubeway-controller").withHost("node1").endSource()
                        .build(),
                // no lastTimestamp: LAST SEEN falls back to firstTimestamp; the message is trimmed
                new EventBuilder().withNewMetadata().withNamespace("default").withName("web.2").endMetadata()
                        .withType("Warning").withReason("NoEndpoints").withMessage("  no ready endpoints\n")
                        .withNewInvolvedObject().withKind("Service").withNamespace("default").withName("web")
                        .withFieldPath("spec.ports{http}").endInvolvedObject()
                        .withFirstTimestamp(TWO_AND_A_HALF_MINUTES_AGO).withCount(4).withReportingComponent("kubeway")
                        .build(),
                // new-style event: only eventTime, no count
                new EventBuilder().withNewMetadata().withNamespace("default").withName("lb.1").endMetadata()
                        .withType("Normal").withReason("EnsuredLoadBalancer").withMessage("assigned 192.168.1.240")
                        .withNewInvolvedObject().withKind("Service").withNamespace("default").withName("lb")
                        .endInvolvedObject().withEventTime(new MicroTime("2024-05-01T11:50:00.000000Z"))
                        .build(),
                // a series: LAST SEEN and COUNT come from it
                new EventBuilder().withNewMetadata().withNamespace("default").withName("kubeway-node.1").endMetadata()
                        .withType("Normal").withReason("NodeReady").withMessage("node is ready")
                        .withNewInvolvedObject().withKind("Node").withName("kubeway-node").endInvolvedObject()
                        .withFirstTimestamp(FOUR_HOURS_AGO).withLastTimestamp(FOUR_HOURS_AGO).withCount(1)
                        .withNewSeries().withCount(3).withLastObservedTime(new MicroTime("2024-05-01T08:40:00.000000Z"))
                        .endSeries().withNewSource().withComponent("kubelet").endSource()
                        .build(),
                new EventBuilder().withNewMetadata().withNamespace("team-b").withName("api.1").endMetadata()
                        .withType("Normal").withReason("Allocated").withMessage("allocated 10.96.0.20")
                        .withNewInvolvedObject().withKind("Service").withNamespace("team-b").withName("api")
                        .endInvolvedObject().withLastTimestamp(FIVE_SECONDS_AGO).build());
    }

    static List<Node> nodes() {
        return List.of(
                new NodeBuilder().withNewMetadata().withName("kubeway-node").withCreationTimestamp(TWO_DAYS_AGO)
                        .withLabels(Map.of("node-role.kubernetes.io/control-plane", "", "kubernetes.io/role", "kubeway",
                                "kubernetes.io/hostname", "kubeway-node"))
                        .endMetadata()
                        .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                        .addNewAddress().withType("InternalIP").withAddress("192.168.1.10").endAddress()
                        .withNewNodeInfo().withKubeletVersion("v1.31.0-kubeway").withOsImage("Debian GNU/Linux 12")
                        .withKernelVersion("6.1.0").endNodeInfo()
                        .endStatus().build(),
                // cordoned and never reported a Ready condition
                new NodeBuilder().withNewMetadata().withName("spare").endMetadata()
                        .withNewSpec().withUnschedulable(true).endSpec().build());
    }
}
