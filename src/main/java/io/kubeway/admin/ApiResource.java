package io.kubeway.admin;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMeta;

import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * One read-only resource of the admin API, served at the API server's own paths for it.
 *
 * @param groupVersion {@code v1} for the core group, else {@code group/version} (e.g. {@code discovery.k8s.io/v1})
 * @param plural       the resource name in paths, e.g. {@code services}
 * @param namespaced   whether objects live in namespaces (adds the {@code /namespaces/{namespace}/} paths)
 * @param items        the objects of this resource in a view
 * @param listOf       wraps sorted items and list metadata into the fabric8 {@code XxxList} type
 * @param order        the order of items in a list answer
 */
record ApiResource<T extends HasMetadata>(String groupVersion, String plural, boolean namespaced,
                                          Function<ClusterView, List<T>> items,
                                          BiFunction<List<T>, ListMeta, KubernetesResourceList<T>> listOf,
                                          Comparator<? super T> order) {

    /** Namespace, then name: the order the API server's storage lists objects in. */
    static final Comparator<HasMetadata> BY_NAMESPACE_AND_NAME = Comparator
            .comparing((HasMetadata o) -> nullToEmpty(o.getMetadata().getNamespace()))
            .thenComparing(o -> nullToEmpty(o.getMetadata().getName()));

    ApiResource {
        requireNonNull(groupVersion, "groupVersion");
        requireNonNull(plural, "plural");
        requireNonNull(items, "items");
        requireNonNull(listOf, "listOf");
        requireNonNull(order, "order");
    }

    static <T extends HasMetadata> ApiResource<T> namespaced(String groupVersion, String plural,
            Function<ClusterView, List<T>> items, BiFunction<List<T>, ListMeta, KubernetesResourceList<T>> listOf) {
        return new ApiResource<>(groupVersion, plural, true, items, listOf, BY_NAMESPACE_AND_NAME);
    }

    static <T extends HasMetadata> ApiResource<T> clusterScoped(String groupVersion, String plural,
            Function<ClusterView, List<T>> items, BiFunction<List<T>, ListMeta, KubernetesResourceList<T>> listOf) {
        return new ApiResource<>(groupVersion, plural, false, items, listOf, BY_NAMESPACE_AND_NAME);
    }

    ApiResource<T> orderedBy(Comparator<? super T> newOrder) {
        return new ApiResource<>(groupVersion, plural, namespaced, items, listOf, newOrder);
    }

    /** The API group, empty for the core group. */
    String group() {
        int slash = groupVersion.indexOf('/');
        return slash < 0 ? "" : groupVersion.substring(0, slash);
    }

    /** {@code /api/v1} for the core group, {@code /apis/group/version} otherwise. */
    String prefix() {
        return group().isEmpty() ? "/api/" + groupVersion : "/apis/" + groupVersion;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
