package io.kubeway.source.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * What Kubeway reads from an API server, in snapshot order. No Pods: the API server's EndpointSlice controller
 * derives the slices, so the proxy needs only those (as kube-proxy).
 */
enum WatchedKind {
    NODE("nodes (v1), cluster-wide"),
    INGRESS_CLASS("ingressclasses (networking.k8s.io/v1), cluster-wide"),
    SERVICE("services (v1), all namespaces"),
    ENDPOINT_SLICE("endpointslices (discovery.k8s.io/v1), all namespaces"),
    INGRESS("ingresses (networking.k8s.io/v1), all namespaces"),
    SECRET("secrets (v1), by name"),
    CONFIG_MAP("configmaps (v1), by name (--configmap)"),
    IP_ADDRESS_POOL("ipaddresspools (metallb.io/v1beta1) in namespace %s"),
    L2_ADVERTISEMENT("l2advertisements (metallb.io/v1beta1) in namespace %s"),
    NODE_LEASE("leases (coordination.k8s.io/v1) labelled " + KubeSource.NODE_LEASE_LABEL + " in namespace %s");

    static final ResourceDefinitionContext POOLS = metallb("IPAddressPool", "ipaddresspools");
    static final ResourceDefinitionContext L2_ADVERTISEMENTS = metallb("L2Advertisement", "l2advertisements");

    private final String description;

    WatchedKind(String description) {
        this.description = description;
    }

    int rank() {
        return ordinal();
    }

    /** What this watch reads, for logs, /readyz and permission errors. */
    String describe(String ownNamespace) {
        return description.formatted(ownNamespace);
    }

    /** A not yet started informer for this kind (not for {@link #SECRET}: those are per name). */
    SharedIndexInformer<? extends HasMetadata> informer(KubernetesClient client, String ownNamespace) {
        return switch (this) {
            case NODE -> client.nodes().runnableInformer(0);
            case INGRESS_CLASS -> client.network().v1().ingressClasses().runnableInformer(0);
            case SERVICE -> client.services().inAnyNamespace().runnableInformer(0);
            case ENDPOINT_SLICE -> client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
            case INGRESS -> client.network().v1().ingresses().inAnyNamespace().runnableInformer(0);
            case IP_ADDRESS_POOL -> client.genericKubernetesResources(POOLS).inNamespace(ownNamespace).runnableInformer(0);
            case L2_ADVERTISEMENT -> client.genericKubernetesResources(L2_ADVERTISEMENTS).inNamespace(ownNamespace)
                    .runnableInformer(0);
            case NODE_LEASE -> client.leases().inNamespace(ownNamespace).withLabel(KubeSource.NODE_LEASE_LABEL).runnableInformer(0);
            case SECRET -> throw new IllegalArgumentException("Secrets are watched by name");
            case CONFIG_MAP -> throw new IllegalArgumentException("ConfigMaps are watched by name");
        };
    }

    private static ResourceDefinitionContext metallb(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("metallb.io").withVersion("v1beta1").withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }
}
