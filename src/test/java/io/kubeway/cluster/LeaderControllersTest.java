package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeway.allocate.LoadBalancerIps;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.kube.KubeSource;
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

/**
 * The leader's work against fabric8's mock API server (CRUD mode): LoadBalancer IPs written to and read back
 * from Service status, and leader election over a Lease.
 */
class LeaderControllersTest {
    private static final String NS = "kubeway-system";

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

    private LoadBalancerController controller() {
        return new LoadBalancerController(new LoadBalancerIps(List.of(), "kubeway.io/loadbalancer", false),
                new ApiStatusWriter(client), Clock.systemUTC());
    }

    @Test
    void allocatesFromThePoolWritesStatusKeepsItAcrossARestartAndReleasesIt() {
        client.genericKubernetesResources(KubeSource.IP_ADDRESS_POOLS).inNamespace(NS)
                .resource(new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1")
                        .withKind("IPAddressPool").withNewMetadata().withNamespace(NS).withName("pool").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("addresses", List.of("198.51.100.8/30"))).build())
                .create();
        client.resource(lb("web")).create();
        client.resource(lb("api")).create();
        client.resource(lb("other-class", "example.com/other")).create();
        source = new KubeSource(client, NS, Clock.systemUTC());
        source.start(latest::set);
        await().atMost(Duration.ofSeconds(10)).until(() -> latest.get() != null);

        LoadBalancerController first = controller();
        assertThat(first.sync(latest.get())).isEmpty();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(statusIps("api")).containsExactly("198.51.100.8");
            assertThat(statusIps("web")).containsExactly("198.51.100.9");
        });
        assertThat(statusIps("other-class")).isEmpty();
        assertThat(client.services().inNamespace("demo").withName("web").get().getStatus().getLoadBalancer()
                .getIngress().get(0).getIpMode()).isEqualTo("VIP");
        String webVersion = client.services().inNamespace("demo").withName("web").get().getMetadata().getResourceVersion();

        // a new leader (a restart) reads the truth from status: nothing moves, nothing is written
        await().atMost(Duration.ofSeconds(10)).until(() -> LoadBalancerController.statusIps(service(latest.get(), "web"))
                .equals(List.of("198.51.100.9")));
        assertThat(controller().sync(latest.get())).isEmpty();
        assertThat(client.services().inNamespace("demo").withName("web").get().getMetadata().getResourceVersion())
                .isEqualTo(webVersion);

        client.services().inNamespace("demo").withName("api").edit(s -> new ServiceBuilder(s).editSpec()
                .withType("ClusterIP").withLoadBalancerClass(null).endSpec().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> "ClusterIP".equals(service(latest.get(), "api").getSpec().getType()));
        assertThat(first.sync(latest.get())).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(statusIps("api")).isEmpty());
    }

    @Test
    void anExhaustedPoolIsAnAllocationFailedProblem() {
        client.genericKubernetesResources(KubeSource.IP_ADDRESS_POOLS).inNamespace(NS)
                .resource(new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1")
                        .withKind("IPAddressPool").withNewMetadata().withNamespace(NS).withName("tiny").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("addresses", List.of("198.51.100.20/32"))).build())
                .create();
        client.resource(lb("a")).create();
        client.resource(lb("b")).create();
        source = new KubeSource(client, NS, Clock.systemUTC());
        source.start(latest::set);
        await().atMost(Duration.ofSeconds(10)).until(() -> latest.get() != null);

        List<Problem> problems = controller().sync(latest.get());

        assertThat(problems).extracting(Problem::reason).containsExactly("AllocationFailed");
        assertThat(problems.get(0).message()).startsWith("Failed to allocate IP for \"demo/b\": ");
    }

    @Test
    void twoCandidatesElectOneLeaderAndTheOtherTakesOverWhenItStops() {
        LeaderElection.Timing fast = new LeaderElection.Timing(Duration.ofMillis(1500), Duration.ofMillis(1000),
                Duration.ofMillis(200));
        try (LeaderElection a = new LeaderElection(client, NS, "kubeway", "pod-a", fast, () -> { });
             LeaderElection b = new LeaderElection(client, NS, "kubeway", "pod-b", fast, () -> { })) {
            a.start();
            await().atMost(Duration.ofSeconds(10)).until(a::leading);
            b.start();
            await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(b.leading()).isFalse();
            assertThat(client.leases().inNamespace(NS).withName("kubeway").get().getSpec().getHolderIdentity())
                    .isEqualTo("pod-a");

            long stoppedAt = System.nanoTime();
            a.close();

            await().atMost(Duration.ofSeconds(10)).until(b::leading);
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(10));
            assertThat(client.leases().inNamespace(NS).withName("kubeway").get().getSpec().getHolderIdentity())
                    .isEqualTo("pod-b");
        }
    }

    @Test
    void recordedEventsArePostedOnceAndUpdatedWhenTheyRecur() {
        ApiEvents events = new ApiEvents(client);
        io.fabric8.kubernetes.api.model.Event e = new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata()
                .withNamespace("demo").withName("web.1").endMetadata().withNewInvolvedObject().withKind("Service")
                .withNamespace("demo").withName("web").endInvolvedObject().withType("Warning")
                .withReason("AllocationFailed").withMessage("no IP").withCount(1).build();

        events.post(List.of(e));
        assertThat(client.v1().events().inNamespace("demo").withName("web.1").get().getCount()).isEqualTo(1);
        String version = client.v1().events().inNamespace("demo").withName("web.1").get().getMetadata().getResourceVersion();
        events.post(List.of(e)); // unchanged: no second write
        assertThat(client.v1().events().inNamespace("demo").withName("web.1").get().getMetadata().getResourceVersion())
                .isEqualTo(version);

        events.post(List.of(new io.fabric8.kubernetes.api.model.EventBuilder(e).withCount(3).build()));

        var stored = client.v1().events().inNamespace("demo").withName("web.1").get();
        assertThat(stored.getCount()).isEqualTo(3);
        assertThat(stored.getMetadata().getResourceVersion()).isNotEqualTo(version);
        assertThat(stored.getReason()).isEqualTo("AllocationFailed");
    }

    private List<String> statusIps(String name) {
        return LoadBalancerController.statusIps(client.services().inNamespace("demo").withName(name).get());
    }

    private static Service service(ClusterSnapshot snap, String name) {
        return snap.ofType(Service.class).stream().map(ClusterSnapshot.Sourced::object)
                .filter(s -> s.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static Service lb(String name) {
        return lb(name, null);
    }

    private static Service lb(String name, String cls) {
        return new ServiceBuilder().withNewMetadata().withNamespace("demo").withName(name).endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(cls).withClusterIP("10.96.0." + (1 + Math.floorMod(name.hashCode(), 250)))
                .addNewPort().withPort(80).withNodePort(30000 + Math.floorMod(name.hashCode(), 2000)).endPort().endSpec().build();
    }
}
