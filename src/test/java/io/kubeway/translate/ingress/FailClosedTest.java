package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An access-restricting annotation Kubeway cannot honour (not implemented, or a value that does not parse) closes
 * the Ingress's routes: every request gets 503, even one the restriction would let through, with a Warning naming
 * the annotation. The whole-table effect (fallbacks, defaultBackend, shared hosts, canaries) is in the
 * {@code fail-closed} golden case.
 */
class FailClosedTest {
    private static final String N = "nginx.ingress.kubernetes.io/";
    private static final String CLOSED = "; it restricts access, so this Ingress's routes answer 503 (fail closed)";

    record Case(String name, Map<String, String> annotations, FakeRequest request, String expected,
                List<String> problems) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, Map<String, String> a, String expected, String... problems) {
        return new Case(name, a, Fixtures.req("/x"), expected, List.of(problems));
    }

    private static String unsupported(String name) {
        return "UnsupportedAnnotation: annotation " + N + name + " is not supported by kubeway" + CLOSED;
    }

    private static String invalid(String name, String value, String why) {
        return "InvalidAnnotation: annotation " + N + name + ": invalid value \"" + value + "\": " + why + CLOSED;
    }

    static Stream<Case> cases() {
        return Stream.of(
                c("auth-keepalive-share-vars", Map.of(N + "auth-keepalive-share-vars", "true"), "503",
                        unsupported("auth-keepalive-share-vars")),
                c("basic auth with a missing Secret", Map.of(N + "auth-type", "basic", N + "auth-secret", "users"),
                        "503", "InvalidAnnotation: annotation " + N + "auth-secret: secret default/users does not "
                                + "exist" + CLOSED),
                c("digest auth", Map.of(N + "auth-type", "digest"), "503", "UnsupportedAnnotation: annotation " + N
                        + "auth-type: digest authentication is not supported by kubeway" + CLOSED),
                c("client certificates without their Secret", Map.of(N + "auth-tls-verify-client", "on",
                        N + "auth-tls-secret", "default/ca"), "503", "SecretNotFound: annotation " + N
                        + "auth-tls-secret: secret default/ca not found" + CLOSED),
                c("auth-snippet", Map.of("kubeway.io/auth-snippet", "x"), "503", "UnsupportedAnnotation: annotation "
                        + "kubeway.io/auth-snippet is not supported by kubeway" + CLOSED),
                c("ModSecurity", Map.of(N + "enable-modsecurity", "true"), "503", unsupported("enable-modsecurity")),
                c("ModSecurity rules", Map.of(N + "modsecurity-snippet", "SecRuleEngine On"), "503",
                        unsupported("modsecurity-snippet")),
                c("ModSecurity off is only ignored", Map.of(N + "enable-owasp-core-rules", "false"),
                        "fwd default/web:80 /x", "UnsupportedAnnotation: annotation " + N + "enable-owasp-core-rules "
                                + "is not supported by kubeway; ignored"),
                c("ModSecurity switch with a bad value", Map.of(N + "enable-modsecurity", "maybe"), "503",
                        unsupported("enable-modsecurity")),
                c("satisfy with a bad value", Map.of(N + "satisfy", "either"), "503",
                        invalid("satisfy", "either", "must be \"all\" or \"any\"")),
                c("deny list with a bad entry", Map.of(N + "denylist-source-range", "198.51.100.0/24, 192.0.2.0/33"),
                        "503", invalid("denylist-source-range", "192.0.2.0/33", "not a CIDR or IP address")),
                c("deny list not a CIDR", Map.of(N + "denylist-source-range", "not-a-cidr"), "503",
                        invalid("denylist-source-range", "not-a-cidr", "not a CIDR or IP address")),
                c("empty deny list", Map.of(N + "denylist-source-range", " "), "503",
                        invalid("denylist-source-range", "", "no CIDR or IP address")),
                c("allow list with a bad entry, client in the good one", Map.of(N + "whitelist-source-range",
                        "192.0.2.10, nope"), "503", invalid("whitelist-source-range", "nope", "not a CIDR or IP address")),
                c("allow and white lists that differ", Map.of(N + "allowlist-source-range", "192.0.2.0/24",
                        N + "whitelist-source-range", "10.0.0.0/8"), "503", "InvalidAnnotation: annotations " + N
                        + "allowlist-source-range and " + N + "whitelist-source-range differ (ingress-nginx uses only "
                        + "the first)" + CLOSED),
                c("allow and white lists that agree", Map.of(N + "allowlist-source-range", "192.0.2.0/24",
                        N + "whitelist-source-range", "192.0.2.0/24"), "fwd default/web:80 /x"),
                c("closed before a redirect", Map.of(N + "auth-proxy-set-headers", "ns/headers", N + "permanent-redirect",
                        "https://elsewhere.example.com"), "503", unsupported("auth-proxy-set-headers")),
                new Case("a closed Ingress's app-root does not redirect", Map.of(N + "auth-proxy-set-headers", "ns/h",
                        N + "app-root", "/app"), Fixtures.req("/").withHeader("Host", "app.example.com"), "503",
                        List.of(unsupported("auth-proxy-set-headers"))),
                new Case("closed before a CORS preflight", Map.of(N + "auth-proxy-set-headers", "ns/h",
                        N + "enable-cors", "true"),
                        Fixtures.req("/x").withMethod("OPTIONS").withHeader("Origin", "https://a.example.com"), "503",
                        List.of(unsupported("auth-proxy-set-headers"))),
                c("other annotations under the prefix are not restrictions", Map.of(N + "enable-opentelemetry",
                        "true"), "fwd default/web:80 /x", "UnsupportedAnnotation: annotation " + N
                        + "enable-opentelemetry is not supported by kubeway; ignored"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void closes(Case c) {
        Ingress ing = Fixtures.ingress("app", b -> b.editMetadata().withAnnotations(c.annotations).endMetadata());
        IngressTranslation t = Fixtures.translate(List.of(ing));
        assertThat(Fixtures.render(t.http().router().route(c.request))).isEqualTo(c.expected);
        assertThat(t.problems()).extracting(p -> p.reason() + ": " + p.message())
                .containsExactlyInAnyOrderElementsOf(c.problems);
    }
}
