package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.NamespacedName;
import io.kubeway.translate.endpoints.EndpointsMirroring;
import io.kubeway.translate.endpoints.PodIndex;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives exactly what {@link Translator#translate} gives, but recomputes only the services whose inputs
 * changed since the last call: kube-proxy's change tracking, by object identity. Sources hand over the
 * same object instance for an unchanged object (the file source keeps the old instance when a re-read
 * object is equal), so "changed" is cheap to see:
 * <ul>
 *   <li>a service is dirty when its (admitted) object is another instance, or its user slices are;</li>
 *   <li>a pod that appeared or disappeared (by identity) dirties the services in its namespace whose
 *       selector matches it.</li>
 * </ul>
 * Objects handed in must not be mutated afterwards (fabric8 objects are treated as immutable values).
 * Not thread-safe: one controller thread calls it.
 */
public final class IncrementalTranslator {
    /** Above this many dirty services a bulk index is cheaper than scanning each namespace. */
    private static final int INDEX_THRESHOLD = 64;

    private Map<NamespacedName, Cached> cache = new HashMap<>();
    private List<Pod> previousPods = List.of();
    private Map<Endpoints, List<EndpointSlice>> previousMirrors = new IdentityHashMap<>();
    private String nodeName;
    private List<InetAddress> nodeAddresses;
    private Map<NamespacedName, String> sources;

    private record Cached(Service svc, List<EndpointSlice> userSlices, ServiceTranslation out) {
    }

    public Translation translate(TranslatorInput in) {
        boolean full = !in.nodeName().equals(nodeName) || !in.nodeAddresses().equals(nodeAddresses)
                || !in.sources().equals(sources);
        nodeName = in.nodeName();
        nodeAddresses = in.nodeAddresses();
        sources = in.sources();

        List<Pod> changedPods = changed(previousPods, in.pods());
        previousPods = in.pods();
        Map<String, List<Pod>> changedByNamespace = byNamespace(changedPods);

        Map<Endpoints, List<EndpointSlice>> mirrored = new IdentityHashMap<>();
        Map<NamespacedName, List<EndpointSlice>> userSlices = Translator.userSlicesByService(in.userSlices(),
                in.endpoints(), ep -> mirrored.computeIfAbsent(ep, e -> {
                    List<EndpointSlice> old = previousMirrors.get(e);
                    return old != null ? old : EndpointsMirroring.mirror(e);
                }));
        previousMirrors = mirrored;
        List<Service> dirty = new ArrayList<>();
        for (Service svc : in.services()) {
            NamespacedName nn = NamespacedName.of(svc);
            Cached c = cache.get(nn);
            if (full || c == null || c.svc() != svc || !sameInstances(c.userSlices(), userSlices.getOrDefault(nn, List.of()))
                    || selectsAny(svc, changedByNamespace.get(nn.namespace()))) {
                dirty.add(svc);
            }
        }

        Selector selector = new Selector(dirty.size() > INDEX_THRESHOLD ? new PodIndex(in.pods()) : null, in.pods(),
                new HashMap<>());
        Map<NamespacedName, Cached> next = new HashMap<>();
        Set<Service> dirtySet = identitySet(dirty);
        List<ServiceTranslation> outputs = new ArrayList<>(in.services().size());
        for (Service svc : in.services()) {
            NamespacedName nn = NamespacedName.of(svc);
            Cached c = cache.get(nn);
            if (dirtySet.contains(svc)) {
                List<EndpointSlice> own = userSlices.getOrDefault(nn, List.of());
                c = new Cached(svc, own, ServiceTranslation.of(svc, selector.select(svc), own, in));
            }
            next.put(nn, c);
            outputs.add(c.out());
        }
        cache = next;
        return Translator.combine(outputs, in);
    }

    /**
     * The pods that appeared or disappeared between two lists, by identity. Sources keep their order, so
     * the lists are aligned: skip the common prefix and suffix, then compare position by position (a pod
     * that merely moved counts as changed, which only costs a recomputation).
     */
    static List<Pod> changed(List<Pod> before, List<Pod> now) {
        int start = 0;
        int min = Math.min(before.size(), now.size());
        while (start < min && before.get(start) == now.get(start)) {
            start++;
        }
        int endBefore = before.size();
        int endNow = now.size();
        while (endBefore > start && endNow > start && before.get(endBefore - 1) == now.get(endNow - 1)) {
            endBefore--;
            endNow--;
        }
        List<Pod> out = new ArrayList<>();
        if (endBefore - start == endNow - start) {
            for (int i = start; i < endNow; i++) {
                if (before.get(i) != now.get(i)) {
                    out.add(before.get(i));
                    out.add(now.get(i));
                }
            }
        } else {
            out.addAll(before.subList(start, endBefore));
            out.addAll(now.subList(start, endNow));
        }
        return out;
    }

    /** Selects with a bulk index, or by scanning the namespace when only a few services need it. */
    private record Selector(PodIndex index, List<Pod> all, Map<String, List<Pod>> byNamespace) {
        List<Pod> select(Service svc) {
            Map<String, String> sel = svc.getSpec().getSelector();
            if (sel == null || sel.isEmpty()) {
                return null;
            }
            String ns = svc.getMetadata().getNamespace();
            if (index != null) {
                return index.select(ns, sel);
            }
            List<Pod> out = new ArrayList<>();
            if (byNamespace.isEmpty()) {
                byNamespace.putAll(IncrementalTranslator.byNamespace(all));
            }
            for (Pod p : byNamespace.getOrDefault(ns, List.of())) {
                if (matches(sel, p)) {
                    out.add(p);
                }
            }
            return out;
        }
    }

    private static boolean selectsAny(Service svc, List<Pod> pods) {
        Map<String, String> sel = svc.getSpec().getSelector();
        if (pods == null || sel == null || sel.isEmpty()) {
            return false;
        }
        for (Pod p : pods) {
            if (matches(sel, p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Map<String, String> selector, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null) {
            return false;
        }
        for (var e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, List<Pod>> byNamespace(List<Pod> pods) {
        Map<String, List<Pod>> out = new HashMap<>();
        for (Pod p : pods) {
            out.computeIfAbsent(p.getMetadata().getNamespace(), k -> new ArrayList<>()).add(p);
        }
        return out;
    }

    private static boolean sameInstances(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static <T> Set<T> identitySet(List<T> items) {
        Set<T> s = java.util.Collections.newSetFromMap(new IdentityHashMap<>(items.size() * 2));
        s.addAll(items);
        return s;
    }
}
