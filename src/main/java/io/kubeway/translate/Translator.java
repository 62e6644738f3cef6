package io.kubeway.translate;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.translate.endpoints.EndpointSliceValidation;
import io.kubeway.translate.endpoints.EndpointsMirroring;
import io.kubeway.translate.endpoints.PodIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The pure translation from admitted Services (and pods, slices) to the {@link DesiredState}: one L4
 * listener per ClusterIP:port, NodePort on each node address, LoadBalancer IP:port and externalIP:port,
 * each with the endpoints kube-proxy would use. No I/O, no clock: the same input gives the same output.
 *
 * <p>Each service is translated on its own ({@link ServiceTranslation}); {@link #combine} then lays the
 * listeners out, and when two services claim the same address, port and protocol (overlapping externalIPs,
 * say) the older service keeps it and the other gets a problem. {@link IncrementalTranslator} gives the same
 * result as {@link #translate} while recomputing only the services whose inputs changed.
 */
public final class Translator {
    private Translator() {
    }

    public static Translation translate(TranslatorInput in) {
        PodIndex pods = new PodIndex(in.pods());
        Map<NamespacedName, List<EndpointSlice>> userSlices = userSlicesByService(in.userSlices(), in.endpoints(),
                EndpointsMirroring::mirror);
        List<ServiceTranslation> outputs = new ArrayList<>();
        for (Service svc : in.services()) {
            NamespacedName nn = NamespacedName.of(svc);
            var selector = svc.getSpec().getSelector();
            List<Pod> selected = selector == null || selector.isEmpty() ? null : pods.select(nn.namespace(), selector);
            outputs.add(ServiceTranslation.of(svc, selected, userSlices.getOrDefault(nn, List.of()), in));
        }
        return combine(outputs, in);
    }

    /** Lays out the listeners of every service in order; the first claim on a listen key wins. */
    static Translation combine(List<ServiceTranslation> outputs, TranslatorInput in) {
        Map<ListenKey, L4Listener> listeners = new LinkedHashMap<>();
        List<EndpointSlice> slices = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (ServiceTranslation out : outputs) {
            slices.addAll(out.slices());
            problems.addAll(out.problems());
            for (L4Listener l : out.listeners()) {
                L4Listener existing = listeners.putIfAbsent(l.key(), l);
                if (existing != null && !existing.service().service().equals(out.name())) {
                    problems.add(Problem.warning(ObjectRef.of("Service", out.name()), in.sources().get(out.name()),
                            "PortConflict", l.kind() + " " + l.key() + " is already used by " + existing.kind()
                                    + " of service " + existing.service().service() + "; not served for "
                                    + l.service()));
                }
            }
        }
        return new Translation(new DesiredState(listeners), slices, problems);
    }

    /** The user's EndpointSlices (by their service-name label) and mirrored legacy Endpoints, per service. */
    static Map<NamespacedName, List<EndpointSlice>> userSlicesByService(
            List<EndpointSlice> userSlices, List<Endpoints> endpoints, Function<Endpoints, List<EndpointSlice>> mirror) {
        Map<NamespacedName, List<EndpointSlice>> out = new HashMap<>();
        for (EndpointSlice s : userSlices) {
            String svc = EndpointSliceValidation.ownerService(s);
            if (svc != null) {
                out.computeIfAbsent(new NamespacedName(s.getMetadata().getNamespace(), svc), k -> new ArrayList<>()).add(s);
            }
        }
        for (Endpoints ep : endpoints) {
            NamespacedName nn = NamespacedName.of(ep);
            // As the mirroring controller: Endpoints are mirrored only when the user has not written slices.
            if (!out.containsKey(nn)) {
                out.put(nn, new ArrayList<>(mirror.apply(ep)));
            }
        }
        return out;
    }
}
