package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ClusterSnapshot.Sourced;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The elected Ingress controller's status pass: every Ingress Kubeway handles gets the addresses the
 * translation computed ({@code --publish-service}, {@code --publish-status-address} or the listeners) in
 * {@code status.loadBalancer.ingress}, written only where the API server's copy differs. Ingresses of other
 * classes are never touched (their own controller owns their status).
 */
public final class IngressStatusController {
    private final StatusWriter writer;
    private final Map<NamespacedName, List<IngressLoadBalancerIngress>> written = new HashMap<>();

    public IngressStatusController(StatusWriter writer) {
        this.writer = requireNonNull(writer, "writer");
    }

    /**
     * @param snap    the objects as the API server has them (their current status)
     * @param handled the Ingresses the last node sync handled, with the status they should have
     */
    public List<Problem> sync(ClusterSnapshot snap, List<Ingress> handled) {
        Map<NamespacedName, Ingress> live = new HashMap<>();
        for (Sourced<Ingress> s : snap.ofType(Ingress.class)) {
            live.put(NamespacedName.of(s.object()), s.object());
        }
        List<Problem> problems = new ArrayList<>();
        for (Ingress want : handled) {
            NamespacedName nn = NamespacedName.of(want);
            Ingress now = live.get(nn);
            if (now == null) continue; // deleted meanwhile
            List<IngressLoadBalancerIngress> addresses = addresses(want);
            if (addresses.equals(addresses(now))) {
                written.remove(nn);
                continue;
            }
            if (addresses.equals(written.get(nn))) continue; // written; not yet seen back
            try {
                writer.ingressLoadBalancer(nn, addresses);
                written.put(nn, addresses);
            } catch (RuntimeException e) {
                problems.add(Problem.warning(ObjectRef.of("Ingress", nn), null, "StatusUpdateFailed",
                        "cannot write status.loadBalancer of Ingress " + nn + ": " + e.getMessage()));
            }
        }
        written.keySet().retainAll(live.keySet());
        return problems;
    }

    private static List<IngressLoadBalancerIngress> addresses(Ingress i) {
        if (i.getStatus() == null || i.getStatus().getLoadBalancer() == null
                || i.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return i.getStatus().getLoadBalancer().getIngress();
    }
}
