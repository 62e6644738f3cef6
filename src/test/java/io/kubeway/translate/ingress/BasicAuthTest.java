package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.testing.FakeRequest;
import io.kubeway.testing.Htpasswd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Basic authentication from ingress-nginx's annotations: the Secret's htpasswd file or user map, the realm, 401
 * with {@code WWW-Authenticate}, {@code satisfy: any} with source ranges, and every case ingress-nginx denies
 * (closed with 503 and a Warning).
 */
class BasicAuthTest {
    private static final String N = "nginx.ingress.kubernetes.io/";
    private static final String CLOSED = "; it restricts access, so this Ingress's routes answer 503 (fail closed)";
    private static String file;

    @BeforeAll
    static void users() {
        file = "# made with htpasswd\n" + Htpasswd.line("-B", "alice", "wonderland") + "\n"
                + Htpasswd.line("-m", "bob", "builder") + "\r\n\n" + Htpasswd.line("-s", "carol", "singer") + "\n"
                + Htpasswd.line("-d", "dave", "dave1") + "\n" + "alice:{PLAIN}second-line-loses\n";
    }

    static Secret secret(String namespace, String name, Map<String, String> data) {
        Map<String, String> b64 = new HashMap<>();
        data.forEach((k, v) -> b64.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withData(b64).build();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static IngressTranslation translate(Map<String, String> annotations, Secret... secrets) {
        Ingress ing = Fixtures.ingress("app", b -> b.editMetadata().withAnnotations(annotations).endMetadata());
        return Fixtures.translate(List.of(ing), List.of(secrets));
    }

    private static String route(IngressTranslation t, FakeRequest req) {
        RouteDecision d = t.http().router().route(req);
        return Fixtures.render(d);
    }

    private static List<String> problems(IngressTranslation t) {
        return t.problems().stream().map(p -> p.reason() + ": " + p.message()).toList();
    }

    @Test
    void htpasswdFileUsersGetThroughOthersGet401WithTheRealm() {
        IngressTranslation t = translate(Map.of(N + "auth-type", "basic", N + "auth-secret", "users",
                N + "auth-realm", "Authentication Required - foo"), secret("default", "users", Map.of("auth", file)));
        assertThat(problems(t)).isEmpty();
        String unauthorized = "401 {WWW-Authenticate=Basic realm=\"Authentication Required - foo\"}";
        assertThat(route(t, Fixtures.req("/x"))).isEqualTo(unauthorized);
        for (String[] ok : new String[][] {{"alice", "wonderland"}, {"bob", "builder"}, {"carol", "singer"},
                {"dave", "dave1"}}) {
            assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", basic(ok[0], ok[1]))))
                    .as(ok[0]).startsWith("fwd default/web:80 /x");
            assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", basic(ok[0], ok[1] + "!"))))
                    .as(ok[0] + " with a wrong password").isEqualTo(unauthorized);
        }
        assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", basic("alice", "second-line-loses"))))
                .as("nginx uses a user's first line").isEqualTo(unauthorized);
        assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", basic("mallory", "wonderland"))))
                .isEqualTo(unauthorized);
        assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", "basic " + basic("alice", "wonderland")
                .substring(6)))).as("the scheme is case-insensitive").startsWith("fwd");
        for (String bad : List.of("Bearer abc", "Basic", "Basic !!!", "Basic " + Base64.getEncoder()
                .encodeToString("alice".getBytes(StandardCharsets.UTF_8)))) {
            assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", bad))).as(bad).isEqualTo(unauthorized);
        }
    }

    @Test
    void authMapAndASecretInAnotherNamespace() {
        String hash = Htpasswd.hash("-B", "alice", "wonderland");
        IngressTranslation t = translate(Map.of(N + "auth-type", "basic", N + "auth-secret", "auth/users",
                N + "auth-secret-type", "auth-map"), secret("auth", "users", Map.of("alice", hash)));
        assertThat(problems(t)).isEmpty();
        assertThat(route(t, Fixtures.req("/x"))).as("the realm is empty by default, as in ingress-nginx")
                .isEqualTo("401 {WWW-Authenticate=Basic realm=\"\"}");
        assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", basic("alice", "wonderland"))))
                .startsWith("fwd");
    }

    @Test
    void httpsRedirectAndCorsPreflightComeBeforeAuthentication() {
        IngressTranslation t = translate(Map.of(N + "auth-type", "basic", N + "auth-secret", "users",
                N + "force-ssl-redirect", "true"), secret("default", "users", Map.of("auth", file)));
        assertThat(route(t, Fixtures.req("/x"))).as("credentials are never asked for over plain HTTP first")
                .startsWith("308");
        assertThat(route(t, Fixtures.req("/x").overTls())).startsWith("401");
    }

    @Test
    void satisfyAnyLetsAllowedAddressesInWithoutCredentials() {
        Secret users = secret("default", "users", Map.of("auth", file));
        Map<String, String> a = new HashMap<>(Map.of(N + "auth-type", "basic", N + "auth-secret", "users",
                N + "whitelist-source-range", "192.0.2.0/24"));
        IngressTranslation all = translate(a, users);
        assertThat(route(all, Fixtures.req("/x").withClient("192.0.2.7"))).startsWith("401");
        assertThat(route(all, Fixtures.req("/x").withClient("198.51.100.1")
                .withHeader("Authorization", basic("alice", "wonderland")))).startsWith("403");
        a.put(N + "satisfy", "any");
        IngressTranslation any = translate(a, users);
        assertThat(route(any, Fixtures.req("/x").withClient("192.0.2.7"))).startsWith("fwd");
        assertThat(route(any, Fixtures.req("/x").withClient("198.51.100.1"))).startsWith("401");
        assertThat(route(any, Fixtures.req("/x").withClient("198.51.100.1")
                .withHeader("Authorization", basic("alice", "wonderland")))).startsWith("fwd");
        IngressTranslation anyNoRanges = translate(Map.of(N + "auth-type", "basic", N + "auth-secret", "users",
                N + "satisfy", "any"), users);
        assertThat(route(anyNoRanges, Fixtures.req("/x"))).as("satisfy any without source ranges still asks")
                .startsWith("401");
    }

    @Test
    void whatIngressNginxDeniesCloses() {
        Secret noAuthKey = secret("default", "users", Map.of("htpasswd", file));
        record C(Map<String, String> annotations, String problem) {
        }
        List<C> list = List.of(
                new C(Map.of(N + "auth-type", "basic"), "InvalidAnnotation: annotation " + N + "auth-type needs "
                        + N + "auth-secret" + CLOSED),
                new C(Map.of(N + "auth-type", "basic", N + "auth-secret", "users"), "InvalidAnnotation: annotation "
                        + N + "auth-secret: secret default/users has no \"auth\" key" + CLOSED),
                new C(Map.of(N + "auth-type", "basic", N + "auth-secret", "other/users"), "InvalidAnnotation: "
                        + "annotation " + N + "auth-secret: secret other/users does not exist" + CLOSED),
                new C(Map.of(N + "auth-type", "basic", N + "auth-secret", "a/b/c"), "InvalidAnnotation: annotation "
                        + N + "auth-secret: invalid value \"a/b/c\": must be a Secret name or namespace/name" + CLOSED),
                new C(Map.of(N + "auth-type", "form", N + "auth-secret", "users"), "InvalidAnnotation: annotation "
                        + N + "auth-type: invalid value \"form\": must be \"basic\" or \"digest\"" + CLOSED),
                new C(Map.of(N + "auth-type", "basic", N + "auth-secret", "users", N + "auth-secret-type", "ldap"),
                        "InvalidAnnotation: annotation " + N + "auth-secret-type: invalid value \"ldap\": must be "
                                + "\"auth-file\" or \"auth-map\"" + CLOSED),
                new C(Map.of(N + "auth-type", "basic", N + "auth-secret", "users", N + "auth-realm", "a\"b"),
                        "InvalidAnnotation: annotation " + N + "auth-realm: invalid value \"a\"b\": must not contain "
                                + "control characters, quotes or backslashes" + CLOSED));
        for (C c : list) {
            IngressTranslation t = translate(c.annotations, noAuthKey);
            assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", basic("alice", "wonderland"))))
                    .as(c.annotations.toString()).isEqualTo("503");
            assertThat(problems(t)).as(c.annotations.toString()).containsExactly(c.problem);
        }
    }

    @Test
    void aHashKubewayCannotCheckIsReportedAndThatUserIsRefused() {
        IngressTranslation t = translate(Map.of(N + "auth-type", "basic", N + "auth-secret", "users"),
                secret("default", "users", Map.of("auth", "eve:plaintext\n" + Htpasswd.line("-B", "alice", "pw"))));
        assertThat(problems(t)).containsExactly("InvalidAnnotation: annotation " + N + "auth-secret: secret "
                + "default/users: the password hash of user \"eve\" is in a format kubeway cannot check (bcrypt up to "
                + "cost 12, $apr1$, $1$, $5$ and $6$ up to 100000 rounds, {SHA}, {SSHA}, {PLAIN} or DES crypt); "
                + "that user is always refused");
        assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", basic("eve", "plaintext"))))
                .startsWith("401");
        assertThat(route(t, Fixtures.req("/x").withHeader("Authorization", basic("alice", "pw")))).startsWith("fwd");
    }

    @Test
    void withoutAuthTypeTheOthersHaveNoEffectAndAreReported() {
        IngressTranslation t = translate(Map.of(N + "auth-secret", "users", N + "auth-realm", "r"),
                secret("default", "users", Map.of("auth", file)));
        assertThat(route(t, Fixtures.req("/x"))).startsWith("fwd");
        assertThat(problems(t)).containsExactly(
                "InvalidAnnotation: annotation " + N + "auth-realm has no effect without " + N + "auth-type; ignored",
                "InvalidAnnotation: annotation " + N + "auth-secret has no effect without " + N + "auth-type; ignored");
    }

    @Test
    void aCanaryWhoseAuthenticationDiffersIsNeverUsedAndTheFallbackAsksToo() {
        Secret users = secret("default", "users", Map.of("auth", file));
        Map<String, String> auth = Map.of(N + "auth-type", "basic", N + "auth-secret", "users");
        Ingress main = Fixtures.ingress("main", "app.example.com", "Prefix", "/app", b -> b.editMetadata()
                .withAnnotations(auth).endMetadata());
        Ingress canary = Fixtures.ingress("canary", "app.example.com", "Prefix", "/app", b -> b.editMetadata()
                .withAnnotations(Map.of(N + "canary", "true", N + "canary-weight", "100")).endMetadata());
        IngressTranslation t = Fixtures.translate(List.of(main, canary), List.of(users));
        assertThat(problems(t)).containsExactly("UnsupportedAnnotation: canary path Prefix \"/app\" of host "
                + "\"app.example.com\": the canary's authentication differs from that of Ingress default/main, and a "
                + "canary takes its main Ingress's access rules (as in ingress-nginx); requests are never sent to this "
                + "canary's backend (fail closed)");
        assertThat(route(t, Fixtures.req("/app"))).startsWith("401");
        assertThat(route(t, Fixtures.req("/app").withHeader("Authorization", basic("alice", "wonderland"))))
                .isEqualTo("fwd default/web:80 /app").as("never the canary");
        assertThat(route(t, Fixtures.req("/elsewhere"))).as("the host's fallback is under the same rules")
                .startsWith("401");
    }
}
