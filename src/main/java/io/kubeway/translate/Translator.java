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
import io.kubeway.translate.endpoints.EndpointsMirroring;
import io.kubeway.translate.endpoints.PodIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure translation from admitted Services (and pods, slices) to the {@link DesiredState}: one L4
 * listener per ClusterIP:port, NodePort on each node address, LoadBalancer IP:port and externalIP:port,
 * each with the endpoints kube-proxy would use. No I/O, no clock: the same input gives the same output.
 *
 * <p>Each service is translated on its own ({@link ServiceTranslation}); {@link #combine} then lays the
 * listeners out, and when two services claim the same address, port and protocol (overlapping externalIPs,
 * say) the older service keeps it and the other gets a problem. {@link IncrementalTranslator} gives the same
 * result as {@link #translate} while recomputing only the services whose inputs changed. A Service's slices are
 * taken in name order ({@link SliceGroups}).
 */
public final class Translator {
    private Translator() {
    }

    public static Translation translate(TranslatorInput in) {
        PodIndex pods = new PodIndex(in.pods());
        SliceGroups userSlices = SliceGroups.of(in.userSlices(), in.endpoints(), EndpointsMirroring::mirror);
        List<ServiceTranslation> outputs = new ArrayList<>();
        for (Service svc : in.services()) {
            NamespacedName nn = NamespacedName.of(svc);
            var selector = svc.getSpec().getSelector();
            List<Pod> selected = selector == null || selector.isEmpty() ? null : pods.select(nn.namespace(), selector);
            outputs.add(ServiceTranslation.of(svc, selected, userSlices.of(nn), in));
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
                    problems.add(conflict(existing, l, out.name(), in));
                }
            }
        }
        return new Translation(new DesiredState(listeners), slices, problems);
    }

    /** The problem of a listener {@code lost} (of Service {@code name}) whose key {@code winner} holds. */
    static Problem conflict(L4Listener winner, L4Listener lost, NamespacedName name, TranslatorInput in) {
        return Problem.warning(ObjectRef.of("Service", name), in.sources().get(name), "PortConflict",
                lost.kind() + " " + lost.key() + " is already used by " + winner.kind() + " of service "
                        + winner.service().service() + "; not served for " + lost.service());
    }
}
