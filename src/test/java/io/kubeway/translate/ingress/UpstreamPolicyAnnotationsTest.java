package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.UpstreamPolicy;
import io.kubeway.state.http.UpstreamPolicy.Case;
import io.kubeway.state.http.UpstreamPolicy.NextUpstream;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code custom-http-errors}, {@code default-backend} and {@code proxy-next-upstream*} from annotations to the
 * route's {@link UpstreamPolicy}; the traffic is in {@code ErrorPagesIT} and {@code NextUpstreamTest}.
 */
class UpstreamPolicyAnnotationsTest {
    private static final String N = "nginx.ingress.kubernetes.io/";

    private static IngressTranslation translate(Map<String, String> annotations) {
        Ingress ing = Fixtures.ingress("app", b -> b.editMetadata().withAnnotations(annotations).endMetadata());
        return Fixtures.translate(List.of(ing));
    }

    private static List<String> problems(IngressTranslation t) {
        return t.problems().stream().map(p -> p.reason() + ": " + p.message()).toList();
    }

    private static UpstreamPolicy upstream(IngressTranslation t) {
        return ((RouteDecision.Forward) t.http().router().route(Fixtures.req("/x"))).upstream();
    }

    @Test
    void nextUpstreamTakesNginxSyntaxAndIngressNginxDefaults() {
        IngressTranslation t = translate(Map.of(N + "proxy-next-upstream", "error  timeout http_503 non_idempotent",
                N + "proxy-next-upstream-tries", "5", N + "proxy-next-upstream-timeout", "10"));
        assertThat(problems(t)).isEmpty();
        assertThat(upstream(t).nextUpstream()).isEqualTo(new NextUpstream(EnumSet.of(Case.ERROR, Case.TIMEOUT,
                Case.HTTP_503, Case.NON_IDEMPOTENT), 5, Duration.ofSeconds(10)));
        assertThat(upstream(translate(Map.of(N + "proxy-next-upstream-tries", "1"))).nextUpstream())
                .isEqualTo(new NextUpstream(EnumSet.of(Case.ERROR, Case.TIMEOUT), 1, Duration.ZERO));
        assertThat(upstream(translate(Map.of(N + "proxy-next-upstream", "off"))).nextUpstream().when()).isEmpty();
        assertThat(upstream(translate(Map.of()))).as("nothing set, nothing to pay").isNull();
    }

    @Test
    void badValuesAreReportedAndIgnored() {
        IngressTranslation t = translate(Map.of(N + "proxy-next-upstream", "error http_418",
                N + "proxy-next-upstream-tries", "-1", N + "custom-http-errors", "404,abc"));
        assertThat(problems(t)).containsExactlyInAnyOrder(
                "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/proxy-next-upstream: invalid value \"error "
                        + "http_418\": \"http_418\" is not one of error, timeout, invalid_header, http_500, http_502, "
                        + "http_503, http_504, http_403, http_404, http_429, non_idempotent, off; ignored",
                "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/proxy-next-upstream-tries: invalid value "
                        + "\"-1\": must be between 0 and 1000; ignored",
                "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/custom-http-errors: invalid value "
                        + "\"404,abc\": must be a comma-separated list of statuses from 300 to 599; ignored");
        assertThat(upstream(t).nextUpstream()).isEqualTo(NextUpstream.DEFAULT);
        assertThat(upstream(t).errorPages()).isNull();
    }

