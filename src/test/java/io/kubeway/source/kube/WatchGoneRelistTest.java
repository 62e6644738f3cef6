package io.kubeway.source.kube;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubeway.admission.ApiServerAdmission;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.Protocol;
import io.kubeway.dataplane.Dataplane;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.sync.Controller;
import io.kubeway.sync.ControllerConfig;
import io.kubeway.testing.MockApiServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watch that ends with 410 Gone (the API server compacted the resourceVersion the watch resumes from) makes the
 * informer list again, and what changed while no watch delivered it reaches the data plane. fabric8's CRUD mock never
 * expires a resourceVersion, so the test's dispatcher answers EndpointSlice watches 410 Gone itself (as a real API
 * server answers a watch from a compacted version) while the test changes a slice behind the informer's back: only a
 * relist can bring that change.
 */
class WatchGoneRelistTest {
    private static final String SLICES = "/apis/discovery.k8s.io/v1/endpointslices";

    private final AtomicReference<Boolean> gone = new AtomicReference<>(true);
    private final AtomicInteger goneAnswers = new AtomicInteger();
    private final AtomicInteger lists = new AtomicInteger();
    private final CountDownLatch firstWatch = new CountDownLatch(1);
    private final AtomicReference<DesiredState> applied = new AtomicReference<>();
    private MockApiServer api;
    private KubeSource source;
    private Controller controller;

    @AfterEach
    void close() {
        if (controller != null) controller.close();
        if (api != null) api.close();
    }

    @Test
    void aWatchAnswered410GoneRelistsAndTheDataPlaneGetsWhatChangedMeanwhile() throws Exception {
        api = MockApiServer.start(crud -> new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath();
                if (path.startsWith(SLICES) && "GET".equals(request.getMethod())) {
                    if (path.contains("watch=true")) {
                        firstWatch.countDown();
                        if (gone.get()) {
                            goneAnswers.incrementAndGet();
                            return new MockResponse().setResponseCode(410).setBody("{\"kind\":\"Status\","
                                    + "\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410,"
                                    + "\"message\":\"too old resource version\"}");
                        }
                    } else {
                        lists.incrementAndGet();
                    }
                }
                return crud.dispatch(request);
            }
        });
        KubernetesClient client = api.client();
        client.resource(service()).create();
        client.resource(slice("127.40.0.1")).create();

        source = new KubeSource(client, "kubeway-system", new KubeSource.Reads(true, false, false), Clock.systemUTC());
        controller = new Controller(new ControllerConfig("node-1", List.of(IpLiterals.of("127.0.0.1")),
                Duration.ofMillis(1), Duration.ofSeconds(30)), source, new ApiServerAdmission(), new Dataplane() {
            @Override
            public Map<ListenKey, String> apply(DesiredState state) {
                applied.set(state);
                return Map.of();
            }

            @Override
            public void close() {
            }
        }, null, new SimpleMeterRegistry(), Clock.systemUTC());
        controller.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> endpoints().contains("127.40.0.1:8080"));

        assertThat(firstWatch.await(20, TimeUnit.SECONDS)).isTrue();
        int listsBefore = lists.get();
        // changed while every watch of slices is refused: no watch event can carry this
        EndpointSlice changed = client.discovery().v1().endpointSlices().inNamespace("default").withName("web-abc").get();
        changed.getEndpoints().get(0).setAddresses(List.of("127.40.0.2"));
        client.resource(changed).update();
        gone.set(false);

        await().atMost(Duration.ofSeconds(30)).until(() -> endpoints().contains("127.40.0.2:8080"));
        assertThat(goneAnswers.get()).as("watches answered 410 Gone").isPositive();
        assertThat(lists.get()).as("the informer listed again after the 410").isGreaterThan(listsBefore);
        assertThat(endpoints()).doesNotContain("127.40.0.1:8080");
    }

    private List<String> endpoints() {
        DesiredState s = applied.get();
        L4Listener l = s == null ? null : s.l4().get(new ListenKey(IpLiterals.of("10.96.7.7"), 80, Protocol.TCP));
        return l == null ? List.of() : l.cluster().endpoints().stream().map(Object::toString).toList();
    }

    private static Service service() {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName("web").withUid("u-web")
                .endMetadata().withNewSpec().withType("ClusterIP").withClusterIP("10.96.7.7").withClusterIPs("10.96.7.7")
                .addNewPort().withName("http").withPort(80).withProtocol("TCP").withNewTargetPort(8080).endPort()
                .addToSelector("app", "web").endSpec().build();
    }

    private static EndpointSlice slice(String ip) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName("web-abc")
                .addToLabels("kubernetes.io/service-name", "web").endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).withServing(true)
                .withTerminating(false).endConditions().endEndpoint().build();
    }
}
