package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.kubeway.core.NamespacedName;

import java.util.List;

/**
 * Where the leader's decisions go: in a cluster, patches of the {@code status} subresource
 * ({@link ApiStatusWriter}); in tests, a recording. Only {@code status.loadBalancer} is ever written: Kubeway
 * never rewrites fields it does not own.
 */
public interface StatusWriter {
    /** Sets a Service's {@code status.loadBalancer.ingress} (empty to release). */
    void serviceLoadBalancer(NamespacedName service, List<LoadBalancerIngress> ingress);

    /** Sets an Ingress's {@code status.loadBalancer.ingress}. */
    void ingressLoadBalancer(NamespacedName ingress, List<IngressLoadBalancerIngress> addresses);
}
