package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.SourcedObject;
import io.kubeway.state.http.TlsCertificate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A cluster at scale for the Ingress sync: {@code services} ClusterIP Services in 100 namespaces, one EndpointSlice of
 * {@code endpoints} endpoints each (as the API server's EndpointSlice controller writes them), and {@code ingresses}
 * Ingresses of four paths each (backends in their namespace), every tenth sharing its host with the previous one
 * (ingress-nginx merges them by host), every fourth with TLS from a Secret of its own.
 */
final class IngressScale {
    static final int NAMESPACES = 100;

    final List<Service> services = new ArrayList<>();
    final List<EndpointSlice> slices = new ArrayList<>();
    final List<Ingress> ingresses = new ArrayList<>();
    final List<Secret> secrets = new ArrayList<>();
    private final int serviceCount;
    private final TlsCertificate cert;
    private int version;

    IngressScale(int services, int endpoints, int ingresses, TlsCertificate cert) {
        this.serviceCount = services;
        this.cert = cert;
        for (int i = 0; i < services; i++) {
            this.services.add(service(i));
            this.slices.add(slice(i, endpoints, -1));
        }
        for (int i = 0; i < ingresses; i++) {
            this.ingresses.add(ingress(i, 0));
            if (i % 4 == 0) this.secrets.add(secret(i, 0));
        }
    }

    static String namespace(int i) {
        return "ns-" + (i % NAMESPACES);
    }

    static Service service(int i) {
        return new ServiceBuilder().withNewMetadata().withNamespace(namespace(i)).withName("svc-" + i)
                .withUid("uid-" + i).endMetadata().withNewSpec().withType("ClusterIP")
                .withClusterIP("10.96." + (i / 250) + "." + (i % 250 + 1))
                .addNewPort().withName("http").withProtocol("TCP").withPort(80).withNewTargetPort(8080).endPort()
                .endSpec().build();
    }

    /** Service {@code i}'s slice; endpoint {@code notReady} (or none, -1) not ready. */
    EndpointSlice slice(int i, int endpoints, int notReady) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(namespace(i))
                .withName("svc-" + i + "-abcde").withResourceVersion(String.valueOf(++version))
                .withLabels(Map.of("kubernetes.io/service-name", "svc-" + i,
                        "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"))
                .endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
        for (int e = 0; e < endpoints; e++) {
            int n = i * endpoints + e;
            b.addNewEndpoint().withAddresses("198.18." + (n / 250 % 256) + "." + (n % 250 + 1))
                    .withNodeName("node-" + (e % 3)).withNewConditions().withReady(e != notReady)
                    .withServing(e != notReady).withTerminating(false).endConditions().endEndpoint();
        }
        return b.build();
    }

    /** Ingress {@code i} at {@code edit} (an edit changes its paths' backends). */
    Ingress ingress(int i, int edit) {
        String ns = namespace(i);
        int host = i % 10 == 9 ? i - 1 : i; // every tenth merges into the previous one's host
        List<HTTPIngressPath> paths = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int svc = ((i * 4 + p + edit) * NAMESPACES + i % NAMESPACES) % serviceCount; // same namespace
            svc = svc - svc % NAMESPACES + i % NAMESPACES;
            paths.add(new HTTPIngressPathBuilder().withPath("/p" + p + (i % 10 == 9 ? "-b" : "")).withPathType("Prefix")
                    .withNewBackend().withNewService().withName("svc-" + svc).withNewPort().withNumber(80).endPort()
                    .endService().endBackend().build());
        }
        IngressBuilder b = new IngressBuilder();
        b.withNewMetadata().withNamespace(ns).withName("ing-" + i)
                .withCreationTimestamp("2026-01-01T00:%02d:%02dZ".formatted(i / 60 % 60, i % 60))
                .withResourceVersion(String.valueOf(++version)).endMetadata()
                .withNewSpec().withIngressClassName("kubeway")
                .addNewRule().withHost("h-" + host + ".example.com").withNewHttp().withPaths(paths).endHttp().endRule()
                .endSpec();
        if (i % 4 == 0) {
            b.editSpec().addNewTl().withHosts("h-" + host + ".example.com").withSecretName("tls-" + i).endTl().endSpec();
        }
        return b.build();
    }

    Secret secret(int i, int edit) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new SecretBuilder().withNewMetadata().withNamespace(namespace(i)).withName("tls-" + i)
                .withResourceVersion(String.valueOf(++version)).withLabels(Map.of("edit", String.valueOf(edit)))
                .endMetadata().withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", b64.encodeToString(cert.certChainPem().getBytes(StandardCharsets.US_ASCII)),
                        "tls.key", b64.encodeToString(cert.privateKeyPem().getBytes(StandardCharsets.US_ASCII))))
                .build();
    }

    /** The snapshot the Ingress sync reads (Services and slices are handed over apart, as admission does). */
    ClusterSnapshot snapshot() {
        List<SourcedObject> objects = new ArrayList<>();
        List<HasMetadata> all = new ArrayList<>(ingresses);
        all.addAll(secrets);
        for (HasMetadata o : all) objects.add(new SourcedObject(o, null));
        ClusterSnapshot snap = new ClusterSnapshot(objects, List.of());
        snap.ofType(Ingress.class); // grouped once per snapshot, before the sync (the controller's stages do it)
        return snap;
    }
}
