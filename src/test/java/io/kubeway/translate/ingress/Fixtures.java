package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.testing.DecisionText;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.testing.FakeRequest;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Test builders (mutator style) and a fake request for the Ingress translation tests. */
final class Fixtures {
    static final TlsCertificate DEFAULT_CERT = new TlsCertificate("default", "cert", "key");

    private Fixtures() {
    }

    /** Ingress {@code default/<name>} with one rule for {@code host} and one path to {@code web:80}. */
    static Ingress ingress(String name, String host, String pathType, String path, UnaryOperator<IngressBuilder> m) {
        IngressBuilder b = new IngressBuilder().withNewMetadata().withNamespace("default").withName(name)
                .endMetadata().withNewSpec().addNewRule().withHost(host).withNewHttp().addNewPath()
                .withPath(path).withPathType(pathType).withNewBackend().withNewService().withName("web")
                .withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule()
                .endSpec();
        return m.apply(b).build();
    }

    static Ingress ingress(String name, UnaryOperator<IngressBuilder> m) {
        return ingress(name, "app.example.com", "Prefix", "/", m);
    }

    /** Service {@code default/web} port 80 → 8080. */
    static Service web() {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName("web").endMetadata()
                .withNewSpec().withClusterIP("10.96.0.10").addNewPort().withPort(80).endPort().endSpec().build();
    }

    static EndpointSlice webSlice() {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName("web-1")
                .withLabels(Map.of("kubernetes.io/service-name", "web")).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("").withPort(8080).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("10.244.0.5").endEndpoint().build();
    }

    static IngressOptions options() {
        return new IngressOptions(IngressOptions.DEFAULT_CLASS, IngressOptions.CONTROLLER_NAME, false, null, null,
                List.of(), List.of(new ListenKey(IpLiterals.of("127.0.0.1"), 8080, Protocol.TCP)),
                List.of(new ListenKey(IpLiterals.of("127.0.0.1"), 8443, Protocol.TCP)), "node-1");
    }

    /** Translates Ingresses next to {@code web} and its endpoints. */
    static IngressTranslation translate(List<Ingress> ingresses) {
        return translate(ingresses, List.of());
    }

    /** Translates Ingresses next to {@code web}, its endpoints and {@code secrets}. */
    static IngressTranslation translate(List<Ingress> ingresses, List<io.fabric8.kubernetes.api.model.Secret> secrets) {
        return IngressTranslator.translate(new IngressInput(
                ingresses.stream().map(i -> new ClusterSnapshot.Sourced<>(i, "test.yaml")).toList(), List.of(),
                secrets.stream().map(s -> new ClusterSnapshot.Sourced<>(s, "test.yaml")).toList(), List.of(web()), Map.of(new NamespacedName("default", "web"), List.of(webSlice())),
                DEFAULT_CERT, options()));
    }

    /** {@link DecisionText#render} with the full cluster name. */
    static String render(RouteDecision d) {
        return DecisionText.render(d, f -> f.cluster().name());
    }

    /** A request for app.example.com, as the HTTP engine presents it. */
    static FakeRequest req(String pathAndQuery) {
        return FakeRequest.get("app.example.com", pathAndQuery);
    }
}
