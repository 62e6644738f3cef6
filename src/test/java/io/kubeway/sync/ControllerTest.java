package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kubeway.admission.Admission;
import io.kubeway.admission.ApiServerAdmission;
import io.kubeway.admission.StandaloneAdmission;
import io.kubeway.allocate.AllocationStore;
import io.kubeway.allocate.Allocator;
import io.kubeway.allocate.AllocatorConfig;
import io.kubeway.dataplane.Dataplane;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ObjectSource;
import io.kubeway.source.SourcedObject;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole sync pipeline (source → admission → translation → data plane → view) without sockets or files:
 * a source that hands over snapshots, a data plane that records what it is given.
 */
class ControllerTest {
    private static final InetAddress NODE = InetAddress.getLoopbackAddress();

    @TempDir
    Path stateDir;

    private final FakeSource source = new FakeSource();
    private final RecordingDataplane dataplane = new RecordingDataplane();
    private Controller controller;

    @AfterEach
    void close() {
        if (controller != null) controller.close();
    }

    private void start(Admission admission) {
        controller = new Controller(new ControllerConfig("node-1", List.of(NODE), Duration.ofMillis(1),
                Duration.ofSeconds(30)), source, admission, dataplane, null, new SimpleMeterRegistry(),
                Clock.systemUTC());
        controller.start();
    }

    private StandaloneAdmission standalone() {
        return new StandaloneAdmission(new Allocator(new AllocatorConfig("10.96.0.0/16", "30000-32767",
                List.of("192.0.2.0/28"), "kubeway.io/loadbalancer"), Clock.systemUTC()), new AllocationStore(stateDir));
    }

    @Test
    void standaloneAllocatesAClusterIpFromTheRangeAndServesIt() {
        start(standalone());
        source.publish(service("web", null), slice("web", "127.0.0.1"));

        DesiredState state = dataplane.awaitState(s -> !s.l4().isEmpty());
        assertThat(state.l4().keySet()).singleElement().satisfies(key -> {
            assertThat(key.address().getHostAddress()).startsWith("10.96.");
            assertThat(key.port()).isEqualTo(80);
        });
        assertThat(controller.view().services()).singleElement()
                .satisfies(s -> assertThat(s.getSpec().getClusterIP()).startsWith("10.96."));
    }

    @Test
    void standaloneKeepsTheLastAcceptedVersionWhenAnEditIsInvalid() {
        start(standalone());
        source.publish(service("web", null), slice("web", "127.0.0.1"));
        ListenKey before = dataplane.awaitState(s -> !s.l4().isEmpty()).l4().keySet().iterator().next();

        Service invalid = new ServiceBuilder(service("web", null)).editSpec().editFirstPort().withPort(70000)
                .endPort().endSpec().build();
        source.publish(invalid, slice("web", "127.0.0.1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> controller.view().events().stream()
                .anyMatch(e -> e.getMessage().contains("spec.ports[0].port: Invalid value: 70000")));
        assertThat(dataplane.last().l4().keySet()).containsExactly(before);
    }

    @Test
    void apiServerAdmissionTakesTheClusterIpAsTheApiServerWroteItAndSkipsOtherProxiesServices() {
        start(new ApiServerAdmission());
        Service other = new ServiceBuilder(service("other", "10.0.0.20")).editMetadata()
                .addToLabels(ApiServerAdmission.SERVICE_PROXY_NAME, "someone-else").endMetadata().build();
        source.publish(service("web", "172.30.9.9"), slice("web", "192.0.2.7"), other, slice("other", "192.0.2.8"));

        DesiredState state = dataplane.awaitState(s -> !s.l4().isEmpty());
        assertThat(state.l4().values()).extracting(L4Listener::key).extracting(k -> k.address().getHostAddress() + ":" + k.port())
                .containsExactly("172.30.9.9:80");
        assertThat(state.l4().values()).singleElement().satisfies(l -> assertThat(l.cluster().endpoints())
                .extracting(e -> e.ip().getHostAddress() + ":" + e.port()).containsExactly("192.0.2.7:8080"));
        assertThat(stateDir).isEmptyDirectory(); // nothing allocated, nothing persisted
    }

    private static Service service(String name, String clusterIp) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name)
                .withUid("uid-" + name).endMetadata().withNewSpec().withType("ClusterIP").withSessionAffinity("None")
                .addNewPort().withName("http").withProtocol("TCP").withPort(80)
                .withNewTargetPort(8080).endPort().endSpec();
        if (clusterIp != null) {
            b.editSpec().withClusterIP(clusterIp).withClusterIPs(clusterIp).withIpFamilies("IPv4")
                    .withIpFamilyPolicy("SingleStack").withInternalTrafficPolicy("Cluster").endSpec();
        }
        return b.build();
    }

    private static EndpointSlice slice(String service, String ip) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(service + "-abc")
                .addToLabels("kubernetes.io/service-name", service).endMetadata().withAddressType("IPv4")
                .addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions().endEndpoint()
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort().build();
    }

    /** Hands over the snapshots the test publishes. */
    private static final class FakeSource implements ObjectSource {
        private volatile Consumer<ClusterSnapshot> onChange;

        @Override
        public void start(Consumer<ClusterSnapshot> onChange) {
            this.onChange = onChange;
        }

        void publish(HasMetadata... objects) {
            List<SourcedObject> out = new ArrayList<>();
            for (HasMetadata o : objects) out.add(new SourcedObject(o, "test.yaml"));
            onChange.accept(new ClusterSnapshot(out, List.of()));
        }

        @Override
        public void close() {
        }
    }

    /** Records every state it is asked to apply; binds nothing. */
    private static final class RecordingDataplane implements Dataplane {
        private final AtomicReference<DesiredState> last = new AtomicReference<>();

        @Override
        public Map<ListenKey, String> apply(DesiredState state) {
            last.set(state);
            return Map.of();
        }

        DesiredState last() {
            return last.get();
        }

        DesiredState awaitState(java.util.function.Predicate<DesiredState> p) {
            await().atMost(Duration.ofSeconds(5)).until(() -> last.get() != null && p.test(last.get()));
            return last.get();
        }

        @Override
        public void close() {
        }
    }
}
