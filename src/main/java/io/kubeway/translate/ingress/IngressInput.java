package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.kubeway.core.NamespacedName;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.http.TlsCertificate;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Everything the Ingress translation reads.
 *
 * @param ingresses          every Ingress of the snapshot, with its source (any class: selection is part of the job)
 * @param services           Services as admitted and allocated (backends, and the publish service's addresses)
 * @param slicesByService    the EndpointSlices of each Service (managed, mirrored or the user's); read during the
 *                           translation only, not copied (at 10,000 Services the copy cost more than an incremental sync)
 * @param defaultCertificate for unknown server names (given or generated at start)
 * @param config             the controller ConfigMap's effect ({@link ControllerConfig#NONE} without one)
 * @param nodes              the cluster's Nodes (in a cluster): this node's addresses are the Ingress status when the
 *                           HTTP listener is a wildcard and nothing is published
 */
public record IngressInput(List<ClusterSnapshot.Sourced<Ingress>> ingresses, List<IngressClass> classes,
                           List<ClusterSnapshot.Sourced<Secret>> secrets, List<Service> services,
                           Map<NamespacedName, List<EndpointSlice>> slicesByService,
                           TlsCertificate defaultCertificate, IngressOptions options, ControllerConfig config,
                           List<Node> nodes) {
    /** Without Node objects (standalone, or a source that does not read them). */
    public IngressInput(List<ClusterSnapshot.Sourced<Ingress>> ingresses, List<IngressClass> classes,
                        List<ClusterSnapshot.Sourced<Secret>> secrets, List<Service> services,
                        Map<NamespacedName, List<EndpointSlice>> slicesByService,
                        TlsCertificate defaultCertificate, IngressOptions options, ControllerConfig config) {
        this(ingresses, classes, secrets, services, slicesByService, defaultCertificate, options, config, List.of());
    }

    /** Without a controller ConfigMap or Node objects. */
    public IngressInput(List<ClusterSnapshot.Sourced<Ingress>> ingresses, List<IngressClass> classes,
                        List<ClusterSnapshot.Sourced<Secret>> secrets, List<Service> services,
                        Map<NamespacedName, List<EndpointSlice>> slicesByService,
                        TlsCertificate defaultCertificate, IngressOptions options) {
        this(ingresses, classes, secrets, services, slicesByService, defaultCertificate, options, ControllerConfig.NONE);
    }

    public IngressInput {
        requireNonNull(config, "config");
        nodes = List.copyOf(nodes);
        ingresses = List.copyOf(ingresses);
        classes = List.copyOf(classes);
        secrets = List.copyOf(secrets);
        services = List.copyOf(services);
        requireNonNull(slicesByService, "slicesByService"); // not copied: a view the caller keeps during the translation
        requireNonNull(defaultCertificate, "defaultCertificate");
        requireNonNull(options, "options");
    }
}
