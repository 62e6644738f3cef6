package io.kubeway.translate.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods indexed for fast label-selector matching, so that selecting pods for thousands of Services over tens of
 * thousands of pods stays well under a second. Pods are grouped by namespace, then by label {@code key=value};
 * a selector takes the shortest posting list among its pairs and filters it by the other pairs.
 *
 * <p>Selectors are Service selectors: equality on every pair ({@code labels.Set(selector).AsSelector()}).
 * Immutable once built; safe to share between threads. Results keep the order the pods were given in.
 */
public final class PodIndex {
    /** namespace -> label key -> label value -> pods with that label, in input order. */
    private final Map<String, Map<String, Map<String, List<Pod>>>> byNamespace = new HashMap<>();

    public PodIndex(Collection<Pod> pods) {
        for (Pod pod : pods) {
            Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
            if (labels == null || labels.isEmpty()) continue; // no selector can match a pod without labels
            Map<String, Map<String, List<Pod>>> ns =
                    byNamespace.computeIfAbsent(namespaceOf(pod), k -> new HashMap<>());
            labels.forEach((k, v) -> ns.computeIfAbsent(k, x -> new HashMap<>())
                    .computeIfAbsent(v == null ? "" : v, x -> new ArrayList<>()).add(pod));
        }
    }

    /**
     * The pods of {@code namespace} whose labels include every pair of {@code selector}. A null or empty
     * selector selects nothing: a Service without a selector gets no managed endpoints (the fabric8 model cannot
     * tell a missing selector from {@code {}}, and the API server's protobuf storage does not keep the
     * difference either).
     */
    public List<Pod> select(@Nullable String namespace, @Nullable Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) return List.of();
        Map<String, Map<String, List<Pod>>> ns = byNamespace.get(namespace == null || namespace.isEmpty()
                ? "default" : namespace);
        if (ns == null) return List.of();
        List<Pod> smallest = null;
        for (Map.Entry<String, String> e : selector.entrySet()) {
            Map<String, List<Pod>> values = ns.get(e.getKey());
            List<Pod> posting = values == null ? null : values.get(e.getValue() == null ? "" : e.getValue());
            if (posting == null) return List.of(); // one pair matches no pod, so the selector matches none
            if (smallest == null || posting.size() < smallest.size()) smallest = posting;
        }
        if (selector.size() == 1) return Collections.unmodifiableList(smallest);
        List<Pod> out = new ArrayList<>();
        for (Pod pod : smallest) {
            if (matches(pod.getMetadata().getLabels(), selector)) out.add(pod);
        }
        return Collections.unmodifiableList(out);
    }

    private static boolean matches(Map<String, String> labels, Map<String, String> selector) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            String want = e.getValue() == null ? "" : e.getValue();
            String have = labels.get(e.getKey());
            if (!want.equals(have == null ? "" : have) || !labels.containsKey(e.getKey())) return false;
        }
        return true;
    }

    static String namespaceOf(Pod pod) {
        String ns = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }
}
