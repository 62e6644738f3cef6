package io.kubeway.admin;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdminRouterTest {
    private final AdminRouter router = new AdminRouter(() -> AdminFixtures.view(true), () -> "# metrics\n",
            ApiResources.ALL);

    @Test
    void theRouteTableServesTheApiServersOwnPaths() {
        assertThat(router.routes()).extracting(r -> r.pattern().template()).containsExactly(
                "/healthz",
                "/readyz",
                "/metrics",
                "/apis/kubeway.io/v1/listeners",
                "/api/v1/services",
                "/api/v1/namespaces/{namespace}/services",
                "/api/v1/namespaces/{namespace}/services/{name}",
                "/apis/discovery.k8s.io/v1/endpointslices",
                "/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices",
                "/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices/{name}",
                "/api/v1/events",
                "/api/v1/namespaces/{namespace}/events",
                "/api/v1/namespaces/{namespace}/events/{name}",
                "/api/v1/nodes",
                "/api/v1/nodes/{name}",
                "/apis/networking.k8s.io/v1/ingresses",
                "/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses",
                "/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses/{name}",
                "/apis/kubeway.io/v1/ingressconfigs", "/apis/kubeway.io/v1/ingressconfigs/{name}");
    }

    @Test
    void aResourceIsOneEntry() {
        ApiResource<Service> extra = ApiResource.namespaced("example.io/v1",
                "widgets", ClusterView::services,
                (items, meta) -> new ServiceList("example.io/v1", items, "WidgetList",
                        meta));

        AdminRouter withExtra = new AdminRouter(() -> AdminFixtures.view(true), () -> "", List.of(extra));

        AdminResponse response = withExtra.handle("GET", "/apis/example.io/v1/namespaces/default/widgets", null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"kind\":\"WidgetList\"").contains("\"name\":\"web\"");
        assertThat(withExtra.handle("GET", "/apis/example.io/v1/namespaces/default/widgets/nope", null).body())
                .contains("widgets.example.io \\\"nope\\\" not found");
    }

    @Test
    void malformedQueriesAreBadRequests() {
        AdminResponse response = router.handle("GET", "/api/v1/services", "labelSelector=%zz");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("\"reason\":\"BadRequest\"");
    }

    @Test
    void queryParametersAreDecodedAndTheFirstValueWins() {
        assertThat(AdminRouter.parseQuery("labelSelector=app%3Dweb&labelSelector=x&watch"))
                .containsEntry("labelSelector", "app=web").containsEntry("watch", "");
    }
}
