package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressList;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A resource type {@code kubeway get} can show: the names kubectl accepts for it, where the admin API serves it
 * (the API server's own paths) and how to print it.
 *
 * @param plural       the resource in paths, e.g. {@code services}
 * @param aliases      other accepted names: singular, kubectl short names, group-qualified forms
 * @param groupVersion {@code v1} for the core group, else {@code group/version}
 * @param namespaced   whether objects live in namespaces
 * @param type         the fabric8 object type
 * @param listType     the fabric8 list type
 * @param columns      the table columns
 */
record GetResource<T extends HasMetadata>(String plural, List<String> aliases, String groupVersion,
                                          boolean namespaced, Class<T> type,
                                          Class<? extends KubernetesResourceList<T>> listType,
                                          TableColumns<T> columns) {

    static final List<GetResource<?>> ALL = List.of(
            new GetResource<>("services", List.of("service", "svc"), "v1", true,
                    Service.class, ServiceList.class, new TableServices()),
            new GetResource<>("endpointslices",
                    List.of("endpointslice", "endpointslices.discovery.k8s.io", "endpointslice.discovery.k8s.io"),
                    "discovery.k8s.io/v1", true, EndpointSlice.class, EndpointSliceList.class,
                    new TableEndpointSlices()),
            new GetResource<>("events", List.of("event", "ev"), "v1", true,
                    Event.class, EventList.class, new TableEvents()),
            new GetResource<>("nodes", List.of("node", "no"), "v1", false,
                    Node.class, NodeList.class, new TableNodes()),
            new GetResource<>("ingresses", List.of("ingress", "ing", "ingresses.networking.k8s.io",
                    "ingress.networking.k8s.io"), "networking.k8s.io/v1", true,
                    Ingress.class, IngressList.class, new TableIngresses()),
            new GetResource<>("ingressconfigs", List.of("ingressconfig"), "kubeway.io/v1", false,
                    GenericKubernetesResource.class, GenericKubernetesResourceList.class, new TableIngressConfig()));

    GetResource {
        requireNonNull(plural, "plural");
        aliases = List.copyOf(aliases);
        requireNonNull(groupVersion, "groupVersion");
        requireNonNull(type, "type");
        requireNonNull(listType, "listType");
        requireNonNull(columns, "columns");
    }

    /** The resource kubectl would understand by {@code name} (case-insensitive, as kubectl matches). */
    static Optional<GetResource<?>> find(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(r -> r.plural().equals(wanted) || r.aliases().contains(wanted)).findFirst();
    }

    /**
     * How kubectl names this type before an object's name when it shows several types: the singular, qualified by
     * the group outside the core group ({@code service}, {@code ingress.networking.k8s.io}).
     */
    String qualifiedSingular() {
        String singular = aliases.getFirst();
        return groupVersion.contains("/") ? singular + "." + groupVersion.substring(0, groupVersion.indexOf('/'))
                : singular;
    }

    /** The list path, in one namespace or, with {@code namespace} null (or cluster-scoped), everywhere. */
    String listPath(String namespace) {
        return namespaced && namespace != null
                ? prefix() + "/namespaces/" + segment(namespace) + "/" + plural
                : prefix() + "/" + plural;
    }

    /** The path of one object; {@code namespace} is ignored for cluster-scoped resources. */
    String objectPath(String namespace, String name) {
        return (namespaced ? prefix() + "/namespaces/" + segment(namespace) + "/" + plural : prefix() + "/" + plural)
                + "/" + segment(name);
    }

    private String prefix() {
        return groupVersion.contains("/") ? "/apis/" + groupVersion : "/api/" + groupVersion;
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
