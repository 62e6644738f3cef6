package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.ListChanges;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.L4Map;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.HttpState;
import io.kubeway.translate.endpoints.EndpointsMirroring;
import io.kubeway.translate.endpoints.PodIndex;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives exactly what {@link Translator#translate} gives, but does work only for what changed since the last call:
 * kube-proxy's change tracking, by object identity. Sources hand over the same object instance for an unchanged
 * object, in a stable order, so {@link ListChanges} finds what changed in each input list with a pointer comparison
 * per element, and everything after that is in proportion to the change:
 * <ul>
 *   <li>slices and Endpoints are regrouped by Service only where they changed ({@link SliceGroups});</li>
 *   <li>a Service is translated again when its object changed, its slices did, or (standalone, where slices are
 *       derived from pods) a pod that appeared or disappeared matches its selector;</li>
 *   <li>its old listeners leave the {@link ListenerTable} and its new ones join, touching only their keys;</li>
 *   <li>the {@link DesiredState} carries those keys as its {@link DesiredState.Delta}, so the data plane looks at
 *       them only; with nothing touched the previous state is handed back as it was.</li>
 * </ul>
 * What stays in proportion to the cluster: the pointer comparison of the lists (the listener map of each new
 * {@link DesiredState} is the previous one plus the touched keys, {@link L4Map}, copied in full only once per
 * {@code L4Map.MAX_OVERLAY} changed keys). The derived slices and the problems are laid out again only when
 * a changed Service has some, or a listen key it touches is claimed twice.
 *
 * <p>Objects handed in must not be mutated afterwards (fabric8 objects are treated as immutable values).
 * Not thread-safe: one controller thread calls it.
 */
public final class IncrementalTranslator {
    /** Above this many dirty services a bulk index is cheaper than scanning each namespace. */
    private static final int INDEX_THRESHOLD = 64;

    private Map<NamespacedName, ServiceTranslation> cache = new HashMap<>();
    private Map<NamespacedName, Service> services = new HashMap<>();
    private SliceGroups groups = new SliceGroups(EndpointsMirroring::mirror);
    private ListenerTable table = new ListenerTable();
    private List<Service> previousServices = List.of();
    private List<Pod> previousPods = List.of();
    private List<EndpointSlice> previousSlices = List.of();
    private List<Endpoints> previousEndpoints = List.of();
    private String nodeName;
    private List<InetAddress> nodeAddresses;
    private Map<NamespacedName, String> sources;
    private boolean derive;
    private Translation last;

    public Translation translate(TranslatorInput in) {
        if (last == null || !in.nodeName().equals(nodeName) || !in.nodeAddresses().equals(nodeAddresses)
                || in.deriveSlices() != derive || (in.sources() != sources && !in.sources().equals(sources))) {
            reset(in);
        }
        ListChanges<Service> svcChanges = ListChanges.between(previousServices, in.services());
        ListChanges<Pod> podChanges = ListChanges.between(previousPods, in.pods());
        Set<NamespacedName> dirty = groups.apply(ListChanges.between(previousSlices, in.userSlices()),
                ListChanges.between(previousEndpoints, in.endpoints()));
        previousServices = in.services();
        previousPods = in.pods();
        previousSlices = in.userSlices();
        previousEndpoints = in.endpoints();

        for (Service s : svcChanges.removed()) {
            NamespacedName nn = NamespacedName.of(s);
            if (services.get(nn) == s) services.remove(nn);
            dirty.add(nn);
        }
        for (Service s : svcChanges.added()) {
            NamespacedName nn = NamespacedName.of(s);
            services.put(nn, s);
            dirty.add(nn);
        }
        if (!podChanges.isEmpty()) {
            Map<String, List<Pod>> changedByNamespace = byNamespace(podChanges.removed());
            byNamespace(podChanges.added()).forEach((ns, pods) ->
                    changedByNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).addAll(pods));
            for (Service svc : services.values()) {
                if (selectsAny(svc, changedByNamespace.get(svc.getMetadata().getNamespace()))) {
                    dirty.add(NamespacedName.of(svc));
                }
            }
        }
        if (dirty.isEmpty() && last != null) {
            return last;
        }

        Selector selector = new Selector(dirty.size() > INDEX_THRESHOLD ? new PodIndex(in.pods()) : null, in.pods(),
                new HashMap<>());
        Set<ListenKey> touched = new HashSet<>();
        boolean relayout = last == null;
        for (NamespacedName nn : dirty) {
            ServiceTranslation old = cache.remove(nn);
            if (old != null) {
                table.remove(old, touched);
                relayout |= !old.problems().isEmpty() || !old.slices().isEmpty();
            }
            Service svc = services.get(nn);
            if (svc != null) {
                ServiceTranslation out = ServiceTranslation.of(svc, selector.select(svc), groups.of(nn), in);
                cache.put(nn, out);
                table.add(out, touched);
                relayout |= !out.problems().isEmpty() || !out.slices().isEmpty();
            }
        }
        relayout |= table.resolve(touched, () -> ranks(in.services()));

        Map<ListenKey, L4Listener> before = last == null ? null : last.state().l4();
        DesiredState state = touched.isEmpty() && last != null ? last.state()
                : before == null ? new DesiredState(table.winners())
                : new DesiredState(L4Map.derive(before, touched, table.winners()), HttpState.EMPTY,
                        new DesiredState.Delta(before, touched));
        Translation out = relayout ? layout(in, state) : new Translation(state, last.endpointSlices(), last.problems());
        last = out;
        return out;
    }

    private void reset(TranslatorInput in) {
        nodeName = in.nodeName();
        nodeAddresses = in.nodeAddresses();
        sources = in.sources();
        derive = in.deriveSlices();
        cache = new HashMap<>();
        services = new HashMap<>();
        groups = new SliceGroups(EndpointsMirroring::mirror);
        table = new ListenerTable();
        previousServices = List.of();
        previousPods = List.of();
        previousSlices = List.of();
        previousEndpoints = List.of();
        last = null;
    }

    /**
     * The derived slices and the problems in input order, as {@link Translator#combine} lays them out: each
     * Service's own, then a PortConflict for each of its listeners that another, earlier Service's claim beat.
     */
    private Translation layout(TranslatorInput in, DesiredState state) {
        List<EndpointSlice> slices = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Service svc : in.services()) {
            NamespacedName nn = NamespacedName.of(svc);
            ServiceTranslation out = cache.get(nn);
            if (out == null) continue;
            slices.addAll(out.slices());
            problems.addAll(out.problems());
            for (L4Listener l : out.listeners()) {
                L4Listener winner = table.winner(l.key());
                if (winner != null && !winner.service().service().equals(out.name())) {
                    problems.add(Translator.conflict(winner, l, out.name(), in));
                }
            }
        }
        return new Translation(state, slices, problems);
    }

    private static Map<NamespacedName, Integer> ranks(List<Service> services) {
        Map<NamespacedName, Integer> out = new HashMap<>();
        for (int i = 0; i < services.size(); i++) {
            out.putIfAbsent(NamespacedName.of(services.get(i)), i);
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
}