    @Test
    void errorPagesUseTheDefaultBackendAnnotationElseTheBuiltIn() {
        IngressTranslation t = translate(Map.of(N + "custom-http-errors", "503, 404"));
        assertThat(problems(t)).isEmpty();
        assertThat(upstream(t).errorPages()).isEqualTo(new UpstreamPolicy.ErrorPages(Set.of(404, 503), null));
        IngressTranslation own = translate(Map.of(N + "custom-http-errors", "503", N + "default-backend", "web"));
        assertThat(problems(own)).isEmpty();
        assertThat(upstream(own).errorPages().backend().name()).isEqualTo("default/web:80");
        IngressTranslation missing = translate(Map.of(N + "custom-http-errors", "503", N + "default-backend", "nope"));
        assertThat(problems(missing)).containsExactly("ServiceNotFound: annotation "
                + "nginx.ingress.kubernetes.io/default-backend: default backend service default/nope not found; ignored");
        assertThat(upstream(missing).errorPages().backend()).isNull();
        assertThat(problems(translate(Map.of(N + "default-backend", "Not_A_Name")))).containsExactly(
                "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/default-backend: invalid value "
                        + "\"Not_A_Name\": must be the name of a Service in the Ingress's namespace; ignored");
    }

    @Test
    void mirrorTargetAndItsCompanions() {
        IngressTranslation t = translate(Map.of(N + "mirror-target", "https://test.env.com:8443/$request_uri",
                N + "mirror-request-body", "off", N + "mirror-host", "shadow.example"));
        assertThat(problems(t)).isEmpty();
        assertThat(upstream(t).mirror()).isEqualTo(new UpstreamPolicy.Mirror("https://test.env.com:8443/$request_uri",
                true, "test.env.com", 8443, "shadow.example", "/$request_uri", false));
        assertThat(upstream(translate(Map.of(N + "mirror-target", "http://192.0.2.9"))).mirror()).isEqualTo(
                new UpstreamPolicy.Mirror("http://192.0.2.9", false, "192.0.2.9", 80, "192.0.2.9", null, true));
        assertThat(problems(translate(Map.of(N + "mirror-target", "ftp://x/")))).containsExactly(
                "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/mirror-target: invalid value \"ftp://x/\": "
                        + "must be an http or https URL; ignored");
        assertThat(problems(translate(Map.of(N + "mirror-uri", "/_mirror")))).containsExactly(
                "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/mirror-uri has no effect without "
                        + "nginx.ingress.kubernetes.io/mirror-target; ignored");
    }

    @Test
    void loadBalanceAndHashSubsets() {
        RouteDecision.Forward ewma = (RouteDecision.Forward) translate(Map.of(N + "load-balance", "ewma")).http()
                .router().route(Fixtures.req("/x"));
        assertThat(ewma.affinity()).isEqualTo(RouteDecision.EndpointAffinity.EWMA);
        assertThat(upstream(translate(Map.of(N + "load-balance", "round_robin")))).isNull();
        IngressTranslation both = translate(Map.of(N + "load-balance", "ewma", N + "upstream-hash-by", "$uri",
                N + "upstream-hash-by-subset", "true"));
        assertThat(problems(both)).containsExactly("InvalidAnnotation: annotation "
                + "nginx.ingress.kubernetes.io/load-balance has no effect with nginx.ingress.kubernetes.io/upstream-hash-by "
                + "(it decides, as in ingress-nginx); ignored");
        assertThat(((RouteDecision.Forward) both.http().router().route(Fixtures.req("/x"))).affinity())
                .isEqualTo(new RouteDecision.EndpointAffinity.Hash("/x", 3));
        IngressTranslation sized = translate(Map.of(N + "upstream-hash-by", "$uri", N + "upstream-hash-by-subset",
                "true", N + "upstream-hash-by-subset-size", "5"));
        assertThat(((RouteDecision.Forward) sized.http().router().route(Fixtures.req("/x"))).affinity())
                .isEqualTo(new RouteDecision.EndpointAffinity.Hash("/x", 5));
        assertThat(problems(translate(Map.of(N + "upstream-hash-by-subset", "true")))).containsExactly(
                "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/upstream-hash-by-subset has no effect "
                        + "without nginx.ingress.kubernetes.io/upstream-hash-by; ignored");
        assertThat(problems(translate(Map.of(N + "load-balance", "least_conn")))).containsExactly(
                "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/load-balance: invalid value \"least_conn\": "
                        + "must be round_robin or ewma (round robin applies); ignored");
    }
}
