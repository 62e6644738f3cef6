package io.kubeway.source.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.SourcedObject;
import io.kubeway.testing.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The API-server source against fabric8's mock API server in CRUD mode (list + watch over real HTTP). */
class KubeSourceTest {
    private MockApiServer api;
    private KubernetesClient client;
    private KubeSource source;
    private final AtomicReference<ClusterSnapshot> latest = new AtomicReference<>();

    @BeforeEach
    void startServer() {
        api = MockApiServer.start();
        client = api.client();
    }

    @AfterEach
    void stop() {
        if (source != null) source.close();
        api.close();
    }

    private void startSource() {
        source = new KubeSource(client, "kubeway-system", Clock.systemUTC());
        source.start(latest::set);
    }

    @Test
    void firstSnapshotHoldsEveryWatchedKindInAStableOrderAndOnlyReferencedSecrets() {
        create(service("b", "web"), service("a", "web"), service("a", "api"), slice("a", "web-abc", "web"));
        client.secrets().inNamespace("a").resource(secret("a", "web-tls")).create();
        client.secrets().inNamespace("a").resource(secret("a", "unrelated")).create();
        client.network().v1().ingresses().inNamespace("a").resource(new IngressBuilder()
                .withNewMetadata().withNamespace("a").withName("web").endMetadata()
                .withNewSpec().addNewTl().withSecretName("web-tls").addToHosts("web.example").endTl().endSpec()
                .build()).create();
        client.genericKubernetesResources(WatchedKind.POOLS).inNamespace("kubeway-system").resource(pool()).create();

        startSource();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(latest.get())).containsExactly(
                "Service a/api", "Service a/web", "Service b/web", "EndpointSlice a/web-abc", "Ingress a/web",
                "Secret a/web-tls", "IPAddressPool kubeway-system/default"));
        assertThat(source.stalled()).isEmpty();
    }

    /**
     * An informer counts as synced once its store holds the list, but fabric8 hands the listed objects to the event
     * handlers later, on another thread: a first snapshot taken then lacked objects (in the scale benchmark, 117 of
     * 500 Services got no endpoints in the first sync, and /readyz said ready).
     */
    @Test
    void theFirstSnapshotHoldsEveryListedObject() {
        int n = 400;
        HasMetadata[] slices = new HasMetadata[n];
        for (int i = 0; i < n; i++) {
            slices[i] = slice("a", "web-" + i, "web-" + i);
        }
        create(slices);
        AtomicReference<ClusterSnapshot> first = new AtomicReference<>();
        source = new KubeSource(client, "kubeway-system", Clock.systemUTC());
        source.start(s -> first.compareAndSet(null, s));

        await().atMost(Duration.ofSeconds(20)).until(() -> first.get() != null);
        assertThat(first.get().objects()).hasSize(n);
    }

    @Test
    void aChangeRepublishesAndUnchangedObjectsKeepTheirInstance() {
        create(service("a", "web"), slice("a", "web-abc", "web"));
        startSource();
        await().atMost(Duration.ofSeconds(10)).until(() -> latest.get() != null && latest.get().objects().size() == 2);
        HasMetadata sliceBefore = find(latest.get(), "EndpointSlice");

        client.services().inNamespace("a").withName("web").edit(s -> new ServiceBuilder(s).editMetadata()
                .addToLabels("changed", "yes").endMetadata().build());

        await().atMost(Duration.ofSeconds(10)).until(() ->
                "yes".equals(((Service) find(latest.get(), "Service")).getMetadata().getLabels().get("changed")));
        assertThat(find(latest.get(), "EndpointSlice")).isSameAs(sliceBefore);

        client.discovery().v1().endpointSlices().inNamespace("a").withName("web-abc").delete();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(names(latest.get())).containsExactly("Service a/web"));
    }

    @Test
    void aSecretLeavesWhenNoIngressNamesItAnyMore() {
        client.secrets().inNamespace("a").resource(secret("a", "web-tls")).create();
        client.network().v1().ingresses().inNamespace("a").resource(new IngressBuilder()
                .withNewMetadata().withNamespace("a").withName("web")
                .addToAnnotations("nginx.ingress.kubernetes.io/auth-secret", "a/web-tls").endMetadata()
                .withNewSpec().endSpec().build()).create();
        startSource();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(names(latest.get())).containsExactly("Ingress a/web", "Secret a/web-tls"));

        client.network().v1().ingresses().inNamespace("a").withName("web").delete();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(latest.get())).isEmpty());
    }

    @Test
    void anUnreachableApiServerKeepsTheLastSnapshotAndSaysSoInStalled() {
        create(service("a", "web"));
        startSource();
        await().atMost(Duration.ofSeconds(10)).until(() -> latest.get() != null && latest.get().objects().size() == 1);
        ClusterSnapshot before = latest.get();

        api.server().destroy();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(source.stalled())
                .anySatisfy(line -> assertThat(line).startsWith("source: watch of services (v1), all namespaces is down since")));
        assertThat(latest.get()).isSameAs(before);
    }

    private void create(HasMetadata... objects) {
        for (HasMetadata o : objects) {
            client.resource(o).create();
        }
    }

    private static Service service(String ns, String name) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withClusterIP("10.96.0.10").addNewPort().withPort(80).endPort().endSpec().build();
    }

    private static EndpointSlice slice(String ns, String name, String service) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .addToLabels("kubernetes.io/service-name", service).endMetadata().withAddressType("IPv4").build();
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(String ns, String name) {
        return new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .addToStringData("k", "v").build();
    }

    private static GenericKubernetesResource pool() {
        return new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("IPAddressPool")
                .withNewMetadata().withNamespace("kubeway-system").withName("default").endMetadata()
                .addToAdditionalProperties("spec", Map.of("addresses", List.of("192.0.2.0/28"))).build();
    }

    private static List<String> names(ClusterSnapshot s) {
        return s == null ? List.of() : s.objects().stream().map(SourcedObject::object)
                .map(o -> o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName()).toList();
    }

    private static HasMetadata find(ClusterSnapshot s, String kind) {
        return s.objects().stream().map(SourcedObject::object).filter(o -> kind.equals(o.getKind())).findFirst()
                .orElseThrow();
    }
}
