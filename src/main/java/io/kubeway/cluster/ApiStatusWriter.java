package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeway.core.NamespacedName;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Writes status through the API server: a JSON patch of the {@code status} subresource computed from the object
 * as read and the same object with {@code status.loadBalancer.ingress} set, so it carries only that field's
 * changes: nothing else of the object (spec, other status fields, other writers' conditions) is touched.
 */
public final class ApiStatusWriter implements StatusWriter {
    private final KubernetesClient client;

    public ApiStatusWriter(KubernetesClient client) {
        this.client = requireNonNull(client, "client");
    }

    @Override
    public void serviceLoadBalancer(NamespacedName nn, List<LoadBalancerIngress> ingress) {
        client.services().inNamespace(nn.namespace()).withName(nn.name()).editStatus(s -> new ServiceBuilder(s)
                .editOrNewStatus().editOrNewLoadBalancer().withIngress(ingress).endLoadBalancer().endStatus().build());
    }

    @Override
    public void ingressLoadBalancer(NamespacedName nn, List<IngressLoadBalancerIngress> addresses) {
        client.network().v1().ingresses().inNamespace(nn.namespace()).withName(nn.name()).editStatus(i ->
                new IngressBuilder(i).editOrNewStatus().editOrNewLoadBalancer().withIngress(addresses).endLoadBalancer()
                        .endStatus().build());
    }
}
