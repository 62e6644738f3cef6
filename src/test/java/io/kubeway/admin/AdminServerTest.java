package io.kubeway.admin;

import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminServerTest {
    private final AtomicReference<ClusterView> view = new AtomicReference<>(ClusterView.EMPTY);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private AdminServer server;
    private HttpClient client;

    @BeforeEach
    void start() {
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), view::get, registry);
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        registry.close();
    }

    record Case(String path, int status, String contentType, List<String> itemNames) {
        @Override
        public String toString() {
            return path + " -> " + status;
        }
    }

    static Stream<Case> paths() {
        String json = "application/json";
        return Stream.of(
                new Case("/healthz", 200, "text/plain; charset=utf-8", List.of()),
                new Case("/api/v1/services", 200, json, List.of("db", "web", "api")),
                new Case("/api/v1/namespaces/default/services", 200, json, List.of("db", "web")),
                new Case("/api/v1/namespaces/nowhere/services", 200, json, List.of()),
                new Case("/api/v1/namespaces/default/services/web", 200, json, List.of("web")),
                new Case("/api/v1/services?labelSelector=app%3Dweb", 200, json, List.of("web")),
                new Case("/api/v1/services?labelSelector=app!%3Dweb,tier", 200, json, List.of("db")),
                new Case("/apis/discovery.k8s.io/v1/endpointslices", 200, json, List.of("web-abc12", "api-xyz34")),
                new Case("/apis/discovery.k8s.io/v1/namespaces/team-b/endpointslices", 200, json, List.of("api-xyz34")),
                new Case("/apis/discovery.k8s.io/v1/namespaces/team-b/endpointslices/api-xyz34", 200, json,
                        List.of("api-xyz34")),
                // events come oldest first by lastTimestamp, not by name
                new Case("/api/v1/events", 200, json, List.of("web.1", "api.1", "web.2")),
                new Case("/api/v1/namespaces/default/events", 200, json, List.of("web.1", "web.2")),
                new Case("/api/v1/nodes", 200, json, List.of("kubeway-node")),
                new Case("/api/v1/nodes/kubeway-node", 200, json, List.of("kubeway-node")),
                new Case("/api/v1/namespaces/default/services/missing", 404, json, List.of()),
                new Case("/api/v1/namespaces/default/nodes", 404, json, List.of()),
                new Case("/api/v1/pods", 404, json, List.of()),
                new Case("/", 404, json, List.of()),
                new Case("/api/v1/services?labelSelector=app+in+(web)", 400, json, List.of()));
    }

    @ParameterizedTest
    @MethodSource("paths")
    void servesEveryPath(Case c) throws Exception {
        view.set(AdminFixtures.view(true));
        HttpResponse<String> response = get(c.path());

        assertThat(response.statusCode()).isEqualTo(c.status());
        assertThat(response.headers().firstValue("Content-Type")).contains(c.contentType());
        if (c.status() == 200 && c.contentType().equals("application/json")) {
            assertThat(names(response.body())).containsExactlyElementsOf(c.itemNames());
        }
        if (c.status() >= 400) {
            Status status = Serialization.unmarshal(response.body(), Status.class);
            assertThat(status.getKind()).isEqualTo("Status");
            assertThat(status.getStatus()).isEqualTo("Failure");
            assertThat(status.getCode()).isEqualTo(c.status());
        }
    }

    @Test
    void listsRoundTripIntoFabric8ListsAsTheApiServerShapesThem() throws Exception {
        view.set(AdminFixtures.view(true));

        String services = get("/api/v1/services").body();
        assertThat(services).startsWith("{\"apiVersion\":\"v1\",\"kind\":\"ServiceList\",\"metadata\":{\"resourceVersion\":");
        ServiceList serviceList = Serialization.unmarshal(services, ServiceList.class);
        assertThat(serviceList.getItems()).extracting(s -> s.getSpec().getClusterIP()).containsOnly("10.96.0.10");
        assertThat(serviceList.getMetadata().getResourceVersion()).isNotBlank();

        EndpointSliceList slices = Serialization.unmarshal(get("/apis/discovery.k8s.io/v1/endpointslices").body(),
                EndpointSliceList.class);
        assertThat(slices.getKind()).isEqualTo("EndpointSliceList");
        assertThat(slices.getApiVersion()).isEqualTo("discovery.k8s.io/v1");
        assertThat(slices.getItems().getFirst().getEndpoints().getFirst().getAddresses()).containsExactly("127.0.0.2");

        EventList events = Serialization.unmarshal(get("/api/v1/events").body(), EventList.class);
        assertThat(events.getItems().getFirst().getInvolvedObject().getKind()).isEqualTo("Service");
        NodeList nodes = Serialization.unmarshal(get("/api/v1/nodes").body(), NodeList.class);
        assertThat(nodes.getKind()).isEqualTo("NodeList");

        Service web = Serialization.unmarshal(get("/api/v1/namespaces/default/services/web").body(), Service.class);
        assertThat(web.getKind()).isEqualTo("Service");
        assertThat(web.getMetadata().getLabels()).containsEntry("app", "web");
    }

    @Test
    void emptyListsStillCarryItemsLikeTheApiServer() throws Exception {
        assertThat(get("/api/v1/nodes").body()).contains("\"kind\":\"NodeList\"").endsWith(",\"items\":[]}");
    }

    @Test
    void resourceVersionMovesWhenANewViewIsPublished() throws Exception {
        view.set(AdminFixtures.view(true));
        String first = resourceVersion();
        assertThat(resourceVersion()).isEqualTo(first);

        view.set(AdminFixtures.view(true));

        assertThat(Long.parseLong(resourceVersion())).isGreaterThan(Long.parseLong(first));
    }

    @Test
    void notFoundIsWordedAsTheApiServerWordsIt() throws Exception {
        view.set(AdminFixtures.view(true));

        Status service = Serialization.unmarshal(get("/api/v1/namespaces/default/services/x").body(), Status.class);
        assertThat(service.getMessage()).isEqualTo("services \"x\" not found");
        assertThat(service.getReason()).isEqualTo("NotFound");
        assertThat(service.getDetails().getKind()).isEqualTo("services");
        assertThat(service.getDetails().getName()).isEqualTo("x");

        Status slice = Serialization.unmarshal(
                get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/x").body(), Status.class);
        assertThat(slice.getMessage()).isEqualTo("endpointslices.discovery.k8s.io \"x\" not found");
        assertThat(slice.getDetails().getGroup()).isEqualTo("discovery.k8s.io");

        Status unknown = Serialization.unmarshal(get("/api/v1/secrets").body(), Status.class);
        assertThat(unknown.getMessage()).isEqualTo("the server could not find the requested resource");
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/api/v1/services"))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
            assertThat(Serialization.unmarshal(response.body(), Status.class).getReason()).isEqualTo("MethodNotAllowed");
        }
        assertThat(client.send(HttpRequest.newBuilder(uri("/healthz")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void readyzFollowsTheView() throws Exception {
        HttpResponse<String> before = get("/readyz");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).isEqualTo("[-]sync: the first state has not been programmed yet\nreadyz check failed");

        view.set(AdminFixtures.view(true));

        HttpResponse<String> after = get("/readyz");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo("ok");
        assertThat(get("/healthz").body()).isEqualTo("ok");

        view.set(AdminFixtures.view(true).withNotReady(List.of("listener 127.0.0.1:80/TCP: failed to bind: denied")));

        HttpResponse<String> degraded = get("/readyz");
        assertThat(degraded.statusCode()).isEqualTo(503);
        assertThat(degraded.body()).isEqualTo("[-]listener 127.0.0.1:80/TCP: failed to bind: denied\nreadyz check failed");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsExposeTheRegistryInPrometheusText() throws Exception {
        registry.counter("kubeway_admin_test_total", "kind", "probe").increment(3);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("kubeway_admin_test_total{kind=\"probe\"} 3.0");
    }

    @Test
    void aViewSupplierFailureBecomesA500Status() throws Exception {
        try (AdminServer failing = new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> {
            throw new IllegalStateException("boom");
        }, registry)) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://"
                    + AdminServer.hostPort(failing.address()) + "/api/v1/services")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(Serialization.unmarshal(response.body(), Status.class).getMessage()).contains("boom");
        }
    }

    @Test
    void anAddressInUseFailsConstructionWithAClearMessage() {
        InetSocketAddress taken = server.address();

        assertThatThrownBy(() -> new AdminServer(taken, view::get, registry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + taken.getPort())
                .hasMessageContaining("address already in use");
    }

    @Test
    void portZeroReportsTheBoundPort() {
        assertThat(server.address().getPort()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    private String resourceVersion() throws Exception {
        return Serialization.unmarshal(get("/api/v1/services").body(), ServiceList.class).getMetadata()
                .getResourceVersion();
    }

    private static List<String> names(String json) {
        Object parsed = Serialization.unmarshal(json);
        if (parsed instanceof io.fabric8.kubernetes.api.model.KubernetesResourceList<?> list) {
            return list.getItems().stream().map(o -> ((HasMetadata) o).getMetadata().getName()).toList();
        }
        return List.of(((HasMetadata) parsed).getMetadata().getName());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://" + AdminServer.hostPort(server.address()) + path);
    }
}
