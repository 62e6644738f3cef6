package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.http.ExternalAuth;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.routing.GlobalRules;
import io.kubeway.state.http.routing.RoutePolicy;
import io.kubeway.state.http.EdgeSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which routes the controller ConfigMap's global auth reaches, and how its denial is lifted on no-auth locations. */
class GlobalAuthTest {
    static final ExternalAuth GLOBAL = ExternalAuthAnnotations.build("http://auth.example/check", null, null, "rd",
            List.of(), null);
    static final String DENIAL = "ConfigMap ingress-nginx/ctl: global-auth-url cannot be honoured";

    private static IngressTranslation translate(GlobalAuth auth, Ingress... ingresses) {
        ControllerConfig config = new ControllerConfig(new NamespacedName("ingress-nginx", "ctl"), RoutePolicy.DEFAULT,
                GlobalRules.NONE, EdgeSettings.DEFAULT, List.of(), auth);
        return IngressTranslator.translate(new IngressInput(
                List.of(ingresses).stream().map(i -> new ClusterSnapshot.Sourced<>(i, "test.yaml")).toList(),
                List.of(), List.of(), List.of(Fixtures.web()),
                Map.of(new NamespacedName("default", "web"), List.of(Fixtures.webSlice())), Fixtures.DEFAULT_CERT,
                Fixtures.options(), config));
    }

    private static Ingress twoPaths(String name, Map<String, String> annotations) {
        return Fixtures.ingress(name, b -> b.editMetadata().withAnnotations(annotations).endMetadata().editSpec()
                .editFirstRule().editHttp().addNewPath().withPath("/.well-known/acme-challenge").withPathType("Prefix")
                .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService()
                .endBackend().endPath().endHttp().endRule().endSpec());
    }

    private static RouteDecision route(IngressTranslation t, String path) {
        return t.http().router().route(Fixtures.req(path));
    }

    private static ExternalAuth authOf(RouteDecision d) {
        assertThat(d).isInstanceOf(RouteDecision.Forward.class);
        return ((RouteDecision.Forward) d).externalAuth();
    }

    @Test
    void routesWithoutTheirOwnAuthUrlGetTheGlobalOne() {
        IngressTranslation t = translate(new GlobalAuth(GLOBAL, null, List.of("/.well-known/acme-challenge")),
                twoPaths("app", Map.of()));
        assertThat(authOf(route(t, "/x"))).isEqualTo(GLOBAL);
        assertThat(authOf(route(t, "/.well-known/acme-challenge/t"))).as("no-auth location").isNull();

        IngressTranslation out = translate(new GlobalAuth(GLOBAL, null, List.of()),
                twoPaths("app", Map.of("nginx.ingress.kubernetes.io/enable-global-auth", "false")));
        assertThat(authOf(route(out, "/x"))).as("opted out").isNull();

        IngressTranslation own = translate(new GlobalAuth(GLOBAL, null, List.of()),
                twoPaths("app", Map.of("nginx.ingress.kubernetes.io/auth-url", "http://own.example/")));
        assertThat(authOf(route(own, "/x")).url()).isEqualTo("http://own.example/");
    }

    @Test
    void aBrokenGlobalAuthClosesWhatItProtectsAndNoAuthLocationsKeepOtherDenials() {
        IngressTranslation t = translate(new GlobalAuth(null, DENIAL, List.of("/.well-known/acme-challenge")),
                twoPaths("app", Map.of()));
        assertThat(route(t, "/x")).isInstanceOfSatisfying(RouteDecision.Respond.class,
                r -> assertThat(r.status()).isEqualTo(503));
        assertThat(authOf(route(t, "/.well-known/acme-challenge/t"))).isNull();

        // The Ingress's own unhonourable annotation keeps even its no-auth location closed.
        IngressTranslation both = translate(new GlobalAuth(null, DENIAL, List.of("/.well-known/acme-challenge")),
                twoPaths("app", Map.of("nginx.ingress.kubernetes.io/auth-snippet", "return 200;")));
        assertThat(route(both, "/.well-known/acme-challenge/t")).isInstanceOfSatisfying(RouteDecision.Respond.class,
                r -> assertThat(r.status()).isEqualTo(503));
        assertThat(both.problems()).extracting(Problem::message).noneMatch(m -> m.contains("global-auth"));

        // enable-global-auth without a global-auth-url is reported.
        IngressTranslation none = translate(GlobalAuth.NONE,
                twoPaths("app", Map.of("nginx.ingress.kubernetes.io/enable-global-auth", "false")));
        assertThat(none.problems()).extracting(Problem::message).anyMatch(m -> m.contains("enable-global-auth has no "
                + "effect"));
    }
}
