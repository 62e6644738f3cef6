package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.core.NamespacedName;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The translation of ssl-passthrough (what is passed through, what is reported, and the fail-closed rule with access
 * restrictions) and of the upstream annotations' bad values.
 */
class PassthroughAndUpstreamTest {
    static final String N = "nginx.ingress.kubernetes.io/";

    private static IngressTranslation translate(boolean passthrough, List<Ingress> ingresses) {
        IngressOptions o = Fixtures.options();
        IngressOptions with = new IngressOptions(o.ingressClass(), o.controllers(), o.ingressClassByName(),
                o.watchWithoutClass(), o.defaultBackendService(), o.publishService(), o.publishStatusAddresses(),
                o.http(), o.https(), o.nodeName(), passthrough);
        return IngressTranslator.translate(new IngressInput(
                ingresses.stream().map(i -> new ClusterSnapshot.Sourced<>(i, "test.yaml")).toList(), List.of(),
                List.of(), List.of(Fixtures.web()), Map.of(new NamespacedName("default", "web"),
                List.of(Fixtures.webSlice())), Fixtures.DEFAULT_CERT, with));
    }

    private static Ingress annotated(String name, String host, String path, Map<String, String> annotations) {
        return Fixtures.ingress(name, host, "Prefix", path, b -> b.editMetadata().withAnnotations(annotations)
                .withCreationTimestamp("2026-01-0" + (name.length() % 9 + 1) + "T00:00:00Z").endMetadata());
    }

    private static List<String> problems(IngressTranslation t) {
        return t.problems().stream().map(p -> p.object().name() + " " + p.reason() + ": " + p.message()).toList();
    }

    @Test
    void thePassthroughHostGoesToTheEndpointsOfItsRootPath() {
        IngressTranslation t = translate(true, List.of(annotated("tls", "app.example.com", "/",
                Map.of(N + "ssl-passthrough", "true"))));
        HttpCluster c = t.http().passthrough().get("app.example.com");
        assertThat(c).isNotNull();
        assertThat(c.endpoints()).extracting(Object::toString).containsExactly("10.244.0.5:8080");
        assertThat(problems(t)).isEmpty();
    }

    @Test
    void withoutTheFlagNothingIsPassedThroughAndTheAnnotationIsReported() {
        IngressTranslation t = translate(false, List.of(annotated("tls", "app.example.com", "/",
                Map.of(N + "ssl-passthrough", "true"))));
        assertThat(t.http().passthrough()).isEmpty();
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).contains("needs --enable-ssl-passthrough"));
    }

    @Test
    void anAccessRestrictionKeepsTheHostTerminatedWithTheRestriction() {
        IngressTranslation t = translate(true, List.of(annotated("tls", "app.example.com", "/",
                Map.of(N + "ssl-passthrough", "true", N + "whitelist-source-range", "10.0.0.0/8"))));
        assertThat(t.http().passthrough()).isEmpty();
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).contains("whitelist-source-range")
                .contains("fail closed"));
        // the restriction is enforced on the terminated host
        assertThat(Fixtures.render(t.http().router().route(Fixtures.req("/").overTls().withClient("192.0.2.1"))))
                .startsWith("403");
    }

    @Test
    void anotherIngressRestrictingTheHostKeepsItTerminated() {
        IngressTranslation t = translate(true, List.of(
                annotated("a", "app.example.com", "/", Map.of(N + "ssl-passthrough", "true")),
                annotated("bbbb", "app.example.com", "/admin", Map.of(N + "whitelist-source-range", "10.0.0.0/8"))));
        assertThat(t.http().passthrough()).isEmpty();
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).startsWith("a ").contains("Ingress default/bbbb")
                .contains("fail closed"));
    }

    @Test
    void wildcardHostsOtherPathsAndASecondClaimAreReported() {
        IngressTranslation t = translate(true, List.of(
                annotated("a", "app.example.com", "/", Map.of(N + "ssl-passthrough", "true")),
                annotated("bbbb", "app.example.com", "/", Map.of(N + "ssl-passthrough", "true")),
                annotated("cc", "*.example.com", "/", Map.of(N + "ssl-passthrough", "true")),
                annotated("ddd", "api.example.com", "/api", Map.of(N + "ssl-passthrough", "true"))));
        assertThat(t.http().passthrough()).containsOnlyKeys("app.example.com");
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).startsWith("bbbb Conflict").contains("already passed "
                + "through by Ingress default/a"));
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).startsWith("cc ").contains("wildcard host"));
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).startsWith("ddd ").contains("paths [/api]"));
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).startsWith("ddd ").contains("has no path /"));
    }

    @Test
    void backendTlsThatCannotVerifyClosesTheRoutes() {
        IngressTranslation t = translate(false, List.of(annotated("tls", "app.example.com", "/", Map.of(
                N + "backend-protocol", "HTTPS", N + "proxy-ssl-verify", "on"))));
        assertThat(Fixtures.render(t.http().router().route(Fixtures.req("/")))).startsWith("503");
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).contains("proxy-ssl-verify").contains("ca.crt")
                .contains("fail closed"));

        IngressTranslation missing = translate(false, List.of(annotated("tls", "app.example.com", "/", Map.of(
                N + "backend-protocol", "HTTPS", N + "proxy-ssl-secret", "default/nope"))));
        assertThat(Fixtures.render(missing.http().router().route(Fixtures.req("/")))).startsWith("503");

        IngressTranslation plain = translate(false, List.of(annotated("tls", "app.example.com", "/", Map.of(
                N + "proxy-ssl-verify", "on"))));
        assertThat(Fixtures.render(plain.http().router().route(Fixtures.req("/")))).startsWith("fwd");
        assertThat(problems(plain)).anySatisfy(p -> assertThat(p).contains("without backend-protocol HTTPS"));
    }

    @Test
    void upstreamValuesKubewayCannotHonourAreReportedAndIgnored() {
        IngressTranslation t = translate(false, List.of(
                annotated("vh", "vh.example.com", "/", Map.of(N + "upstream-vhost", "$host.internal")),
                annotated("rd", "rd.example.com", "/", Map.of(N + "proxy-redirect-to", "https://x/")),
                annotated("rx", "rx.example.com", "/", Map.of(N + "proxy-redirect-from", "~^http://(.*)$",
                        N + "proxy-redirect-to", "https://$1")),
                annotated("su", "su.example.com", "/", Map.of(N + "service-upstream", "true",
                        N + "upstream-vhost", "web.internal"))));
        assertThat(Fixtures.render(t.http().router().route(FakeRequest.get("vh.example.com", "/"))))
                .doesNotContain("Host=");
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).startsWith("vh ").contains("not expanded"));
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).startsWith("rd ").contains("has no effect"));
        assertThat(problems(t)).anySatisfy(p -> assertThat(p).startsWith("rx ").contains("not expanded"));
        assertThat(Fixtures.render(t.http().router().route(FakeRequest.get("su.example.com", "/"))))
                .contains("(ClusterIP)").contains("set={Host=web.internal}");
        assertThat(t.http().router() instanceof io.kubeway.state.http.routing.RouteTable rt ? rt.dump() : "")
                .contains("10.96.0.10:80");
    }
}
