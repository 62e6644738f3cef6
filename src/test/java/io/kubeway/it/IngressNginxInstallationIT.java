package io.kubeway.it;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import io.kubeway.testing.FreePorts;
import io.kubeway.testing.Htpasswd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 8's acceptance: an ingress-nginx installation, as its docs and Helm chart shape it, served unchanged by
 * {@code --controller-class k8s.io/ingress-nginx --configmap ingress-nginx/ingress-nginx-controller}: the namespace
 * {@code ingress-nginx} with the default IngressClass {@code nginx} and the controller ConfigMap
 * (use-forwarded-headers, proxy-body-size, hsts-max-age), and application Ingresses (by {@code ingressClassName}, by
 * the legacy annotation, and one without a class, taken by the default class) with the annotations users rely on
 * most: rewrite-target with use-regex, canary by header, basic auth from an htpasswd Secret, ssl-redirect with a TLS
 * Secret, cookie affinity, whitelist-source-range and proxy-body-size. Each is checked with real requests against
 * what ingress-nginx documents, and nothing in these manifests gets a Warning. One Kubeway serves every test of the
 * class (they only send requests), so the class takes seconds.
 */
class IngressNginxInstallationIT {
    static final String IP = "127.0.183.1";
    static final String ALLOWED_CLIENT = "127.0.184.5";
    static final String N = "nginx.ingress.kubernetes.io/";

    @TempDir
    static Path tmp;
    static Harness h;
    static int http;
    static int https;
    static boolean withBasicAuth;

