package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.ListChanges;
import io.kubeway.core.NamespacedName;
import io.kubeway.translate.endpoints.EndpointSliceValidation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The user's EndpointSlices grouped by the Service their {@code kubernetes.io/service-name} label names, and legacy
 * Endpoints mirrored into slices where a Service has no slice of its own (as the mirroring controller does). Kept up
 * to date from the changes of the input lists ({@link #apply}), so an EndpointSlice update regroups one slice rather
 * than every slice of the cluster (which took 13% of the sync thread at 10,000 Services).
 *
 * <p>Within a Service, slices are in name order whatever order the source listed them in, so the full translation
 * and the incremental one (which never sees the whole list again) group identically.
 *
 * <p>Used by the node loop's {@link IncrementalTranslator} and by the Ingress translation
 * ({@code IncrementalIngressTranslator}, without Endpoints). Not thread-safe: one sync thread uses it.
 */
public final class SliceGroups {
    private final Function<Endpoints, List<EndpointSlice>> mirror;
    /** Per Service: its slices by name (a list only where a source holds two slices of one name). */
    private final Map<NamespacedName, TreeMap<String, List<EndpointSlice>>> user = new HashMap<>();
    private final Map<NamespacedName, Endpoints> endpoints = new HashMap<>();
    private final Map<Endpoints, List<EndpointSlice>> mirrored = new java.util.IdentityHashMap<>();

    public SliceGroups(Function<Endpoints, List<EndpointSlice>> mirror) {
        this.mirror = mirror;
    }

    /** All at once (the full translation). */
    public static SliceGroups of(List<EndpointSlice> slices, List<Endpoints> endpoints,
                          Function<Endpoints, List<EndpointSlice>> mirror) {
        SliceGroups g = new SliceGroups(mirror);
        g.apply(new ListChanges<>(List.of(), slices), new ListChanges<>(List.of(), endpoints));
        return g;
    }

    /** Applies what left and arrived; returns the Services whose group may have changed. */
    public Set<NamespacedName> apply(ListChanges<EndpointSlice> slices, ListChanges<Endpoints> eps) {
        Set<NamespacedName> touched = new HashSet<>();
        for (EndpointSlice s : slices.removed()) {
            NamespacedName nn = owner(s);
            if (nn == null) continue;
            TreeMap<String, List<EndpointSlice>> group = user.get(nn);
            if (group == null) continue;
            List<EndpointSlice> same = group.get(name(s));
            if (same != null && same.removeIf(x -> x == s)) {
                touched.add(nn);
                if (same.isEmpty()) group.remove(name(s));
                if (group.isEmpty()) user.remove(nn);
            }
        }
        for (EndpointSlice s : slices.added()) {
            NamespacedName nn = owner(s);
            if (nn == null) continue;
            user.computeIfAbsent(nn, k -> new TreeMap<>()).computeIfAbsent(name(s), k -> new ArrayList<>(1)).add(s);
            touched.add(nn);
        }
        for (Endpoints ep : eps.removed()) {
            NamespacedName nn = NamespacedName.of(ep);
            if (endpoints.get(nn) == ep) {
                endpoints.remove(nn);
                mirrored.remove(ep);
                touched.add(nn);
            }
        }
        for (Endpoints ep : eps.added()) {
            NamespacedName nn = NamespacedName.of(ep);
            Endpoints before = endpoints.put(nn, ep);
            if (before != null) mirrored.remove(before);
            touched.add(nn);
        }
        return touched;
    }

    /** The slices of one Service: its own in name order, else its mirrored Endpoints, else none. */
    public List<EndpointSlice> of(NamespacedName nn) {
        TreeMap<String, List<EndpointSlice>> group = user.get(nn);
        if (group != null) {
            List<EndpointSlice> out = new ArrayList<>();
            group.values().forEach(out::addAll);
            return out;
        }
        Endpoints ep = endpoints.get(nn);
        return ep == null ? List.of() : mirrored.computeIfAbsent(ep, mirror);
    }

    private static NamespacedName owner(EndpointSlice s) {
        String svc = EndpointSliceValidation.ownerService(s);
        return svc == null ? null : new NamespacedName(s.getMetadata().getNamespace(), svc);
    }

    private static String name(EndpointSlice s) {
        String n = s.getMetadata().getName();
        return n == null ? "" : n;
    }
}
