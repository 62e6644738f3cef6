package io.kubeway.admin;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.List;
import java.util.Map;

/** Small fabric8 objects for admin API tests. */
final class AdminFixtures {
    private AdminFixtures() {
    }

    static Service service(String namespace, String name, Map<String, String> labels) {
        return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
                .withCreationTimestamp("2024-05-01T10:00:00Z").endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.10").withClusterIPs("10.96.0.10")
                .addNewPort().withPort(80).withProtocol("TCP").endPort().endSpec().build();
    }

    static EndpointSlice slice(String namespace, String name) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withAddressType("IPv4").addNewEndpoint().withAddresses("127.0.0.2").endEndpoint()
                .addNewPort().withPort(8080).withProtocol("TCP").endPort().build();
    }

    static Event event(String namespace, String name, String lastTimestamp) {
        return new EventBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withType("Normal").withReason("Allocated").withMessage("allocated")
                .withNewInvolvedObject().withKind("Service").withName("web").withNamespace(namespace).endInvolvedObject()
                .withLastTimestamp(lastTimestamp).build();
    }

    static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    /** Services in two namespaces, listed out of order so sorting is visible. */
    static ClusterView view(boolean ready) {
        return new ClusterView(
                List.of(service("team-b", "api", Map.of("app", "api")), service("default", "web", Map.of("app", "web")),
                        service("default", "db", Map.of("app", "db", "tier", "data"))),
                List.of(slice("default", "web-abc12"), slice("team-b", "api-xyz34")),
                List.of(event("default", "web.2", "2024-05-01T10:05:00Z"), event("default", "web.1", "2024-05-01T10:01:00Z"),
                        event("team-b", "api.1", "2024-05-01T10:03:00Z")),
                List.of(node("kubeway-node")),
                ready);
    }
}
