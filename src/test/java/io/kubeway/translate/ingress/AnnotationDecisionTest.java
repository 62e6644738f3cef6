package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.core.Problem;
import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each supported annotation, from the Ingress to the router's decision for a request, and the warnings for bad
 * values and unsupported annotations.
 */
class AnnotationDecisionTest {
    private static final String N = "nginx.ingress.kubernetes.io/";

    record Case(String name, Map<String, String> annotations, String pathType, String path, boolean tls, FakeRequest request,
                String expected, List<String> problems) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, Map<String, String> a, FakeRequest req, String expected, String... problems) {
        return new Case(name, a, "Prefix", "/", false, req, expected, List.of(problems));
    }

    private static Case p(String name, Map<String, String> a, String type, String path, FakeRequest req, String expected,
                          String... problems) {
        return new Case(name, a, type, path, false, req, expected, List.of(problems));
    }

    private static Case tls(String name, Map<String, String> a, FakeRequest req, String expected) {
        return new Case(name, a, "Prefix", "/", true, req, expected, List.of());
    }

    static Stream<Case> cases() {
        FakeRequest get = Fixtures.req("/x?q=1");
        return Stream.of(
                c("no annotations", Map.of(), get, "fwd default/web:80 /x?q=1"),
                p("rewrite-target with capture groups", Map.of(N + "rewrite-target", "/$2"), "ImplementationSpecific",
                        "/api(/|$)(.*)", Fixtures.req("/api/v1/users"), "fwd default/web:80 /v1/users"),
                p("rewrite-target makes Prefix a regex, as in ingress-nginx", Map.of(N + "rewrite-target", "/"),
                        "Prefix", "/api", Fixtures.req("/apidocs"), "fwd default/web:80 /"),
                p("use-regex: case-insensitive prefix regex", Map.of(N + "use-regex", "true"), "Prefix",
                        "/v[0-9]+/users", Fixtures.req("/V2/users/7"), "fwd default/web:80 /V2/users/7"),
                p("use-regex: Exact stays exact", Map.of(N + "use-regex", "true"), "Exact", "/a.b",
                        Fixtures.req("/axb"), "404"),
                p("use-regex: invalid regex path is dropped", Map.of(N + "use-regex", "true"), "Prefix", "/a(",
                        Fixtures.req("/a("), "404", "InvalidPath: path \"/a(\": invalid regular expression \"/a(\": "
                                + "Unclosed group (use-regex or rewrite-target makes paths regular expressions); "
                                + "ignored"),
                tls("TLS host: HTTP goes to HTTPS", Map.of(), Fixtures.req("/x"),
                        "308 {Location=https://app.example.com:8443/x}"),
                tls("ssl-redirect: false", Map.of(N + "ssl-redirect", "false"), Fixtures.req("/x"), "fwd default/web:80 /x"),
                c("force-ssl-redirect without TLS", Map.of(N + "force-ssl-redirect", "true"), Fixtures.req("/x"),
                        "308 {Location=https://app.example.com:8443/x}"),
                c("backend-protocol GRPC", Map.of(N + "backend-protocol", "GRPC"), get,
                        "fwd default/web:80/GRPC /x?q=1"),
                c("backend-protocol FCGI unsupported", Map.of(N + "backend-protocol", "FCGI"), get,
                        "fwd default/web:80 /x?q=1", "UnsupportedAnnotation: annotation " + N + "backend-protocol: "
                                + "FCGI is not supported by kubeway; using HTTP"),
                c("proxy-body-size 8m", Map.of(N + "proxy-body-size", "8m"), get,
                        "fwd default/web:80 /x?q=1 max=8388608"),
                c("proxy-body-size 0: unlimited", Map.of(N + "proxy-body-size", "0"), get,
                        "fwd default/web:80 /x?q=1 max=0"),
                c("proxy-body-size bad", Map.of(N + "proxy-body-size", "8x"), get, "fwd default/web:80 /x?q=1",
                        "InvalidAnnotation: annotation " + N + "proxy-body-size: invalid value \"8x\": must be a "
                                + "size such as 512, 8k, 8m or 1g; ignored"),
                c("timeouts", Map.of(N + "proxy-connect-timeout", "3", N + "proxy-read-timeout", "300",
                        N + "proxy-send-timeout", "30"), get, "fwd default/web:80 /x?q=1 timeouts=3/300/30"),
                c("timeout not a number", Map.of(N + "proxy-read-timeout", "60s"), get, "fwd default/web:80 /x?q=1",
                        "InvalidAnnotation: annotation " + N + "proxy-read-timeout: invalid value \"60s\": must be "
                                + "an integer; ignored"),
                p("affinity cookie with defaults: the rule's path", Map.of(N + "affinity", "cookie"), "Prefix",
                        "/shop/", Fixtures.req("/shop/x"), "fwd default/web:80 /shop/x cookie=INGRESSCOOKIE,/shop,0"),
                c("affinity cookie settings", Map.of(N + "affinity", "cookie", N + "session-cookie-name", "route",
                        N + "session-cookie-max-age", "3600", N + "session-cookie-path", "/app"), get,
                        "fwd default/web:80 /x?q=1 cookie=route,/app,3600"),
                c("affinity cookie attributes", Map.of(N + "affinity", "cookie", N + "affinity-mode", "persistent",
                        N + "session-cookie-expires", "7200", N + "session-cookie-domain", "example.com",
                        N + "session-cookie-samesite", "none", N + "session-cookie-conditional-samesite-none", "true",
                        N + "session-cookie-secure", "true", N + "session-cookie-change-on-failure", "true"), get,
                        "fwd default/web:80 /x?q=1 cookie=INGRESSCOOKIE,/,0,expires=7200,domain=example.com,"
                                + "samesite=None,conditional,secure,change-on-failure,persistent"),
                c("affinity cookie: max-age and expires both", Map.of(N + "affinity", "cookie",
                        N + "session-cookie-max-age", "60", N + "session-cookie-expires", "120",
                        N + "session-cookie-samesite", "Strict", N + "affinity-mode", "balanced"), get,
                        "fwd default/web:80 /x?q=1 cookie=INGRESSCOOKIE,/,60,expires=120,samesite=Strict"),
                c("affinity cookie: bad values keep the defaults", Map.of(N + "affinity", "cookie",
                        N + "affinity-mode", "sticky", N + "session-cookie-samesite", "sometimes",
                        N + "session-cookie-secure", "yes", N + "session-cookie-domain", "a;b",
                        N + "session-cookie-expires", "1d"), get, "fwd default/web:80 /x?q=1 cookie=INGRESSCOOKIE,/,0",
                        "InvalidAnnotation: annotation " + N + "session-cookie-domain: invalid value \"a;b\": not a "
                                + "domain name; ignored",
                        "InvalidAnnotation: annotation " + N + "session-cookie-samesite: invalid value \"sometimes\": "
                                + "must be None, Lax or Strict; ignored",
                        "InvalidAnnotation: annotation " + N + "session-cookie-expires: invalid value \"1d\": must be "
                                + "an integer; ignored",
                        "InvalidAnnotation: annotation " + N + "session-cookie-secure: invalid value \"yes\": must be "
                                + "\"true\" or \"false\"; ignored",
                        "InvalidAnnotation: annotation " + N + "affinity-mode: invalid value \"sticky\": must be "
                                + "balanced or persistent; ignored"),
                c("conditional-samesite-none needs SameSite=None", Map.of(N + "affinity", "cookie",
                        N + "session-cookie-samesite", "Lax", N + "session-cookie-conditional-samesite-none", "true"),
                        get, "fwd default/web:80 /x?q=1 cookie=INGRESSCOOKIE,/,0,samesite=Lax",
                        "InvalidAnnotation: annotation " + N + "session-cookie-conditional-samesite-none has no effect "
                                + "without session-cookie-samesite: None; ignored"),
                c("cookie attributes without affinity", Map.of(N + "session-cookie-samesite", "None",
                        N + "affinity-mode", "persistent"), get, "fwd default/web:80 /x?q=1",
                        "InvalidAnnotation: annotation " + N + "affinity-mode has no effect without affinity: cookie; "
                                + "ignored",
                        "InvalidAnnotation: annotation " + N + "session-cookie-samesite has no effect without affinity: "
                                + "cookie; ignored"),
                c("session cookie settings without affinity", Map.of(N + "session-cookie-name", "route"), get,
                        "fwd default/web:80 /x?q=1", "InvalidAnnotation: annotation " + N + "session-cookie-name has "
                                + "no effect without affinity: cookie; ignored"),
                c("upstream-hash-by", Map.of(N + "upstream-hash-by", "$arg_q"), get,
                        "fwd default/web:80 /x?q=1 hash=1"),
                c("upstream-hash-by unknown variable", Map.of(N + "upstream-hash-by", "$foo"), get,
                        "fwd default/web:80 /x?q=1", "InvalidAnnotation: annotation " + N + "upstream-hash-by: "
                                + "invalid value \"$foo\": unsupported nginx variable $foo; ignored"),
                c("whitelist-source-range", Map.of(N + "whitelist-source-range", "10.0.0.0/8, 192.0.2.10"), get,
                        "fwd default/web:80 /x?q=1"),
                c("whitelist-source-range, other client", Map.of(N + "whitelist-source-range", "10.0.0.0/8"), get,
                        "403"),
                c("allowlist-source-range", Map.of(N + "allowlist-source-range", "10.0.0.0/8"),
                        get.withClient("10.1.1.1"), "fwd default/web:80 /x?q=1"),
                c("allow list with a bad entry closes the route (fail closed)", Map.of(N + "allowlist-source-range",
                                "10.0.0/8"), get.withClient("10.1.1.1"), "503",
                        "InvalidAnnotation: annotation " + N + "allowlist-source-range: invalid value \"10.0.0/8\": "
                                + "not a CIDR or IP address; it restricts access, so this Ingress's routes answer 503 "
                                + "(fail closed)"),
                c("satisfy any", Map.of(N + "satisfy", "any", N + "whitelist-source-range", "10.0.0.0/8"), get,
                        "403"),
                c("denylist-source-range", Map.of(N + "denylist-source-range", "192.0.2.0/24"), get, "403"),
                c("permanent-redirect", Map.of(N + "permanent-redirect", "https://new.example.com"), get,
                        "301 {Location=https://new.example.com}"),
                c("permanent-redirect-code", Map.of(N + "permanent-redirect", "https://n.example.com",
                        N + "permanent-redirect-code", "308"), get, "308 {Location=https://n.example.com}"),
                c("temporal-redirect", Map.of(N + "temporal-redirect", "http://t.example.com/x"), get,
                        "302 {Location=http://t.example.com/x}"),
                c("redirect must be http(s)", Map.of(N + "permanent-redirect", "ftp://x"), get,
                        "fwd default/web:80 /x?q=1", "InvalidAnnotation: annotation " + N + "permanent-redirect: "
                                + "invalid value \"ftp://x\": only http and https URLs are valid; ignored"),
                c("app-root", Map.of(N + "app-root", "/app1"), Fixtures.req("/").withHeader("Host", "app.example.com"),
                        "302 {Location=http://app.example.com/app1}"),
                c("enable-cors preflight", Map.of(N + "enable-cors", "true", N + "cors-allow-origin",
                                "https://a.example.com", N + "cors-allow-methods", "GET, POST",
                                N + "cors-max-age", "60", N + "cors-allow-credentials", "false"),
                        get.withMethod("OPTIONS").withHeader("Origin", "https://a.example.com"),
                        "204 {Access-Control-Allow-Headers=DNT,Keep-Alive,User-Agent,X-Requested-With,"
                                + "If-Modified-Since,Cache-Control,Content-Type,Range,Authorization, "
                                + "Access-Control-Allow-Methods=GET, POST, "
                                + "Access-Control-Allow-Origin=https://a.example.com, Access-Control-Max-Age=60, "
                                + "Content-Type=text/plain charset=UTF-8}"),
                c("cors settings without enable-cors do nothing", Map.of(N + "enable-cors", "false",
                        N + "cors-allow-origin", "*"), get.withMethod("OPTIONS"), "fwd default/web:80 /x?q=1"),
                c("limit-rps with burst multiplier and whitelist", Map.of(N + "limit-rps", "10",
                        N + "limit-burst-multiplier", "3", N + "limit-whitelist", "10.0.0.0/8"), get,
                        "fwd default/web:80 /x?q=1 limit=default/app,10,30,0,[10.0.0.0/8]"),
                c("limit-rpm with the burst multiplier, beside limit-rps", Map.of(N + "limit-rpm", "30",
                        N + "limit-rps", "2", N + "limit-burst-multiplier", "2"), get,
                        "fwd default/web:80 /x?q=1 limit=default/app,2,4,0,[],rpm=30,60"),
                c("a bad limit-whitelist entry drops the whole list; the limit stays", Map.of(N + "limit-rpm", "30",
                        N + "limit-whitelist", "10.0.0.0/8, 300.1.1.1"), get,
                        "fwd default/web:80 /x?q=1 limit=default/app,0,0,0,[],rpm=30,150",
                        "InvalidAnnotation: annotation nginx.ingress.kubernetes.io/limit-whitelist: invalid value "
                                + "\"300.1.1.1\": not a CIDR or IP address; the whole list is ignored and the limits "
                                + "apply to every client"),
                c("limit-connections", Map.of(N + "limit-connections", "5"), get,
                        "fwd default/web:80 /x?q=1 limit=default/app,0,0,5,[]"),
                c("x-forwarded-prefix", Map.of(N + "x-forwarded-prefix", "/api"), get,
                        "fwd default/web:80 /x?q=1 set={X-Forwarded-Prefix=/api}"),
                c("kubeway.io wins over nginx", Map.of(N + "proxy-body-size", "8m", "kubeway.io/proxy-body-size",
                        "2m"), get, "fwd default/web:80 /x?q=1 max=2097152"),
                c("unsupported annotations warn", Map.of(N + "configuration-snippet", "more_set_headers x;",
                                "kubeway.io/server-snippet", "x", "other.io/thing", "kept quiet"), get,
                        "fwd default/web:80 /x?q=1",
                        "UnsupportedAnnotation: annotation kubeway.io/server-snippet is not supported by kubeway; "
                                + "ignored",
                        "UnsupportedAnnotation: annotation " + N + "configuration-snippet is not supported by "
                                + "kubeway; ignored"),
                c("canary rules without canary: true", Map.of(N + "canary-weight", "50"), get,
                        "fwd default/web:80 /x?q=1", "InvalidAnnotation: annotation " + N + "canary-weight has no "
                                + "effect without canary: \"true\"; ignored"),
                c("bad bool", Map.of(N + "ssl-redirect", "yes"), get, "fwd default/web:80 /x?q=1",
                        "InvalidAnnotation: annotation " + N + "ssl-redirect: invalid value \"yes\": must be "
                                + "\"true\" or \"false\"; ignored"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decision(Case c) {
        Ingress ing = Fixtures.ingress("app", "app.example.com", c.pathType, c.path, b -> {
            b.editMetadata().withAnnotations(c.annotations).endMetadata();
            return c.tls ? b.editSpec().addNewTl().withHosts("app.example.com").endTl().endSpec() : b;
        });
        IngressTranslation t = Fixtures.translate(List.of(ing));
        assertThat(Fixtures.render(t.http().router().route(c.request))).isEqualTo(c.expected);
        assertThat(t.problems()).extracting(p -> p.reason() + ": " + p.message())
                .containsExactlyElementsOf(c.problems);
        assertThat(t.problems()).allMatch(Problem::warning);
    }
}
