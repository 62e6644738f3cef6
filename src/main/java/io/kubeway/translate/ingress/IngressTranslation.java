package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.core.Problem;
import io.kubeway.state.http.HttpState;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The Ingress translation's output.
 *
 * @param http     listeners, the route table and certificates
 * @param handled  copies of the valid Ingresses of our class (in input order) with {@code status.loadBalancer.ingress}
 *                 set; invalid ones are left out (the controller keeps their last good version)
 * @param others   the valid Ingresses of other classes, as read (no status): {@code kubeway get ingress} lists every
 *                 Ingress, as kubectl does
 * @param problems warnings (invalid objects, conflicts, unsupported annotations, missing backends and secrets) and
 *                 notices
 * @param l4       Service ports exposed on the Ingress addresses ({@code --tcp-services-configmap},
 *                 {@code --udp-services-configmap}), served by the L4 data plane
 */
public record IngressTranslation(HttpState http, List<Ingress> handled, List<Ingress> others,
                                 List<Problem> problems, java.util.Map<io.kubeway.state.ListenKey, io.kubeway.state.L4Listener> l4) {
    public IngressTranslation(HttpState http, List<Ingress> handled, List<Ingress> others, List<Problem> problems) {
        this(http, handled, others, problems, java.util.Map.of());
    }

    /** This translation with {@code listeners} as its exposed L4 services. */
    public IngressTranslation withL4(java.util.Map<io.kubeway.state.ListenKey, io.kubeway.state.L4Listener> listeners) {
        return new IngressTranslation(http, handled, others, problems, listeners);
    }

    public IngressTranslation {
        l4 = java.util.Map.copyOf(l4);
        requireNonNull(http, "http");
        handled = List.copyOf(handled);
        others = List.copyOf(others);
        problems = List.copyOf(problems);
    }
}
