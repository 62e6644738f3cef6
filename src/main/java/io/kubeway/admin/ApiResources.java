package io.kubeway.admin;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.networking.v1.IngressList;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;

/**
 * The route table's resources: adding a resource is one line here (plus its field in {@link ClusterView}), e.g.
 * {@code ApiResource.namespaced("networking.k8s.io/v1", "ingresses", ClusterView::ingresses,
 * (items, meta) -> new IngressList("networking.k8s.io/v1", items, "IngressList", meta))}.
 */
final class ApiResources {
    private ApiResources() {
    }

    static final List<ApiResource<?>> ALL = List.of(
            ApiResource.namespaced("v1", "services", ClusterView::services,
                    (items, meta) -> new ServiceList("v1", items, "ServiceList", meta)),
            ApiResource.namespaced("discovery.k8s.io/v1", "endpointslices", ClusterView::endpointSlices,
                    (items, meta) -> new EndpointSliceList("discovery.k8s.io/v1", items, "EndpointSliceList", meta)),
            ApiResource.namespaced("v1", "events", ClusterView::events,
                    (items, meta) -> new EventList("v1", items, "EventList", meta)).orderedBy(byLastSeen()),
            ApiResource.clusterScoped("v1", "nodes", ClusterView::nodes,
                    (items, meta) -> new NodeList("v1", items, "NodeList", meta)),
            ApiResource.namespaced("networking.k8s.io/v1", "ingresses", ClusterView::ingresses,
                    (items, meta) -> new IngressList("networking.k8s.io/v1", items, "IngressList", meta)),
            // Kubeway's own: the controller ConfigMap's effect, one item per key
            ApiResource.clusterScoped("kubeway.io/v1", "ingressconfigs", ClusterView::ingressConfig,
                    ApiResources::ingressConfigList)
                    .orderedBy((a, b) -> 0)); // as the controller lists them: applied keys first

    private static GenericKubernetesResourceList ingressConfigList(
            List<GenericKubernetesResource> items, ListMeta meta) {
        var list = new GenericKubernetesResourceList();
        list.setApiVersion("kubeway.io/v1");
        list.setKind("IngressConfigList");
        list.setItems(items);
        list.setMetadata(meta);
        return list;
    }

    /**
     * Events oldest first by {@code lastTimestamp}, falling back to {@code firstTimestamp} then
     * {@code eventTime} (new-style events set only the latter); events without any time come first.
     */
    static Comparator<Event> byLastSeen() {
        return Comparator.comparing(ApiResources::lastSeen, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(ApiResource.BY_NAMESPACE_AND_NAME);
    }

    private static Instant lastSeen(Event e) {
        Instant last = parse(e.getLastTimestamp());
        if (last == null) {
            last = parse(e.getFirstTimestamp());
        }
        if (last == null && e.getEventTime() != null) {
            last = parse(e.getEventTime().getTime());
        }
        return last;
    }

    private static Instant parse(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
