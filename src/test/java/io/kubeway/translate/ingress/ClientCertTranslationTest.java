package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.testing.FakeRequest;
import io.kubeway.tls.DefaultCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code auth-tls-*} annotations: what a valid set configures (the host's {@link ClientAuth}, the SNI table),
 * and every value, Secret or combination that cannot be honoured closing the routes (503 and a Warning).
 */
class ClientCertTranslationTest {
    private static final String N = "nginx.ingress.kubernetes.io/";
    private static final String CLOSED = "; it restricts access, so this Ingress's routes answer 503 (fail closed)";
    private static final String CA = DefaultCertificate.selfSigned("ca", "client-ca", List.of("ca.test"),
            Instant.now(), Duration.ofDays(1)).certChainPem();

    static Secret secret(String name, Map<String, String> stringData) {
        return new SecretBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withStringData(stringData).build();
    }

    static final List<Secret> SECRETS = List.of(secret("ca", Map.of("ca.crt", CA)),
            secret("no-ca", Map.of("tls.crt", CA)), secret("broken", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\n"
                    + "AAAA\n-----END CERTIFICATE-----\n")), secret("bad-crl", Map.of("ca.crt", CA, "ca.crl", "nope")));

    static Ingress ingress(String name, String host, Map<String, String> annotations) {
        return Fixtures.ingress(name, host, "Prefix", "/", b -> b.editMetadata().withAnnotations(annotations)
                .withCreationTimestamp("2024-01-0" + (name.length() % 9 + 1) + "T00:00:00Z").endMetadata());
    }

    static Map<String, String> valid(String... more) {
        Map<String, String> a = new HashMap<>(Map.of(N + "auth-tls-secret", "default/ca"));
        for (int i = 0; i < more.length; i += 2) a.put(N + more[i], more[i + 1]);
        return a;
    }

    static String render(IngressTranslation t, FakeRequest r) {
        return Fixtures.render(t.http().router().route(r));
    }

    static List<String> problems(IngressTranslation t) {
        return t.problems().stream().map(p -> p.reason() + ": " + p.message()).toList();
    }

    @Test
    void aValidSetConfiguresTheHostAndItsServerName() {
        IngressTranslation t = Fixtures.translate(List.of(ingress("app", "app.example.com", valid(
                "auth-tls-verify-client", "optional", "auth-tls-verify-depth", "2", "auth-tls-pass-certificate-to-upstream",
                "true", "auth-tls-match-cn", "CN=(alice|bob)", "auth-tls-error-page", "https://example.com/denied"))),
                SECRETS);
        assertThat(problems(t)).isEmpty();
        ClientAuth a = t.http().clientAuth().get("app.example.com");
        assertThat(a).isNotNull();
        assertThat(a.secret()).isEqualTo("default/ca");
        assertThat(a.verify()).isEqualTo(ClientAuth.Verify.OPTIONAL);
        assertThat(a.depth()).isEqualTo(2);
        assertThat(a.passCertificate()).isTrue();
        assertThat(a.matchCn()).isEqualTo("CN=(alice|bob)");
        assertThat(a.errorPage()).isEqualTo("https://example.com/denied");
        assertThat(a.crlPem()).isNull();
        assertThat(t.http().router().toString()).isNotEmpty();
        assertThat(((io.kubeway.state.http.routing.RouteTable) t.http().router()).dump())
                .contains("client-auth=ClientAuth[default/ca verify=optional depth=2");
        // plain HTTP: match-cn finds no subject: 403
        assertThat(render(t, Fixtures.req("/x"))).isEqualTo("403");
    }

    @Test
    void defaultsAndOff() {
        IngressTranslation on = Fixtures.translate(List.of(ingress("app", "app.example.com", valid(
                "auth-tls-verify-depth", "0"))), SECRETS);
        ClientAuth a = on.http().clientAuth().get("app.example.com");
        assertThat(a.verify()).isEqualTo(ClientAuth.Verify.ON);
        assertThat(a.depth()).isEqualTo(1); // 0 means the default, as in ingress-nginx
        assertThat(render(on, Fixtures.req("/x"))).isEqualTo("400");
        assertThat(render(on, Fixtures.req("/x").overTls())).isEqualTo("400");

        IngressTranslation off = Fixtures.translate(List.of(ingress("app", "app.example.com", valid(
                "auth-tls-verify-client", "off"))), SECRETS);
        assertThat(off.http().clientAuth()).isEmpty(); // the handshake never asks
        RouteDecision d = off.http().router().route(Fixtures.req("/x").overTls());
        assertThat(d).isInstanceOf(RouteDecision.Forward.class);
        assertThat(((RouteDecision.Forward) d).setRequestHeaders()).containsEntry("ssl-client-verify", "NONE");
    }

    record Case(String name, Map<String, String> annotations, List<String> problems) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, Map<String, String> a, String... problems) {
        return new Case(name, a, List.of(problems));
    }

    static String invalid(String name, String value, String why) {
        return "InvalidAnnotation: annotation " + N + name + ": invalid value \"" + value + "\": " + why + CLOSED;
    }

    static Stream<Case> closing() {
        return Stream.of(
                c("verify-client", valid("auth-tls-verify-client", "maybe"),
                        invalid("auth-tls-verify-client", "maybe", "must be on, off, optional or optional_no_ca")),
                c("depth not a number", valid("auth-tls-verify-depth", "two"),
                        invalid("auth-tls-verify-depth", "two", "must be an integer from 0 to 100")),
                c("depth too deep", valid("auth-tls-verify-depth", "101"),
                        invalid("auth-tls-verify-depth", "101", "must be an integer from 0 to 100")),
                c("error page", valid("auth-tls-error-page", "javascript:alert(1)"), invalid("auth-tls-error-page",
                        "javascript:alert(1)", "must be a URL such as https://example.com/denied")),
                c("pass certificate", valid("auth-tls-pass-certificate-to-upstream", "yes"),
                        invalid("auth-tls-pass-certificate-to-upstream", "yes", "must be \"true\" or \"false\"")),
                c("match-cn without CN=", valid("auth-tls-match-cn", "alice"),
                        invalid("auth-tls-match-cn", "alice", "must start with CN=")),
                c("match-cn bad regex", valid("auth-tls-match-cn", "CN=(alice"), invalid("auth-tls-match-cn",
                        "CN=(alice", "invalid regular expression: Unclosed group")),
                c("secret without namespace", Map.of(N + "auth-tls-secret", "ca"),
                        invalid("auth-tls-secret", "ca", "must be namespace/name")),
                c("secret missing", Map.of(N + "auth-tls-secret", "default/nope"), "SecretNotFound: annotation " + N
                        + "auth-tls-secret: secret default/nope not found" + CLOSED),
                c("secret without ca.crt", Map.of(N + "auth-tls-secret", "default/no-ca"), "InvalidSecret: annotation "
                        + N + "auth-tls-secret: secret default/no-ca has no \"ca.crt\" key" + CLOSED),
                c("broken ca.crt", Map.of(N + "auth-tls-secret", "default/broken"), "InvalidSecret: annotation "
                        + N + "auth-tls-secret: secret default/broken: Could not parse certificate: java.io.IOException: "
                        + "Empty input" + CLOSED),
                c("broken ca.crl", Map.of(N + "auth-tls-secret", "default/bad-crl"), "InvalidSecret: annotation "
                        + N + "auth-tls-secret: secret default/bad-crl: ca.crl holds no PEM CRL" + CLOSED),
                c("no secret", Map.of(N + "auth-tls-verify-client", "on"), "InvalidAnnotation: annotation " + N
                        + "auth-tls-verify-client has no effect without " + N + "auth-tls-secret" + CLOSED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("closing")
    void closes(Case c) {
        IngressTranslation t = Fixtures.translate(List.of(ingress("app", "app.example.com", c.annotations)), SECRETS);
        assertThat(render(t, Fixtures.req("/x").overTls())).isEqualTo("503");
        assertThat(problems(t)).containsExactlyInAnyOrderElementsOf(c.problems);
        assertThat(t.http().clientAuth()).isEmpty();
    }

    @Test
    void aHostWhoseClientCertificatesFailedServesNothing() {
        // ingress-nginx configures client certificates for the whole server: the other Ingress's paths do not
        // open up because the first one's Secret is missing
        Ingress broken = ingress("a", "app.example.com", Map.of(N + "auth-tls-secret", "default/nope"));
        Ingress other = Fixtures.ingress("other-ingress", "app.example.com", "Prefix", "/other",
                b -> b.editMetadata().withCreationTimestamp("2024-02-01T00:00:00Z").endMetadata());
        IngressTranslation t = Fixtures.translate(List.of(broken, other), SECRETS);
        assertThat(render(t, Fixtures.req("/other").overTls())).isEqualTo("503");
        assertThat(render(t, Fixtures.req("/nothing-here").overTls())).isEqualTo("503");
        assertThat(problems(t)).anyMatch(p -> p.startsWith("InvalidAnnotation: client certificates of host "
                + "\"app.example.com\" (Ingress default/a) cannot be set up"));
    }

    @Test
    void theOldestIngressConfiguresTheHostAndADifferentOneIsClosed() {
        Ingress first = ingress("a", "app.example.com", valid("auth-tls-verify-client", "optional"));
        Ingress second = Fixtures.ingress("bbbb", "app.example.com", "Prefix", "/b", b -> b.editMetadata()
                .withAnnotations(valid()).withCreationTimestamp("2024-02-01T00:00:00Z").endMetadata());
        Ingress third = Fixtures.ingress("cc", "app.example.com", "Prefix", "/c", b -> b.editMetadata()
                .withCreationTimestamp("2024-02-02T00:00:00Z").endMetadata());
        IngressTranslation t = Fixtures.translate(List.of(first, second, third), SECRETS);
        assertThat(t.http().clientAuth().get("app.example.com").verify()).isEqualTo(ClientAuth.Verify.OPTIONAL);
        assertThat(render(t, Fixtures.req("/b").overTls())).isEqualTo("503");
        assertThat(render(t, Fixtures.req("/c").overTls())).startsWith("fwd"); // asks nothing: the host's apply
        assertThat(problems(t)).anyMatch(p -> p.startsWith("Conflict: client certificates of host \"app.example.com\""
                + " are already configured by Ingress default/a"));
    }

    @Test
    void anExactHostUnderAWildcardWithClientCertificatesAsksForNone() {
        IngressTranslation t = Fixtures.translate(List.of(ingress("wild", "*.example.com", valid()),
                ingress("open", "open.example.com", Map.of())), SECRETS);
        assertThat(t.http().clientAuth().get("*.example.com").verify()).isEqualTo(ClientAuth.Verify.ON);
        assertThat(t.http().clientAuth().get("open.example.com")).isSameAs(ClientAuth.NONE);
        assertThat(render(t, FakeRequest.get("open.example.com", "/x").overTls())).startsWith("fwd");
        assertThat(render(t, FakeRequest.get("a.example.com", "/x").overTls())).isEqualTo("400");
    }

    @Test
    void rulesWithoutHostAreClosed() {
        IngressTranslation t = Fixtures.translate(List.of(ingress("app", "", valid())), SECRETS);
        assertThat(render(t, FakeRequest.get("anything.example.com", "/x").overTls())).isEqualTo("503");
        assertThat(t.http().clientAuth()).isEmpty();
        assertThat(problems(t)).contains("UnsupportedAnnotation: client certificates (auth-tls-*) need a host: the "
                + "rules without host answer 503 (fail closed)");
    }
}
