package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.state.http.ExternalAuth;
import io.kubeway.state.http.RouteDecision;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * External authentication from ingress-nginx's annotations: what the route hands the HTTP engine, satisfy any, and
 * every value that cannot be honoured closing the routes. The traffic itself is in {@code ExternalAuthIT}.
 */
class ExternalAuthTest {
    private static final String N = "nginx.ingress.kubernetes.io/";
    private static final String CLOSED = "; it restricts access, so this Ingress's routes answer 503 (fail closed)";

    private static IngressTranslation translate(Map<String, String> annotations) {
        Ingress ing = Fixtures.ingress("app", b -> b.editMetadata().withAnnotations(annotations).endMetadata());
        return Fixtures.translate(List.of(ing));
    }

    private static List<String> problems(IngressTranslation t) {
        return t.problems().stream().map(p -> p.reason() + ": " + p.message()).toList();
    }

    @Test
    void theForwardCarriesTheAuthRequest() {
        IngressTranslation t = translate(Map.of(N + "auth-url", "https://oauth2.auth.svc.cluster.local:4443/oauth2/auth?a=1",
                N + "auth-signin", "https://$host/oauth2/start?rd=$escaped_request_uri", N + "auth-method", "GET",
                N + "auth-response-headers", "X-Auth-Request-User, X-Auth-Request-Email",
                N + "auth-signin-redirect-param", "return_to", N + "auth-request-redirect", "/landing"));
        assertThat(problems(t)).isEmpty();
        RouteDecision d = t.http().router().route(Fixtures.req("/x"));
        assertThat(d).isInstanceOf(RouteDecision.Forward.class);
        assertThat(((RouteDecision.Forward) d).externalAuth()).isEqualTo(new ExternalAuth(
                "https://oauth2.auth.svc.cluster.local:4443/oauth2/auth?a=1", true, "oauth2.auth.svc.cluster.local",
                4443, "oauth2.auth.svc.cluster.local", "/oauth2/auth?a=1", "GET",
                "https://$host/oauth2/start?rd=$escaped_request_uri", "return_to",
                List.of("X-Auth-Request-User", "X-Auth-Request-Email"), "/landing"));
        ExternalAuth plain = ((RouteDecision.Forward) translate(Map.of(N + "auth-url", "http://192.0.2.7"))
                .http().router().route(Fixtures.req("/x"))).externalAuth();
        assertThat(plain).isEqualTo(new ExternalAuth("http://192.0.2.7", false, "192.0.2.7", 80, "192.0.2.7", "/",
                null, null, "rd", List.of(), null));
    }

    @Test
    void satisfyAnySkipsTheAuthServiceForAllowedAddresses() {
        IngressTranslation t = translate(Map.of(N + "auth-url", "http://192.0.2.7/auth", N + "satisfy", "any",
                N + "whitelist-source-range", "198.51.100.0/24"));
        var allowed = (RouteDecision.Forward) t.http().router().route(Fixtures.req("/x").withClient("198.51.100.9"));
        assertThat(allowed.externalAuth()).isNull();
        var other = (RouteDecision.Forward) t.http().router().route(Fixtures.req("/x").withClient("203.0.113.9"));
        assertThat(other.externalAuth()).isNotNull();
        IngressTranslation all = translate(Map.of(N + "auth-url", "http://192.0.2.7/auth",
                N + "whitelist-source-range", "198.51.100.0/24"));
        assertThat(Fixtures.render(all.http().router().route(Fixtures.req("/x").withClient("203.0.113.9"))))
                .isEqualTo("403");
        assertThat(((RouteDecision.Forward) all.http().router().route(Fixtures.req("/x").withClient("198.51.100.9")))
                .externalAuth()).isNotNull();
    }

    @Test
    void valuesThatCannotBeHonouredClose() {
        record C(Map<String, String> annotations, String problem) {
        }
        String inv = "InvalidAnnotation: annotation " + N;
        for (C c : List.of(
                new C(Map.of(N + "auth-url", "ftp://auth/x"), inv + "auth-url: invalid value \"ftp://auth/x\": only "
                        + "http and https URLs are valid" + CLOSED),
                new C(Map.of(N + "auth-url", "http:///x"), inv + "auth-url: invalid value \"http:///x\": no host"
                        + CLOSED),
                new C(Map.of(N + "auth-url", "https://$host/oauth2/auth"), "UnsupportedAnnotation: annotation " + N
                        + "auth-url: nginx variables in the URL are not supported by kubeway" + CLOSED),
                new C(Map.of(N + "auth-url", "http://a/", N + "auth-method", "FETCH"), inv + "auth-method: invalid "
                        + "value \"FETCH\": must be an HTTP method such as GET or POST" + CLOSED),
                new C(Map.of(N + "auth-url", "http://a/", N + "auth-signin", "https://$server_name/start"), inv
                        + "auth-signin: invalid value \"https://$server_name/start\": variable $server_name is not "
                        + "supported by kubeway (only $host, $http_host, $best_http_host, $scheme, $pass_access_scheme, "
                        + "$request_uri, $escaped_request_uri)" + CLOSED),
                new C(Map.of(N + "auth-url", "http://a/", N + "auth-response-headers", "X-User, X User"), inv
                        + "auth-response-headers: invalid value \"X User\": not a header name" + CLOSED),
                new C(Map.of(N + "auth-url", "http://a/", N + "auth-signin-redirect-param", "r&d"), inv
                        + "auth-signin-redirect-param: invalid value \"r&d\": must be a query parameter name" + CLOSED),
                new C(Map.of(N + "auth-url", "http://a/", N + "auth-keepalive-share-vars", "true"),
                        "UnsupportedAnnotation: annotation " + N + "auth-keepalive-share-vars is not supported by "
                                + "kubeway" + CLOSED),
                new C(Map.of(N + "auth-url", "http://a/", N + "auth-keepalive", "5000"), inv + "auth-keepalive: "
                        + "invalid value \"5000\": must be a whole number from 0 to 1024" + CLOSED),
                new C(Map.of(N + "auth-url", "http://a/", N + "auth-cache-key", "$http_authorization",
                        N + "auth-cache-duration", "200 forever"), inv + "auth-cache-duration: invalid value \"200 "
                        + "forever\": \"forever\" is not an nginx time" + CLOSED),
                new C(Map.of(N + "auth-url", "http://a/", N + "auth-cache-key", "$remote_user"), inv
                        + "auth-cache-key: invalid value \"$remote_user\": unsupported nginx variable $remote_user"
                        + CLOSED))) {
            IngressTranslation t = translate(c.annotations);
            assertThat(Fixtures.render(t.http().router().route(Fixtures.req("/x")))).as(c.annotations.toString())
                    .isEqualTo("503");
            assertThat(problems(t)).as(c.annotations.toString()).containsExactly(c.problem);
        }
    }

    @Test
    void withoutAuthUrlTheOthersHaveNoEffectAndAreReported() {
        IngressTranslation t = translate(Map.of(N + "auth-signin", "https://a/start"));
        assertThat(Fixtures.render(t.http().router().route(Fixtures.req("/x")))).startsWith("fwd");
        assertThat(problems(t)).containsExactly("InvalidAnnotation: annotation " + N + "auth-signin has no effect "
                + "without " + N + "auth-url; ignored");
    }
}