    /** ingress-nginx's own objects: its namespace, the default IngressClass and the controller ConfigMap. */
    static final String INGRESS_NGINX = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: ingress-nginx
              labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx}
            ---
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata:
              name: nginx
              labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}
              annotations:
                ingressclass.kubernetes.io/is-default-class: "true"
            spec:
              controller: k8s.io/ingress-nginx
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ingress-nginx-controller
              namespace: ingress-nginx
              labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}
            data:
              use-forwarded-headers: "true"
              proxy-body-size: "1k"
              hsts-max-age: "31536000"
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: ingress-nginx-defaultbackend-1
              namespace: ingress-nginx
              labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: default-backend}
            spec:
              containers:
              - name: ingress-nginx-default-backend
                image: registry.k8s.io/defaultbackend-amd64:1.5
                ports: [{name: http, containerPort: 8080}]
            status:
              podIP: 127.0.183.41
              conditions: [{type: Ready, status: "True"}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: ingress-nginx-defaultbackend
              namespace: ingress-nginx
            spec:
              selector: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: default-backend}
              ports: [{name: http, port: 80, targetPort: http}]
            """;

    /** Services and their Pods (one echo backend each, two for the shop). */
    static final String APPS = pod("api-1", "{app: api}", "127.0.183.11", "[{name: http, containerPort: 8080}]", true)
            + pod("api-canary-1", "{app: api-canary}", "127.0.183.12", "[{name: http, containerPort: 8080}]", true)
            + pod("shop-1", "{app: shop}", "127.0.183.21", "[{name: http, containerPort: 8080}]", true)
            + pod("shop-2", "{app: shop}", "127.0.183.22", "[{name: http, containerPort: 8080}]", true)
            + pod("web-1", "{app: web}", "127.0.183.31", "[{name: http, containerPort: 8080}]", true)
            + service("api") + service("api-canary") + service("shop") + service("web");

    /** The application Ingresses, as written for ingress-nginx. */
    static final String INGRESSES = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: api
              annotations:
                nginx.ingress.kubernetes.io/use-regex: "true"
                nginx.ingress.kubernetes.io/rewrite-target: /$2
            spec:
              ingressClassName: nginx
              rules:
              - host: api.example.com
                http:
                  paths:
                  - path: /api(/|$)(.*)
                    pathType: ImplementationSpecific
                    backend: {service: {name: api, port: {number: 80}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: api-canary
              annotations:
                kubernetes.io/ingress.class: nginx
                nginx.ingress.kubernetes.io/canary: "true"
                nginx.ingress.kubernetes.io/canary-by-header: X-Canary
                nginx.ingress.kubernetes.io/use-regex: "true"
                nginx.ingress.kubernetes.io/rewrite-target: /$2
            spec:
              rules:
              - host: api.example.com
                http:
                  paths:
                  - path: /api(/|$)(.*)
                    pathType: ImplementationSpecific
                    backend: {service: {name: api-canary, port: {number: 80}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: shop
              annotations:
                nginx.ingress.kubernetes.io/affinity: cookie
                nginx.ingress.kubernetes.io/session-cookie-name: route
                nginx.ingress.kubernetes.io/session-cookie-max-age: "172800"
            spec:
              ingressClassName: nginx
              tls:
              - hosts: [shop.example.com]
                secretName: shop-tls
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: admin
              annotations:
                nginx.ingress.kubernetes.io/whitelist-source-range: "127.0.184.0/24, 10.0.0.0/8"
            spec:
              ingressClassName: nginx
              rules:
              - host: admin.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: upload
              annotations:
                kubernetes.io/ingress.class: nginx
                nginx.ingress.kubernetes.io/proxy-body-size: 8m
            spec:
              rules:
              - host: upload.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: home}
            spec:
              rules:
              - host: home.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            """;

    /** Basic auth as ingress-nginx's docs make it: {@code htpasswd -c auth foo}, a Secret with key {@code auth}. */
    static final String VAULT = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: vault
              annotations:
                nginx.ingress.kubernetes.io/auth-type: basic
                nginx.ingress.kubernetes.io/auth-secret: basic-auth
                nginx.ingress.kubernetes.io/auth-realm: "Authentication Required - foo"
            spec:
              ingressClassName: nginx
              rules:
              - host: vault.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: basic-auth}
            type: Opaque
            data:
              auth: %s
            """;

    static String service(String name) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s}
                spec:
                  selector: {app: %1$s}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                """.formatted(name);
    }

    @BeforeAll
    static void installIngressNginxAndSwap() throws IOException {
        String ports = FreePorts.range(2);
        http = FreePorts.first(ports);
        https = http + 1;
        h = new Harness(Files.createDirectories(tmp.resolve("kubeway")), "127.183.0.0/16", "127.184.0.0/24");
        IngressSettings d = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), http),
                new InetSocketAddress(IpLiterals.of(IP), https));
        // kubeway run --controller-class k8s.io/ingress-nginx --configmap ingress-nginx/ingress-nginx-controller
        //   --default-backend-service ingress-nginx/ingress-nginx-defaultbackend (the Helm chart's defaultBackend)
        h.ingress = new IngressSettings(d.ingressClass(), d.watchWithoutClass(), d.httpAddress(), d.httpsAddress(),
                "ingress-nginx/ingress-nginx-defaultbackend", null, List.of(), List.of(), "off", false,
                List.of("k8s.io/ingress-nginx"), false,
                "ingress-nginx/ingress-nginx-controller");
        for (String[] b : new String[][] {{"127.0.183.11", "api-1"}, {"127.0.183.12", "api-canary-1"},
                {"127.0.183.21", "shop-1"}, {"127.0.183.22", "shop-2"}, {"127.0.183.31", "web-1"},
                {"127.0.183.41", "defaultbackend-1"}}) {
            h.backend(b[0], 8080, b[1]);
        }
        h.write("ingress-nginx.yaml", INGRESS_NGINX);
        h.write("apps.yaml", APPS + INGRESSES + "---\n" + IngressIT.secret("shop-tls",
                IngressIT.cert("shop.example.com", "shop.example.com")));
        withBasicAuth = Files.isExecutable(Path.of("/usr/bin/htpasswd"));
        if (withBasicAuth) {
            String auth = Htpasswd.line("-B", "foo", "bar") + "\n" + Htpasswd.line("-m", "alice", "wonderland") + "\n";
            h.write("vault.yaml", VAULT.formatted(Base64.getEncoder().encodeToString(
                    auth.getBytes(StandardCharsets.UTF_8))));
        }
        h.start();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            assertThat(request(null, false, "upload.example.com", "GET", "/", Map.of(), 0).backend()).isEqualTo("web-1");
            assertThat(request(null, true, "shop.example.com", "GET", "/", Map.of(), 0).status()).isEqualTo(200);
        });
    }

    @AfterAll
    static void tearDown() {
        if (h != null) h.close();
    }

    @Test
    void rewriteTargetWithARegexPathSendsTheCaptureGroup() throws Exception {
        Answer a = request(null, false, "api.example.com", "GET", "/api/users/7?full=1", Map.of(), 0);
        assertThat(a.backend()).isEqualTo("api-1");
        assertThat(a.received("uri")).as("/api(/|$)(.*) rewritten to /$2, query kept").isEqualTo("/users/7?full=1");
        assertThat(request(null, false, "api.example.com", "GET", "/api", Map.of(), 0).received("path")).isEqualTo("/");
        assertThat(request(null, false, "API.example.com", "GET", "/API/x", Map.of(), 0).received("path"))
                .as("use-regex is case-insensitive (location ~*)").isEqualTo("/x");
        assertThat(request(null, false, "api.example.com", "GET", "/other", Map.of(), 0).backend())
                .as("no path of the host matches: the default backend").isEqualTo("defaultbackend-1");
    }

    @Test
    void aClassLessIngressTakesTheDefaultClass() throws Exception {
        // The API server's DefaultIngressClass admission would give it ingressClassName: nginx.
        assertThat(request(null, false, "home.example.com", "GET", "/", Map.of(), 0).backend()).isEqualTo("web-1");
    }

    @Test
    void aHostNoIngressNamesGoesToTheDefaultBackend() throws Exception {
        Answer a = request(null, false, "unknown.example.com", "GET", "/x", Map.of(), 0);
        assertThat(a.backend()).isEqualTo("defaultbackend-1");
        assertThat(a.received("path")).isEqualTo("/x");
    }

    @Test
    void canaryByHeaderAlwaysAndNever() throws Exception {
        assertThat(request(null, false, "api.example.com", "GET", "/api/a", Map.of("X-Canary", "always"), 0).backend())
                .isEqualTo("api-canary-1");
        Answer canary = request(null, false, "api.example.com", "GET", "/api/a", Map.of("X-Canary", "always"), 0);
        assertThat(canary.received("path")).as("the canary's own rewrite").isEqualTo("/a");
        assertThat(request(null, false, "api.example.com", "GET", "/api/a", Map.of("X-Canary", "never"), 0).backend())
                .isEqualTo("api-1");
        for (int i = 0; i < 5; i++) {
            assertThat(request(null, false, "api.example.com", "GET", "/api/a", Map.of(), 0).backend())
                    .as("no header, no weight: the main backend").isEqualTo("api-1");
            assertThat(request(null, false, "api.example.com", "GET", "/api/a", Map.of("X-Canary", "maybe"), 0)
                    .backend()).as("any other value: the main backend").isEqualTo("api-1");
        }
    }

    @Test
    void sslRedirectAndHstsFromTheConfigMap() throws Exception {
        Answer redirect = request(null, false, "shop.example.com", "GET", "/cart?id=3", Map.of(), 0);
        assertThat(redirect.status()).as("ssl-redirect's default for a TLS host: 308").isEqualTo(308);
        // ingress-nginx's redirect_to_https names the HTTPS port when it is not 443 (lua_ingress.lua).
        assertThat(redirect.header("Location")).isEqualTo("https://shop.example.com:" + https + "/cart?id=3");
        Answer secure = request(null, true, "shop.example.com", "GET", "/cart", Map.of(), 0);
        assertThat(secure.status()).isEqualTo(200);
        assertThat(secure.certificate).as("the certificate from Secret shop-tls").contains("CN=shop.example.com");
        assertThat(secure.header("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
        assertThat(secure.received("headers", "x-forwarded-proto")).isEqualTo("https");
        assertThat(request(null, false, "upload.example.com", "GET", "/", Map.of(), 0).status())
                .as("a host without TLS is not redirected").isEqualTo(200);
    }

    @Test
    void cookieAffinityKeepsASessionOnItsPod() throws Exception {
        Answer first = request(null, true, "shop.example.com", "GET", "/", Map.of(), 0);
        String setCookie = first.header("Set-Cookie");
        assertThat(setCookie).as("affinity: cookie sets session-cookie-name").startsWith("route=")
                .containsIgnoringCase("Max-Age=172800");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        for (int i = 0; i < 6; i++) {
            Answer again = request(null, true, "shop.example.com", "GET", "/", Map.of("Cookie", cookie), 0);
            assertThat(again.backend()).isEqualTo(first.backend());
            assertThat(again.header("Set-Cookie")).as("a valid cookie is not set again").isNull();
        }
        Set<String> fresh = new HashSet<>();
        // A new session gets a random key (affinity-mode balanced): 30 tries all on one pod has odds of 2^-29.
        for (int i = 0; i < 30 && fresh.size() < 2; i++) {
            fresh.add(request(null, true, "shop.example.com", "GET", "/", Map.of(), 0).backend());
        }
        assertThat(fresh).as("new sessions spread over both pods").containsExactlyInAnyOrder("shop-1", "shop-2");
    }

    @Test
    void whitelistSourceRangeAndForwardedHeaders() throws Exception {
        assertThat(request("127.0.0.1", false, "admin.example.com", "GET", "/", Map.of(), 0).status()).isEqualTo(403);
        Answer allowed = request(ALLOWED_CLIENT, false, "admin.example.com", "GET", "/", Map.of(), 0);
        assertThat(allowed.backend()).isEqualTo("web-1");
        assertThat(allowed.received("headers", "x-real-ip")).isEqualTo(ALLOWED_CLIENT);
        // use-forwarded-headers: "true": the X-Forwarded-* a client (a load balancer in front) sends are passed on.
        Answer forwarded = request(null, false, "upload.example.com", "GET", "/", Map.of("X-Forwarded-For",
                "203.0.113.7", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "www.example.com"), 0);
        assertThat(forwarded.received("headers", "x-real-ip")).isEqualTo("203.0.113.7");
        assertThat(forwarded.received("headers", "x-forwarded-proto")).isEqualTo("https");
        assertThat(forwarded.received("headers", "x-forwarded-host")).isEqualTo("www.example.com");
        // Behind a load balancer the whitelist sees the client it names (nginx's real_ip: proxy-real-ip-cidr's
        // default 0.0.0.0/0 trusts every peer), as ingress-nginx does.
        assertThat(request("127.0.0.1", false, "admin.example.com", "GET", "/", Map.of("X-Forwarded-For",
                ALLOWED_CLIENT), 0).status()).isEqualTo(200);
        assertThat(request(ALLOWED_CLIENT, false, "admin.example.com", "GET", "/", Map.of("X-Forwarded-For",
                "203.0.113.7"), 0).status()).isEqualTo(403);
    }

    @Test
    void proxyBodySizeFromTheConfigMapAndTheAnnotation() throws Exception {
        assertThat(request(null, false, "api.example.com", "POST", "/api/up", Map.of(), 2048).status())
                .as("over the ConfigMap's 1k").isEqualTo(413);
        assertThat(request(null, false, "api.example.com", "POST", "/api/up", Map.of(), 1000).status()).isEqualTo(200);
        assertThat(request(null, false, "upload.example.com", "POST", "/", Map.of(), 65536).status())
                .as("the annotation's 8m wins").isEqualTo(200);
    }

    @Test
    void basicAuthFromAnHtpasswdSecret() throws Exception {
        Assumptions.assumeTrue(withBasicAuth, "htpasswd is not installed (apt-get install apache2-utils); skipping "
                + "the basic auth part of the ingress-nginx installation");
        Answer denied = request(null, false, "vault.example.com", "GET", "/", Map.of(), 0);
        assertThat(denied.status()).isEqualTo(401);
        assertThat(denied.header("WWW-Authenticate")).isEqualTo("Basic realm=\"Authentication Required - foo\"");
        assertThat(request(null, false, "vault.example.com", "GET", "/", Map.of("Authorization", basic("foo", "baz")),
                0).status()).isEqualTo(401);
        for (String[] u : new String[][] {{"foo", "bar"}, {"alice", "wonderland"}}) {
            Answer ok = request(null, false, "vault.example.com", "GET", "/", Map.of("Authorization",
                    basic(u[0], u[1])), 0);
            assertThat(ok.backend()).as(u[0]).isEqualTo("web-1");
            assertThat(ok.received("headers", "authorization")).isEqualTo(basic(u[0], u[1]));
        }
    }

    @Test
    void noWarningForAnythingInTheInstallation() {
        // Every object above is one Kubeway serves: a Warning would mean a user switching sees a gap.
        // The controller records a pass's events just after it applies the routes: hold the check for half a second.
        java.util.function.Supplier<List<Event>> warnings = () -> h.server.view().events().stream()
                .filter(e -> "Warning".equals(e.getType())).toList();
        try {
            await().pollDelay(Duration.ZERO).during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> warnings.get().isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // a Warning appeared: the assertion below names it
        }
        assertThat(warnings.get()).extracting(e -> e.getInvolvedObject().getName() + ": " + e.getReason() + ": "
                + e.getMessage()).isEmpty();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A response and, when an echo backend answered, what it received. */
    record Answer(int status, String head, JsonNode body, String certificate) {
        String backend() {
            return body == null ? null : text(body.path("backend"));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
            }
            return null;
        }

        /** A field of the echo's description of the request; under "headers", any case of the name. */
        String received(String field) {
            return text(body.path(field));
        }

        String received(String headers, String name) {
            for (Map.Entry<String, JsonNode> e : body.path(headers).properties()) {
                if (e.getKey().equalsIgnoreCase(name)) return text(e.getValue());
            }
            return null;
        }

        private static String text(JsonNode n) {
            return n.isString() ? n.stringValue() : null;
        }
    }

    /** One request on a new connection from {@code sourceIp} (null: any), over TLS with SNI = host if asked. */
    static Answer request(String sourceIp, boolean tls, String host, String method, String path,
                          Map<String, String> headers, int bodyBytes) throws IOException {
        Socket plain = new Socket();
        if (sourceIp != null) plain.bind(new InetSocketAddress(IpLiterals.of(sourceIp), 0));
        plain.connect(new InetSocketAddress(IpLiterals.of(IP), tls ? https : http), 2000);
        plain.setSoTimeout(5000);
        String certificate = null;
        Socket s = plain;
        if (tls) {
            SSLSocket ssl = (SSLSocket) HttpClientSupport.trustAll().getSocketFactory()
                    .createSocket(plain, host.toLowerCase(), tls ? https : http, true);
            SSLParameters params = ssl.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host.toLowerCase())));
            params.setApplicationProtocols(new String[] {"http/1.1"});
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            certificate = ((java.security.cert.X509Certificate) ssl.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
            s = ssl;
        }
        try (Socket conn = s) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n");
            if (bodyBytes > 0) req.append("Content-Length: ").append(bodyBytes).append("\r\n");
            all.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n").append("x".repeat(bodyBytes));
            conn.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
            String answer = new String(conn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            String head = answer.substring(0, end + 4);
            String body = answer.substring(end + 4);
            JsonNode json = body.startsWith("{") ? Serialization.unmarshal(body, JsonNode.class) : null;
            return new Answer(Integer.parseInt(answer.substring(9, 12)), head, json, certificate);
        }
    }
}
