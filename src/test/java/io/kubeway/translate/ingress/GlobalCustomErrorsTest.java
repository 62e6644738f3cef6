package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.core.NamespacedName;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.http.EdgeSettings;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.UpstreamPolicy;
import io.kubeway.state.http.routing.GlobalRules;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller ConfigMap's {@code custom-http-errors} on the routes, as ingress-nginx's template combines it with
 * the annotations: a route without its own {@code custom-http-errors} inherits the controller-wide list, sent to the
 * controller's default backend ({@code --default-backend-service}, else the built-in 404), even when its Ingress has a
 * {@code default-backend} annotation; the annotation's list replaces it. The traffic is in
 * {@code ControllerConfigMapErrorsIT}.
 */
class GlobalCustomErrorsTest {
    private static final String N = "nginx.ingress.kubernetes.io/";
    private static final NamespacedName CM = new NamespacedName("ingress-nginx", "ctl");
    private static final NamespacedName ERRORS = new NamespacedName("default", "errors");

    /** Translates {@code app} (to web:80) with {@code annotations}, the global list and --default-backend-service. */
    private static IngressTranslation translate(Set<Integer> global, @Nullable NamespacedName defaultService,
                                                boolean errorsHaveEndpoints, Map<String, String> annotations) {
        Ingress ing = Fixtures.ingress("app", b -> b.editMetadata().withAnnotations(annotations).endMetadata());
        ControllerConfig config = new ControllerConfig(CM, RoutePolicy.DEFAULT, GlobalRules.NONE,
                EdgeSettings.DEFAULT, List.of(), GlobalAuth.NONE, global);
        IngressOptions d = Fixtures.options();
        IngressOptions o = new IngressOptions(d.ingressClass(), d.controllers(), d.ingressClassByName(),
                d.watchWithoutClass(), defaultService, null, List.of(), d.http(), d.https(), d.nodeName(), false);
        List<EndpointSlice> errorSlices = new ArrayList<>();
        if (errorsHaveEndpoints) errorSlices.add(errorsSlice());
        return IngressTranslator.translate(new IngressInput(List.of(new ClusterSnapshot.Sourced<>(ing, "test.yaml")),
                List.of(), List.of(), List.of(Fixtures.web(), errors()),
                Map.of(new NamespacedName("default", "web"), List.of(Fixtures.webSlice()), ERRORS, errorSlices),
                Fixtures.DEFAULT_CERT, o, config));
    }

    private static Service errors() {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName("errors").endMetadata()
                .withNewSpec().withClusterIP("10.96.0.11").addNewPort().withPort(8080).endPort().endSpec().build();
    }

    private static EndpointSlice errorsSlice() {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName("errors-1")
                .withLabels(Map.of("kubernetes.io/service-name", "errors")).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("").withPort(8080).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("10.244.0.6").endEndpoint().build();
    }

    private static UpstreamPolicy.@Nullable ErrorPages pages(IngressTranslation t) {
        UpstreamPolicy u = ((RouteDecision.Forward) t.http().router().route(Fixtures.req("/x"))).upstream();
        return u == null ? null : u.errorPages();
    }

    private static List<String> problems(IngressTranslation t) {
        return t.problems().stream().map(p -> p.reason() + ": " + p.message()).toList();
    }

    @Test
    void theGlobalListGoesToTheDefaultBackendService() {
        IngressTranslation t = translate(Set.of(503, 404), ERRORS, true, Map.of());
        assertThat(problems(t)).isEmpty();
        assertThat(pages(t).codes()).containsExactlyInAnyOrder(404, 503);
        assertThat(pages(t).backend().name()).isEqualTo("default/errors:8080");
        assertThat(pages(translate(Set.of(), ERRORS, true, Map.of()))).as("no list, nothing to pay").isNull();
    }

    @Test
    void theAnnotationReplacesTheGlobalListAndItsDefaultBackendServesOnlyItsOwnList() {
        IngressTranslation own = translate(Set.of(503), ERRORS, true, Map.of(N + "custom-http-errors", "404",
                N + "default-backend", "web"));
        assertThat(pages(own).codes()).as("the annotation replaces, it does not add").containsExactly(404);
        assertThat(pages(own).backend().name()).isEqualTo("default/web:80");

        IngressTranslation inherited = translate(Set.of(503), ERRORS, true, Map.of(N + "default-backend", "web"));
        assertThat(pages(inherited).codes()).containsExactly(503);
        assertThat(pages(inherited).backend().name()).as("nginx's http-level error_page: upstream-default-backend")
                .isEqualTo("default/errors:8080");

        IngressTranslation bad = translate(Set.of(503), ERRORS, true, Map.of(N + "custom-http-errors", "abc"));
        assertThat(pages(bad).codes()).as("a bad annotation is ignored: the global list applies").containsExactly(503);
        assertThat(problems(bad)).hasSize(1).first().asString().startsWith("InvalidAnnotation");
    }

    @Test
    void withoutADefaultBackendWithEndpointsTheBuiltIn404AnswersWithAWarning() {
        IngressTranslation none = translate(Set.of(503), null, true, Map.of());
        assertThat(pages(none)).isEqualTo(new UpstreamPolicy.ErrorPages(Set.of(503), null));
        assertThat(problems(none)).containsExactly("NoDefaultBackend: ConfigMap ingress-nginx/ctl: custom-http-errors "
                + "[503] with no --default-backend-service: on routes without their own custom-http-errors annotation "
                + "these statuses are answered by the built-in default backend (404 \"default backend - 404\"), as in "
                + "ingress-nginx");
        IngressTranslation empty = translate(Set.of(503), ERRORS, false, Map.of());
        assertThat(pages(empty).backend()).as("ingress-nginx's upstream-default-backend falls back to its built-in "
                + "server").isNull();
        assertThat(problems(empty)).anySatisfy(p -> assertThat(p).contains("--default-backend-service has no ready "
                + "endpoints"));
        assertThat(problems(translate(Set.of(), null, true, Map.of()))).as("no list, no warning").isEmpty();
    }
}
